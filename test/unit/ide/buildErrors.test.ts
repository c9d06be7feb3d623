// Build errors placed in a file (ide/diagnostics/buildErrors.ts) are filtered by the problem's
// code, never by its message: a missing path is left to missingFiles only on the entry it flags,
// and a YAML syntax error only when the file already shows it.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildErrorsOutside, computeDiagnostics } from '../../../server/src/ide/diagnostics';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';

const R = '/ws';
const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n';

function index(files: Record<string, string>): WorkspaceIndex {
  const i = new WorkspaceIndex(new MemoryFileSystem(undefined, files), [R]);
  i.scan();
  return i;
}

const codes = (i: WorkspaceIndex, f: string) =>
  computeDiagnostics(i, f, { validation: true }).map(
    (d) => `${d.severity}:${d.code}:${d.span.line}`,
  );

describe('build errors in diagnostics', () => {
  it('a generator merge naming nothing in the base is an error on the generator (kubectl kustomize fails too)', () => {
    const dir = path
      .resolve(
        __dirname,
        '../../../../test/fixtures/kustomize/fail-generator-merge-wrong-namespace',
      )
      .split(path.sep)
      .join('/');
    const i = new WorkspaceIndex(new DiskFileSystem(), [dir]);
    i.scan();
    const d = computeDiagnostics(i, `${dir}/kustomization.yaml`, { validation: true });
    assert.deepEqual(
      d.map((x) => `${x.severity}:${x.code}:${x.span.line}`),
      ['error:kustomize-kustomize:7'],
    );
    assert.match(d[0].message, /ConfigMap\/catalog-values in namespace elsewhere does not exist/);
  });

  it('a missing resource is said once, by missingFiles, on its entry', () => {
    const i = index({ [`${R}/res/kustomization.yaml`]: K + 'resources:\n  - nope.yaml\n' });
    assert.deepEqual(codes(i, `${R}/res/kustomization.yaml`), ['error:missing-file:4']);
  });

  it('a missing generator file (no entry missingFiles checks) is the build error', () => {
    const i = index({
      [`${R}/gen/kustomization.yaml`]:
        K + 'configMapGenerator:\n  - name: v\n    files:\n      - values.yaml\n',
    });
    assert.deepEqual(codes(i, `${R}/gen/kustomization.yaml`), ['error:kustomize-missing-file:6']);
  });

  it('a patch with a YAML syntax error shows it once; outside the checked files it keeps its code', () => {
    const i = index({
      [`${R}/syn/kustomization.yaml`]:
        K + 'resources:\n  - cm.yaml\npatches:\n  - path: patch.yaml\n',
      [`${R}/syn/cm.yaml`]: CM,
      [`${R}/syn/patch.yaml`]: CM.replace('x: "1"', 'x: [1'),
    });
    assert.deepEqual(codes(i, `${R}/syn/patch.yaml`), ['error:yaml-syntax:7']);
    assert.deepEqual(
      buildErrorsOutside(i, [`${R}/syn/kustomization.yaml`]).map(
        (d) => `${d.code}:${d.span.file}:${d.span.line}`,
      ),
      [`kustomize-yaml-syntax:${R}/syn/patch.yaml:7`],
    );
  });
});
