// kustomize's RootOnly load restrictor through symbolic links (issue 14): kustomize resolves links
// before it compares, so a link in the root that leads outside is refused like `../outside`, a
// link that stays inside is read, and folders (bases, components) load from anywhere. The same
// cases run against real kubectl in test/hardening/boundaries.test.ts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { emitYaml } from '../../../server/src/engine/yaml/emit';
import { ESCAPE_CASES, OUTSIDE_MARK, makeEscapeTree, makeLoopTree } from '../../support/escapes';

const disk = new DiskFileSystem();
const text = (r: ReturnType<typeof buildKustomization>) =>
  r.objects.map((o) => emitYaml(o.node, { showSecrets: true })).join('---\n');

test('RootOnly refuses every link that leads outside and reads the ones that stay inside', () => {
  const t = makeEscapeTree();
  try {
    for (const c of ESCAPE_CASES) {
      const dir = t.overlay(c);
      const r = buildKustomization(disk, dir);
      const errors = r.problems.filter((p) => p.severity === 'error');
      if (c.kubectlRefuses) {
        assert.equal(errors.length, 1, `${c.name}: ${JSON.stringify(r.problems)}`);
        assert.equal(r.objects.length, 0, c.name);
        const e = errors[0];
        if (c.name === 'kustomization-file') {
          assert.equal(e.code, 'missing-kustomization', c.name);
        } else if (c.name === 'replacements') {
          assert.equal(e.code, 'unsupported', c.name); // replacements files are not read at all
        } else {
          assert.equal(e.code, 'load-restrictor', `${c.name}: ${e.message}`);
          assert.match(
            e.message,
            /^security: file '.*' is not in or below '.*' \(through a symbolic link it is '.*outside.*'\)/,
            c.name,
          );
          // Named at the entry that asked for the file.
          assert.equal(e.span?.file, path.join(dir, 'kustomization.yaml'), c.name);
          assert.equal(
            e.span?.line,
            c.kustomization
              .split('\n')
              .findIndex(
                (l) => !l.endsWith(':') && Object.keys(c.links).some((n) => l.includes(n)),
              ) + 1,
            c.name,
          );
        }
        assert.ok(
          !r.filesRead.some((f) => fs.realpathSync(f).startsWith(t.outside)),
          `${c.name} read ${r.filesRead.join(', ')}`,
        );
      } else {
        assert.deepEqual(errors, [], c.name);
        assert.ok(r.objects.length > 0, c.name);
      }
    }
  } finally {
    fs.rmSync(t.top, { recursive: true, force: true });
  }
});

test('--load-restrictor none reads through the links, as kustomize does', () => {
  const t = makeEscapeTree();
  try {
    for (const name of ['resource-file', 'generator-files', 'generator-envs', 'patch-path']) {
      const r = buildKustomization(disk, t.overlay(name), { loadRestrictor: 'None' });
      assert.deepEqual(
        r.problems.filter((p) => p.severity === 'error'),
        [],
        name,
      );
      // (a Secret's data is base64)
      assert.ok(
        text(r).includes(OUTSIDE_MARK) ||
          text(r).includes(Buffer.from(OUTSIDE_MARK).toString('base64')),
        name,
      );
    }
  } finally {
    fs.rmSync(t.top, { recursive: true, force: true });
  }
});

test('a folder link back to its own kustomization is a cycle, not an ever longer path', () => {
  const top = makeLoopTree();
  try {
    const r = buildKustomization(disk, path.join(top, 'app/staging'));
    assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
    assert.equal(r.problems[0].code, 'cycle');
    assert.equal(
      r.problems[0].message,
      `cycle detected: ${path.join(top, 'app/staging')} -> ${path.join(top, 'app/staging')}`,
    );
    assert.equal(r.problems[0].span?.line, 3);
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});
