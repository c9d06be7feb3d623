// `flux-overlays build` as a user runs it: output, errors with file and line, --json for many
// folders, --show-origin, secrets masked.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../support/paths';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
const FIX = 'test/fixtures/kustomize';

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}

test('build prints the overlay as YAML documents', () => {
  const r = run('build', `${FIX}/generator-behavior-merge`);
  assert.equal(r.status, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
  assert.ok(docs.length > 0);
  assert.ok(docs.every((d) => typeof d.kind === 'string'));
});

test('a missing resource fails with exit 1, the file and line, and no stack trace', () => {
  const r = run('build', `${FIX}/fail-missing-resource`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /fail-missing-resource\/kustomization\.yaml:\d+:\d+: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
});

test('an error in a base names the base file and the overlay that pulled it in', () => {
  const r = run('build', `${FIX}/fail-cycle`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cycle/);
  assert.match(r.stderr, /kustomization\.yaml:\d+:\d+/);
});

test('build --json maps each DIR as given to its documents or an error', () => {
  const ok = `${FIX}/labels-plain`;
  const bad = `${FIX}/fail-missing-resource`;
  const r = run('build', '--json', ok, bad);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).sort(), [bad, ok].sort());
  assert.ok(Array.isArray(out[ok]) && out[ok].length > 0);
  assert.equal(typeof out[bad].error, 'string');
  assert.match(out[bad].error, /kustomization\.yaml:\d+/);
});

test('secrets are masked unless --show-secrets', () => {
  const masked = run('build', `${FIX}/secret-generator`);
  assert.equal(masked.status, 0, masked.stderr);
  const secrets = parseAllDocuments(masked.stdout)
    .map((d) => d.toJS())
    .filter((d) => d.kind === 'Secret');
  assert.ok(secrets.length > 0);
  for (const s of secrets)
    for (const v of Object.values(s.data ?? {})) assert.match(String(v), /^<secret:[0-9a-f]{8}>$/);
  const clear = run('build', '--show-secrets', `${FIX}/secret-generator`);
  const clearSecrets = parseAllDocuments(clear.stdout)
    .map((d) => d.toJS())
    .filter((d) => d.kind === 'Secret');
  assert.ok(
    clearSecrets.some((s) =>
      Object.values(s.data ?? {}).some((v) => !String(v).includes('<secret:')),
    ),
  );
});

test('--show-origin ends value lines with the file and line they came from', () => {
  const r = run('build', '--show-origin', `${FIX}/smp-crd-helmrelease`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /# test\/fixtures\/kustomize\/smp-crd-helmrelease\/[^\s:]+:\d+/);
  // Still YAML: comments do not change the documents.
  const plain = run('build', `${FIX}/smp-crd-helmrelease`);
  assert.deepEqual(
    parseAllDocuments(r.stdout).map((d) => d.toJS()),
    parseAllDocuments(plain.stdout).map((d) => d.toJS()),
  );
});

test('remote resources are refused, not fetched', () => {
  const r = run('build', `${FIX}/fail-remote-url`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /offline|remote/);
});

test('--load-restrictor none allows files outside the root', () => {
  const strict = run('build', `${FIX}/fail-load-restrictor/root`);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /load restrictor|not in or below/);
  const relaxed = run('build', '--load-restrictor', 'none', `${FIX}/fail-load-restrictor/root`);
  assert.equal(relaxed.status, 0, relaxed.stderr);
});
