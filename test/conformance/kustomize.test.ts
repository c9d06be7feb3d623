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
import { CORPUS, PROJECT_ROOT, corpusAvailable, kubectlAvailable, kustomizationDirs } from '../support/paths';

const fs = new DiskFileSystem();
const cache = new ParseCache();
const only = process.env.CONFORMANCE_FILTER;

function check(dir: string, loadRestrictor: 'RootOnly' | 'None' = 'RootOnly'): void {
  const ref = kubectlKustomize(dir, loadRestrictor === 'None' ? ['--load-restrictor=LoadRestrictionsNone'] : []);
  const ours = buildKustomization(fs, dir, { cache, loadRestrictor });
  const errors = ours.problems.filter((p) => p.severity === 'error');
  if (!ref.ok) {
    assert.ok(errors.length > 0, `kubectl fails on ${dir} but we build it.\nkubectl: ${ref.stderr}`);
    for (const e of errors) assert.ok(!e.message.startsWith('internal error'), `we fail with an internal error: ${e.message}`);
    return;
  }
  assert.deepEqual(errors.map((e) => `${e.span?.file}:${e.span?.line}: ${e.message}`), [], `kubectl builds ${dir} but we fail`);
  const got = ours.objects.map((o) => toJS(o.node));
  assert.deepEqual(got, ref.docs, `output differs from kubectl kustomize for ${dir}`);
  // What we print must read back as the same documents.
  assert.deepEqual(parseYamlDocs(emitDocuments(ours.objects.map((o) => o.node), { showSecrets: true })), ref.docs, `printed YAML of ${dir} does not read back the same`);
}

function suite(name: string, root: string, available: boolean): void {
  describe(name, () => {
    const dirs = available ? kustomizationDirs(root).filter((d) => !only || d.includes(only)) : [];
    if (!available || !kubectlAvailable()) {
      it('skipped: corpus or reference kubectl not available', { skip: true }, () => {});
      return;
    }
    // Folders that are only used as components or bases of others still build on their own.
    for (const dir of dirs) {
      it(path.relative(root, dir) || '.', () => check(dir));
    }
  });
}

suite('shared corpus vs kubectl kustomize', CORPUS, corpusAvailable());
suite('kustomize fixtures vs kubectl kustomize', path.join(PROJECT_ROOT, 'test', 'fixtures', 'kustomize'), true);
suite('example repository vs kubectl kustomize', path.join(PROJECT_ROOT, 'examples'), true);
