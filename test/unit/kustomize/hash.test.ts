// Hash suffixes: expected values come from the real kustomize (kubectl kustomize v5.6.0 output
// recorded while writing these cases), not from our code.
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { goJsonString, nameHash } from '../../../server/src/engine/kustomize/hash';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap } from '../../../server/src/engine/yaml/node';

function obj(yaml: string): YMap {
  return parseYaml(yaml, 'x.yaml').documents[0].root as YMap;
}

test('ConfigMap with HTML characters hashes like kustomize (Go escapes <, >, &)', () => {
  // kubectl kustomize: configMapGenerator literal a=<b>&c -> cm-6tcbt66fg9
  assert.equal(
    nameHash(obj('kind: ConfigMap\nmetadata: {name: cm}\ndata:\n  a: <b>&c\n')),
    '6tcbt66fg9',
  );
});

test('the name does not enter the hash (a prefix keeps the suffix)', () => {
  assert.equal(
    nameHash(obj('kind: ConfigMap\nmetadata: {name: pre-cm}\ndata:\n  a: <b>&c\n')),
    '6tcbt66fg9',
  );
});

test('Go JSON string escapes', () => {
  const cases: [string, string][] = [
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['\u2028', '"\\u2028"'],
    ['\u0001\n\t"\\', '"\\u0001\\n\\t\\"\\\\"'],
    ['ünï', '"ünï"'],
    ['\ud800', '"\\ufffd"'],
  ];
  for (const [input, want] of cases) assert.equal(goJsonString(input), want, JSON.stringify(input));
});
