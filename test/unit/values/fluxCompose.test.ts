// helm-controller's composition order, including where targetPath beats spec.values and where
// it does not. Expected results follow fluxcd/pkg chartutil's own test cases and its code.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { composeFluxValues, ResolvedLayer } from '../../../server/src/engine/values/fluxCompose';
import { YMap, fromJS, toJS } from '../../../server/src/engine/yaml/node';

const m = (v: unknown) => fromJS(v) as YMap;

test('valuesFrom layers in order, then spec.values on top', () => {
  const layers: ResolvedLayer[] = [
    { kind: 'values', index: 0, values: m({ flat: 'value', nested: { configuration: 'value' } }) },
    { kind: 'values', index: 1, values: m({ flat: { nested: 'value' }, nested: 'value' }) },
  ];
  assert.deepStrictEqual(toJS(composeFluxValues(layers, m({ other: 'values' })).values), {
    flat: { nested: 'value' },
    nested: 'value',
    other: 'values',
  });
});

test('targetPath first, then a ConfigMap, then spec.values: the path still wins (fluxcd/pkg "target path precedence over all")', () => {
  const layers: ResolvedLayer[] = [
    {
      kind: 'targetPath',
      index: 0,
      path: 'nested.configuration[0]',
      value: 'value',
      literal: false,
    },
    {
      kind: 'values',
      index: 1,
      values: m({ flat: 'value', nested: { configuration: ['one', 'two', 'three'] } }),
    },
  ];
  const out = composeFluxValues(
    layers,
    m({ nested: { configuration: ['list', 'item', 'option'] } }),
  );
  assert.deepStrictEqual(toJS(out.values), {
    flat: 'value',
    nested: { configuration: ['value', 'item', 'option'] },
  });
});

test('targetPath into a list element of a ConfigMap layer', () => {
  const layers: ResolvedLayer[] = [
    {
      kind: 'values',
      index: 0,
      values: m({ flat: 'value', nested: { configuration: ['list', 'item', 'option'] } }),
    },
    { kind: 'targetPath', index: 1, path: 'nested.configuration[1]', value: 'foo', literal: false },
  ];
  assert.deepStrictEqual(toJS(composeFluxValues(layers, m({ other: 'values' })).values), {
    flat: 'value',
    nested: { configuration: ['list', 'foo', 'option'] },
    other: 'values',
  });
});

test('targetPath under a map only spec.values has: the path wins over spec.values', () => {
  const layers: ResolvedLayer[] = [
    { kind: 'targetPath', index: 0, path: 'a.b', value: 'fromSecret', literal: false },
  ];
  assert.deepStrictEqual(toJS(composeFluxValues(layers, m({ a: { b: 'inline' } })).values), {
    a: { b: 'fromSecret' },
  });
});

test('targetPath under a map an earlier layer also has: spec.values wins (the Go maps are not shared)', () => {
  const layers: ResolvedLayer[] = [
    { kind: 'values', index: 0, values: m({ a: { c: 1 } }) },
    { kind: 'targetPath', index: 1, path: 'a.b', value: 'fromSecret', literal: false },
  ];
  assert.deepStrictEqual(toJS(composeFluxValues(layers, m({ a: { b: 'inline' } })).values), {
    a: { c: 1, b: 'inline' },
  });
});

test('a malformed targetPath is reported against its valuesFrom entry', () => {
  const layers: ResolvedLayer[] = [
    { kind: 'targetPath', index: 3, path: 'a[x]', value: '1', literal: false },
  ];
  const out = composeFluxValues(layers, undefined);
  assert.equal(out.problems.length, 1);
  assert.equal(out.problems[0].data?.index, 3);
  assert.match(out.problems[0].message, /targetPath "a\[x\]": error parsing index/);
});
