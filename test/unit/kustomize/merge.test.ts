// Strategic merge and JSON6902 rules, as case tables of inline YAML. Expected results restate
// kustomize's documented behaviour (and what kubectl printed for the same inputs).
import { strict as assert } from 'assert';
import { test } from 'node:test';
import {
  normalizeKeyedLists,
  strategicMerge,
} from '../../../server/src/engine/kustomize/merge/strategicMerge';
import { rootType } from '../../../server/src/engine/kustomize/merge/builtinSchema';
import { applyJsonPatch, readJsonPatch } from '../../../server/src/engine/kustomize/merge/json6902';
import { BuildError } from '../../../server/src/engine/kustomize/errors';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap, toJS } from '../../../server/src/engine/yaml/node';
import { gvkOf } from '../../../server/src/engine/kustomize/resource';

function y(text: string): YMap {
  return parseYaml(text, 'case.yaml').documents[0].root as YMap;
}

const smpCases: { name: string; dest: string; patch: string; want: string | undefined }[] = [
  {
    name: 'maps merge, scalars replace',
    dest: 'kind: HelmRelease\nspec: {a: 1, b: {c: 2}}',
    patch: 'spec: {b: {d: 3}, a: 5}',
    want: 'kind: HelmRelease\nspec: {a: 5, b: {c: 2, d: 3}}',
  },
  {
    name: 'null deletes a key',
    dest: 'kind: HelmRelease\nspec: {a: 1, b: 2}',
    patch: 'spec: {a: null}',
    want: 'kind: HelmRelease\nspec: {b: 2}',
  },
  {
    name: 'deleting the only key leaves {}',
    dest: 'kind: HelmRelease\nspec: {a: 1}',
    patch: 'spec: {a: null}',
    want: 'kind: HelmRelease\nspec: {}',
  },
  {
    name: 'lists of custom resources are replaced',
    dest: 'kind: HelmRelease\nspec: {l: [{name: a}, {name: b}]}',
    patch: 'spec: {l: [{name: c}]}',
    want: 'kind: HelmRelease\nspec: {l: [{name: c}]}',
  },
  {
    name: '$patch: delete removes the object',
    dest: 'kind: HelmRelease\nspec: {a: 1}',
    patch: '$patch: delete',
    want: undefined,
  },
  {
    name: '$patch: replace on a map',
    dest: 'kind: HelmRelease\nspec: {a: 1, b: 2}',
    patch: 'spec: {$patch: replace, c: 3}',
    want: 'kind: HelmRelease\nspec: {c: 3}',
  },
  {
    name: 'Deployment containers merge by name: patch items first, then the others',
    dest: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: a, image: a}, {name: b, image: b, env: [{name: X, value: x}, {name: Y, value: y}]}]}}}',
    patch:
      'spec: {template: {spec: {containers: [{name: c, image: c}, {name: b, image: b2, env: [{name: Z, value: z}, {name: X, value: x2}]}]}}}',
    want: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: c, image: c}, {name: b, image: b2, env: [{name: Z, value: z}, {name: X, value: x2}, {name: Y, value: y}]}, {name: a, image: a}]}}}',
  },
  {
    name: '$patch: delete of one container',
    dest: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: a}, {name: b}]}}}',
    patch: 'spec: {template: {spec: {containers: [{name: a, $patch: delete}]}}}',
    want: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: b}]}}}',
  },
  {
    // Two list-map keys (containerPort, protocol): new patch items first, then the target's in place (kubectl).
    name: 'container ports keep the target order',
    dest: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: a, ports: [{containerPort: 82, name: web}, {containerPort: 80, name: http}, {containerPort: 81, protocol: UDP}]}]}}}',
    patch:
      'spec: {template: {spec: {containers: [{name: a, ports: [{containerPort: 80, name: http2}, {containerPort: 90}]}]}}}',
    want: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: a, ports: [{containerPort: 90}, {containerPort: 82, name: web}, {containerPort: 80, name: http2}, {containerPort: 81, protocol: UDP}]}]}}}',
  },
  {
    name: 'an added item drops its nulls and its deleted sub-items',
    dest: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: b}]}}}',
    patch:
      'spec: {template: {spec: {containers: [{name: a, resources: {limits: {cpu: null}}, env: [{name: Y, $patch: delete}]}]}}}',
    want: 'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{name: a, resources: {limits: {}}, env: []}, {name: b}]}}}',
  },
];

for (const c of smpCases) {
  test(`strategic merge: ${c.name}`, () => {
    const dest = y(c.dest);
    const got = strategicMerge(dest, y(c.patch), 'patch', rootType(gvkOf(dest)));
    if (got) normalizeKeyedLists(got, rootType(gvkOf(dest)));
    assert.deepEqual(
      got === undefined ? undefined : toJS(got),
      c.want === undefined ? undefined : toJS(y(c.want)),
    );
  });
}

