// Flux's layer merge and Helm's coalesce on inline YAML: values and the history each winner keeps.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap, getPath, toJS } from '../../../server/src/engine/yaml/node';
import { mergeLayers } from '../../../server/src/engine/values/layerMerge';
import { coalesceValues } from '../../../server/src/engine/values/coalesce';
import { stampLayer } from '../../../server/src/engine/values/provenance';

function y(text: string, file: string, by?: string): YMap {
  const m = parseYaml(text, file).documents[0].root as YMap;
  if (by) stampLayer(m, by);
  return m;
}

const mergeCases: { name: string; layers: string[]; expect: unknown }[] = [
  {
    name: 'maps merge recursively',
    layers: ['a: {b: 1, c: 2}', 'a: {c: 3, d: 4}'],
    expect: { a: { b: 1, c: 3, d: 4 } },
  },
  { name: 'lists replace', layers: ['l: [1, 2, 3]', 'l: [4]'], expect: { l: [4] } },
  { name: 'scalar replaces map', layers: ['a: {b: 1}', 'a: x'], expect: { a: 'x' } },
  { name: 'map replaces scalar', layers: ['a: x', 'a: {b: 1}'], expect: { a: { b: 1 } } },
  { name: 'null is kept by the layer merge', layers: ['a: 1', 'a: null'], expect: { a: null } },
  { name: 'empty layer changes nothing', layers: ['a: 1', '{}'], expect: { a: 1 } },
];

for (const c of mergeCases) {
  test(`layer merge: ${c.name}`, () => {
    const out = c.layers.map((l, i) => y(l, `/l${i}.yaml`)).reduce((a, b) => mergeLayers(a, b));
    assert.deepStrictEqual(toJS(out), c.expect);
  });
}

test('layer merge records what a value replaced, most recent first', () => {
  const base = y('replicas: 1\n', '/base.yaml', 'valuesFrom[0] ConfigMap/base');
  const staging = y('replicas: 2\n', '/staging.yaml', 'valuesFrom[1] ConfigMap/staging');
  const prod = y('replicas: 3\n', '/prod.yaml', 'values');
  const out = mergeLayers(mergeLayers(base, staging), prod);
  const r = getPath(out, ['replicas'])!;
  assert.equal(r.origin?.file, '/prod.yaml');
  assert.equal(r.origin?.by, 'values');
  assert.deepStrictEqual(
    r.overrides?.map((o) => [toJS(o), o.origin?.file, o.origin?.by]),
    [
      [2, '/staging.yaml', 'valuesFrom[1] ConfigMap/staging'],
      [1, '/base.yaml', 'valuesFrom[0] ConfigMap/base'],
    ],
  );
});

test('layer merge does not modify its inputs', () => {
  const a = y('a: {b: 1}', '/a.yaml');
  const b = y('a: {c: 2}', '/b.yaml');
  mergeLayers(a, b);
  assert.deepStrictEqual(toJS(a), { a: { b: 1 } });
  assert.deepStrictEqual(toJS(b), { a: { c: 2 } });
});

const coalesceCases: {
  name: string;
  user: string;
  chart: string;
  expect: unknown;
  warnings?: number;
}[] = [
  { name: 'defaults fill missing keys', user: 'a: 1', chart: 'a: 0\nb: 2', expect: { a: 1, b: 2 } },
  { name: 'user null deletes a default', user: 'a: null', chart: 'a: 0\nb: 2', expect: { b: 2 } },
  {
    name: 'user null for an unknown key stays null',
    user: 'z: null',
    chart: 'a: 0',
    expect: { z: null, a: 0 },
  },
  {
    name: 'nested null deletes a nested default',
    user: 'm: {x: null}',
    chart: 'm: {x: 1, y: 2}',
    expect: { m: { y: 2 } },
  },
  {
    name: 'chart nulls stay',
    user: '{}',
    chart: 'a: null\nm: {n: null}',
    expect: { a: null, m: { n: null } },
  },
  {
    name: 'map over scalar keeps the map, with a warning',
    user: 'a: {b: 1}',
    chart: 'a: text',
    expect: { a: { b: 1 } },
    warnings: 1,
  },
  {
    name: 'scalar over map keeps the scalar',
    user: 'a: text',
    chart: 'a: {b: 1}',
    expect: { a: 'text' },
  },
  {
    name: 'nested scalar over map warns',
    user: 'm: {a: text}',
    chart: 'm: {a: {b: 1}}',
    expect: { m: { a: 'text' } },
    warnings: 1,
  },
  { name: 'lists replace', user: 'l: [9]', chart: 'l: [1, 2]', expect: { l: [9] } },
];

for (const c of coalesceCases) {
  test(`coalesce: ${c.name}`, () => {
    const warnings: string[] = [];
    const out = coalesceValues(
      y(c.user, '/user.yaml'),
      y(c.chart, '/chart/values.yaml'),
      'chart',
      warnings,
    );
    assert.deepStrictEqual(toJS(out), c.expect);
    assert.equal(warnings.length, c.warnings ?? 0, warnings.join('\n'));
  });
}

test('coalesce records the chart default a user value shadows, last in the history', () => {
  const user = mergeLayers(
    y('replicas: 2\n', '/base.yaml', 'valuesFrom[0] ConfigMap/base'),
    y('replicas: 3\n', '/prod.yaml', 'values'),
  );
  const out = coalesceValues(
    user,
    y('replicas: 1\nimage: nginx\n', '/chart/values.yaml', 'chart default'),
  );
  const r = getPath(out, ['replicas'])!;
  assert.deepStrictEqual(
    r.overrides?.map((o) => [toJS(o), o.origin?.by]),
    [
      [2, 'valuesFrom[0] ConfigMap/base'],
      [1, 'chart default'],
    ],
  );
  assert.equal(getPath(out, ['image'])?.origin?.by, 'chart default');
});
