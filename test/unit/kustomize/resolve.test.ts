// Plain scalar typing as kubectl kustomize prints it (values observed from kubectl v1.33 /
// kustomize v5.6.0 on a ConfigMap holding each spelling).
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { resolvePlainScalar } from '../../../server/src/engine/yaml/resolve';

const cases: [string, unknown][] = [
  ['yes', 'yes'],
  ['on', 'on'],
  ['y', 'y'],
  ['NO', 'NO'],
  ['0755', 493],
  ['-0755', -493],
  ['0x1F', 31],
  ['1_000', 1000],
  ['.5', 0.5],
  ['+1', 1],
  ['1e3', 1000],
  ['~', null],
  ['Null', null],
  ['0o17', 15],
  ['0b101', 5],
  ['2001-12-14', '2001-12-14T00:00:00Z'],
  ['2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'],
  ['1.0', 1],
  ['012345678', 12345678],
  ['00', 0],
  ['1:20', '1:20'],
  ['0.5e-3', 0.0005],
  ['1.5e+3', 1500],
  ['-0', 0],
  ['1.', 1],
  ['+.5', 0.5],
  ['1__0', 10],
  ['0_7', 7],
  ['1,000', '1,000'],
  ['True', true],
  ['FALSE', false],
  ['1e400', '1e400'],
];

test('plain scalars are typed like kustomize', () => {
  for (const [text, want] of cases) assert.deepEqual(resolvePlainScalar(text), want, text);
  assert.ok(Object.is(resolvePlainScalar('-0'), 0), '-0 prints as 0');
});

// Helm reads values text with go-yaml v2 (sigs.k8s.io/yaml): YAML 1.1 booleans, timestamps kept
// as text. Checked against helm 3.18 in test/conformance/helm-values.test.ts.
const helmCases: [string, unknown][] = [
  ['yes', true],
  ['on', true],
  ['y', true],
  ['Off', false],
  ['NO', false],
  ['n', false],
  ['0755', 493],
  ['2001-12-14', '2001-12-14'],
  ['true', true],
  ['yes-string', 'yes-string'],
];

test('plain scalars are typed like Helm reads values files', () => {
  for (const [text, want] of helmCases)
    assert.deepEqual(resolvePlainScalar(text, 'helm'), want, text);
});