test('a merge collapses duplicate keys in every keyed list of a built-in kind, even lists the patch does not name', () => {
  // kubectl: volumes [v1, v2, v1] became [v1, v2] after a patch that only touched containers.
  const dest = y(
    'apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {volumes: [{name: v1, emptyDir: {}}, {name: v2}, {name: v1, emptyDir: {}}], containers: [{name: a}]}}}',
  );
  const got = strategicMerge(
    dest,
    y('spec: {template: {spec: {containers: [{name: a, image: x}]}}}'),
    'patch',
    rootType(gvkOf(dest)),
  )!;
  normalizeKeyedLists(got, rootType(gvkOf(dest)));
  assert.deepEqual(
    (toJS(got) as { spec: { template: { spec: { volumes: unknown[] } } } }).spec.template.spec
      .volumes,
    [{ name: 'v1', emptyDir: {} }, { name: 'v2' }],
  );
});

test('strategic merge keeps origins: merged values point at the patch file', () => {
  const dest = parseYaml('kind: HelmRelease\nspec:\n  values:\n    replicas: 1\n', 'base.yaml')
    .documents[0].root as YMap;
  const patch = parseYaml('spec:\n  values:\n    replicas: 2\n', 'production/values.yaml')
    .documents[0].root as YMap;
  const got = strategicMerge(dest, patch, 'patch production/values.yaml', undefined) as YMap;
  const replicas = ((got.pairs[1].value as YMap).pairs[0].value as YMap).pairs[0].value;
  assert.equal(replicas.origin?.file, 'production/values.yaml');
  assert.equal(replicas.origin?.line, 3);
  assert.equal(replicas.origin?.by, 'patch production/values.yaml');
});

const jsonCases: { name: string; doc: string; ops: string; want: string }[] = [
  {
    name: 'add, replace, remove',
    doc: 'spec: {a: 1, b: 2}',
    ops: '[{op: add, path: /spec/c, value: 3}, {op: replace, path: /spec/a, value: 9}, {op: remove, path: /spec/b}]',
    want: 'spec: {a: 9, c: 3}',
  },
  {
    name: 'append with -, insert at index',
    doc: 'l: [a, c]',
    ops: '[{op: add, path: /l/-, value: d}, {op: add, path: /l/1, value: b}]',
    want: 'l: [a, b, c, d]',
  },
  {
    name: 'escaped ~1 in keys',
    doc: 'm: {"a/b": 1}',
    ops: '[{op: replace, path: /m/a~1b, value: 2}]',
    want: 'm: {"a/b": 2}',
  },
  {
    name: 'move and copy',
    doc: 'a: {x: 1}',
    ops: '[{op: copy, from: /a/x, path: /a/y}, {op: move, from: /a/x, path: /b}]',
    want: 'a: {y: 1}\nb: 1',
  },
  {
    name: 'replace of a missing key in an existing map sets it (as kubectl kustomize does)',
    doc: 'data: {a: b}',
    ops: '[{op: replace, path: /data/missing, value: x}]',
    want: 'data: {a: b, missing: x}',
  },
  {
    name: 'add creates missing parents (kustomize ensures the path on add)',
    doc: 'metadata: {name: x}',
    ops: '[{op: add, path: /metadata/annotations/k, value: v}]',
    want: 'metadata: {name: x, annotations: {k: v}}',
  },
];

for (const c of jsonCases) {
  test(`JSON6902: ${c.name}`, () => {
    const got = applyJsonPatch(
      y(c.doc),
      readJsonPatch(parseYaml(c.ops, 'p.yaml').documents[0].root!),
      'patch',
    );
    assert.deepEqual(toJS(got), toJS(y(c.want)));
  });
}

test('JSON6902: a failing test op and a missing replace path are errors naming the patch line', () => {
  const ops = parseYaml('- op: test\n  path: /a\n  value: 2\n', 'p.yaml').documents[0].root!;
  assert.throws(
    () => applyJsonPatch(y('a: 1'), readJsonPatch(ops), 'patch'),
    (e: unknown) => e instanceof BuildError && e.origin?.file === 'p.yaml' && e.origin.line === 1,
  );
  const rep = parseYaml('- op: replace\n  path: /nope/x\n  value: 2\n', 'p.yaml').documents[0]
    .root!;
  assert.throws(
    () => applyJsonPatch(y('a: 1'), readJsonPatch(rep), 'patch'),
    /does not exist|missing/,
  );
});
