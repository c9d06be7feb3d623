// Chart version constraints used to pick a chart from Helm's repository cache.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { maxSatisfying, satisfies } from '../../../server/src/engine/values/semver';

const cases: [string, string, boolean][] = [
  ['6.5.0', '6.5.0', true],
  ['6.5.1', '6.5.0', false],
  ['6.5.3', '6.5.x', true],
  ['6.6.0', '6.5.x', false],
  ['17.9.2', '17.x', true],
  ['18.0.0', '17.x', false],
  ['1.4.0', '>=1.2.0 <2.0.0', true],
  ['2.0.0', '>=1.2.0 <2.0.0', false],
  ['1.9.9', '^1.2', true],
  ['2.0.0', '^1.2', false],
  ['0.2.5', '^0.2.3', true],
  ['0.3.0', '^0.2.3', false],
  ['1.2.9', '~1.2.3', true],
  ['1.3.0', '~1.2.3', false],
  ['3.0.0', '*', true],
  ['3.0.0-rc.1', '*', false],
  ['1.0.0', '<1.0.0 || >=2.0.0', false],
  ['2.1.0', '>=1.0.0, <3.0.0', true],
];

for (const [v, range, expected] of cases) {
  test(`${v} ${expected ? 'satisfies' : 'does not satisfy'} ${range}`, () =>
    assert.equal(satisfies(v, range), expected));
}

test('maxSatisfying picks the highest match', () => {
  assert.equal(maxSatisfying(['6.4.0', '6.5.2', '6.5.10', '7.0.0'], '6.x'), '6.5.10');
  assert.equal(maxSatisfying(['1.0.0'], '>=2'), undefined);
});
