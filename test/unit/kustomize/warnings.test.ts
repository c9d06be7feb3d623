// What the build does not understand but can still do is a warning on the line, not silence.
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';

test('an openapi: field is reported as not read, and the build still succeeds', () => {
  const fs = new MemoryFileSystem(undefined, {
    '/r/kustomization.yaml': 'resources:\n  - cm.yaml\nopenapi:\n  path: schema.json\n',
    '/r/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
  });
  const r = buildKustomization(fs, '/r');
  assert.equal(r.objects.length, 1);
  assert.deepEqual(
    r.problems.map((p) => [p.severity, p.code, p.span?.file, p.span?.line]),
    [['warning', 'openapi-ignored', '/r/kustomization.yaml', 3]],
  );
});
