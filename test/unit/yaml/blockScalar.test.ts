// Where the lines of a literal block scalar sit in their file: one function (yaml/blockScalar.ts)
// for inline kustomize patches and for values text in ConfigMaps; and the origins a build gives
// the fields an inline patch writes.
import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { blockScalarShift } from '../../../server/src/engine/yaml/blockScalar';
import { get, isMap } from '../../../server/src/engine/yaml/node';
import { parseYaml } from '../../../server/src/engine/yaml/parse';

/** The shift for the block scalar under `key` of the first document of `file`. */
function shiftOf(file: string, key: string, fileText = file) {
  const root = parseYaml(file, '/f.yaml').documents[0].root;
  assert.ok(isMap(root));
  const node = get(root, key)!;
  assert.equal(node.kind, 'scalar');
  return blockScalarShift(fileText, node.origin!, String((node as { value: unknown }).value));
}

describe('blockScalarShift', () => {
  const cases: {
    name: string;
    file: string;
    fileText?: string;
    expected: { line: number; col: number } | undefined;
  }[] = [
    {
      name: 'literal, clipped',
      file: 'a: 1\nv: |\n  x: 1\n  y:\n    z: 2\n',
      expected: { line: 2, col: 2 },
    },
    {
      name: 'literal, stripped, blank line inside',
      file: 'v: |-\n    x: 1\n\n    y: 2\nw: 0\n',
      expected: { line: 1, col: 4 },
    },
    {
      name: 'literal, with a comment after the indicator',
      file: 'v: | # values\n  x: 1\n',
      expected: { line: 1, col: 2 },
    },
    { name: 'folded: not line for line', file: 'v: >\n  x: 1\n  y: 2\n', expected: undefined },
    { name: 'explicit indentation indicator', file: 'v: |2\n   x: 1\n', expected: undefined },
    {
      name: 'the file changed since the text was read',
      file: 'v: |\n  x: 1\n',
      fileText: 'v: |\n  x: 2\n',
      expected: undefined,
    },
    {
      name: 'a line with ${VAR} may differ (Flux substitutes after kustomize)',
      file: 'v: |\n  x: ${A}\n',
      fileText: 'v: |\n  x: ${B}\n',
      expected: { line: 1, col: 2 },
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.deepEqual(shiftOf(c.file, 'v', c.fileText), c.expected));
});

describe('an inline patch is placed in the kustomization file', () => {
  it('the fields it writes have origins on their lines there', () => {
    const k =
      'resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: any\n      data:\n        b: two\n';
    const fs = new MemoryFileSystem(undefined, {
      '/b/kustomization.yaml': k,
      '/b/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: one\n',
    });
    const r = buildKustomization(fs, '/b');
    assert.deepEqual(r.problems, []);
    const b = get(get(r.objects[0].node, 'data'), 'b')!;
    assert.deepEqual(
      [b.origin?.file, b.origin?.line, b.origin?.col],
      ['/b/kustomization.yaml', 12, 12],
    );
  });
});
