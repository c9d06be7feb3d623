// Helm `--set` parsing: one case table, expected trees written by hand from Helm's documented
// behaviour (and cross-checked against helm 3.18 in test/conformance/helm-values.test.ts).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSetInto, SetMode } from '../../../server/src/engine/values/strvals';
import { applyTargetPath, checkTargetPath } from '../../../server/src/engine/values/fluxCompose';
import { YMap, fromJS, toJS } from '../../../server/src/engine/yaml/node';

interface Case {
  line: string;
  mode?: SetMode;
  before?: unknown;
  expect?: unknown;
  error?: RegExp;
}

const cases: Case[] = [
  { line: 'a=1', expect: { a: 1 } },
  { line: 'a.b.c=x', expect: { a: { b: { c: 'x' } } } },
  { line: 'a=1,b=two', expect: { a: 1, b: 'two' } },
  {
    line: 'a=true,b=FALSE,c=Null,d=0,e=007,f=1.5,g=-4,h=+5',
    expect: { a: true, b: false, c: null, d: 0, e: '007', f: '1.5', g: -4, h: 5 },
  },
  { line: 'a=', expect: { a: '' } },
  { line: 'list[1]=x', expect: { list: [null, 'x'] } },
  {
    line: 'list[0].name=n',
    before: { list: [{ name: 'o', keep: 1 }] },
    expect: { list: [{ name: 'n', keep: 1 }] },
  },
  { line: 'm[1][0]=v', expect: { m: [null, ['v']] } },
  {
    line: 'nodeSelector.kubernetes\\.io/role=master',
    expect: { nodeSelector: { 'kubernetes.io/role': 'master' } },
  },
  { line: 'name=value1\\,value2', expect: { name: 'value1,value2' } },
  { line: 'name={a,b,3}', expect: { name: ['a', 'b', 3] } },
  { line: 'a.b=2', before: { a: { b: 1, c: 3 } }, expect: { a: { b: 2, c: 3 } } },
  { line: 'a=5,b=true', mode: 'string', expect: { a: '5', b: 'true' } },
  { line: 'a.b=x,y={z}', mode: 'literal', expect: { a: { b: 'x,y={z}' } } },
  { line: 'a', error: /key "a" has no value/ },
  { line: 'a,b=1', error: /key "a" has no value \(cannot end with ,\)/ },
  { line: 'a[x]=1', error: /error parsing index/ },
  { line: 'a[-1]=1', error: /negative -1 index not allowed/ },
  { line: 'a[0', error: /error parsing index: EOF/ },
  { line: 'a[0]x=1', error: /unexpected data at end of array index/ },
  { line: 'a={x,y', error: /list must terminate with '}'/ },
  { line: 'a.b=1', before: { a: 'scalar' }, error: /"a" holds a string, not a map/ },
  { line: 'a[0]=1', before: { a: { k: 1 } }, error: /"a" holds a map, not a list/ },
  {
    line: Array.from({ length: 32 }, (_, i) => `k${i}`).join('.') + '=1',
    error: /nested level is greater than maximum/,
  },
  { line: 'a[65537]=1', error: /greater than maximum supported index/ },
];

for (const c of cases) {
  test(`--set ${c.mode ?? 'set'} ${c.line.slice(0, 60)}`, () => {
    const dest = fromJS(c.before ?? {}) as YMap;
    const err = parseSetInto(c.line, dest, c.mode ?? 'set');
    if (c.error) {
      assert.match(err ?? '', c.error);
    } else {
      assert.equal(err, undefined);
      assert.deepStrictEqual(toJS(dest), c.expect);
    }
  });
}

test('targetPath: quoted values stay strings with every quote trimmed (Flux ReplacePathValue)', () => {
  const v = fromJS({}) as YMap;
  assert.equal(applyTargetPath(v, 'a.b', '"true"', false), undefined);
  assert.equal(applyTargetPath(v, 'c', "''5''", false), undefined);
  assert.equal(applyTargetPath(v, 'd', 'true', false), undefined);
  assert.deepStrictEqual(toJS(v), { a: { b: 'true' }, c: '5', d: true });
});

test('targetPath literal keeps commas, braces, backslashes and quotes; path escapes still work', () => {
  const v = fromJS({}) as YMap;
  assert.equal(applyTargetPath(v, 'cfg.app\\.json', '{"a": [1,2]}\\n', true), undefined);
  assert.deepStrictEqual(toJS(v), { cfg: { 'app.json': '{"a": [1,2]}\\n' } });
});

test('targetPath with a comma in a non-literal value is a Flux error', () => {
  assert.match(
    applyTargetPath(fromJS({}) as YMap, 'a', 'x,y', false) ?? '',
    /key "y" has no value/,
  );
});

test('checkTargetPath reports malformed paths', () => {
  assert.equal(checkTargetPath('a.b[0].c'), undefined);
  assert.match(checkTargetPath('a[b]') ?? '', /error parsing index/);
  assert.match(checkTargetPath('') ?? '', /empty/);
});
