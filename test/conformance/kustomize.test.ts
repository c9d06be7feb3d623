// Conformance: every kustomization folder of the shared corpus and of our fixtures builds with
// our engine exactly as with the real kubectl kustomize (kustomize v5.6.0): same documents, same
// order, compared as parsed YAML. Where kubectl fails, we must fail too.

import { strict as assert } from 'assert';
import * as path from 'path';
import { describe, it } from 'node:test';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { buildKustomization } from '../../server/src/engine/kustomize/build';
import { ParseCache } from '../../server/src/engine/kustomize/loader';
import { toJS } from '../../server/src/engine/yaml/node';
import { emitDocuments } from '../../server/src/engine/yaml/emit';
import { kubectlKustomize, parseYamlDocs } from '../support/kubectl';
import { EXAMPLES_ROOT, FIXTURES_ROOT, readExpected } from '../support/kustomizeExpected';
import { CORPUS, corpusAvailable, kubectlAvailable, kustomizationDirs } from '../support/paths';

const fs = new DiskFileSystem();
const cache = new ParseCache();
const only = process.env.CONFORMANCE_FILTER;

function check(
  dir: string,
  checkedIn: boolean,
  loadRestrictor: 'RootOnly' | 'None' = 'RootOnly',
): void {
  const ref = kubectlKustomize(
    dir,
    loadRestrictor === 'None' ? ['--load-restrictor=LoadRestrictionsNone'] : [],
  );
  if (checkedIn) {
    // The checked-in expectation the unit tests use (test/unit/kustomize/expected.test.ts) is
    // still what kubectl prints.
    const expected = readExpected(dir);
    const regenerate = 'run node out/test/support/generateKustomizeExpected.js';
    assert.ok(expected, `no checked-in expected output for ${dir}: ${regenerate}`);
    assert.equal(
      expected.ok,
      ref.ok,
      `kubectl ${ref.ok ? 'builds' : 'fails on'} ${dir}, the checked-in expectation says otherwise: ${regenerate}`,
    );
    if (expected.ok)
      assert.equal(
        expected.text,
        ref.stdout,
        `the checked-in output of ${dir} is not what kubectl prints: ${regenerate}`,
      );
  }
  const ours = buildKustomization(fs, dir, { cache, loadRestrictor });
  const errors = ours.problems.filter((p) => p.severity === 'error');
  if (!ref.ok) {
    assert.ok(
      errors.length > 0,
      `kubectl fails on ${dir} but we build it.\nkubectl: ${ref.stderr}`,
    );
    for (const e of errors)
      assert.ok(
        !e.message.startsWith('internal error'),
        `we fail with an internal error: ${e.message}`,
      );
    return;
  }
  assert.deepEqual(
    errors.map((e) => `${e.span?.file}:${e.span?.line}: ${e.message}`),
    [],
    `kubectl builds ${dir} but we fail`,
  );
  const got = ours.objects.map((o) => toJS(o.node));
  assert.deepEqual(got, ref.docs, `output differs from kubectl kustomize for ${dir}`);
  // What we print must read back as the same documents.
  assert.deepEqual(
    parseYamlDocs(
      emitDocuments(
        ours.objects.map((o) => o.node),
        { showSecrets: true },
      ),
    ),
    ref.docs,
    `printed YAML of ${dir} does not read back the same`,
  );
}

function suite(name: string, root: string, available: boolean, checkedIn: boolean): void {
  describe(name, () => {
    const dirs = available ? kustomizationDirs(root).filter((d) => !only || d.includes(only)) : [];
    if (!available || !kubectlAvailable()) {
      it('skipped: corpus or reference kubectl not available', { skip: true }, () => {});
      return;
    }
    // Folders that are only used as components or bases of others still build on their own.
    for (const dir of dirs) {
      it(path.relative(root, dir) || '.', () => check(dir, checkedIn));
    }
  });
}

suite('shared corpus vs kubectl kustomize', CORPUS, corpusAvailable(), false);
suite('kustomize fixtures vs kubectl kustomize', FIXTURES_ROOT, true, true);
suite('example repository vs kubectl kustomize', EXAMPLES_ROOT, true, true);
