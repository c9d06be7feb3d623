// A key read from a file is a key like any other, `__proto__` too: a plain assignment would
// replace the object's prototype instead (the key vanishes from the output, and its map's
// fields become inherited ones).
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { toJS } from '../../../server/src/engine/yaml/node';
import { parseYaml } from '../../../server/src/engine/yaml/parse';

for (const text of [
  '__proto__:\n  polluted: 1\nb: 2\n',
  // The same through the general reader (a flow map on two lines with an anchor).
  'x: &a {polluted: 1}\n__proto__: *a\nb: 2\n',
]) {
  test(`toJS keeps __proto__ as an own key: ${JSON.stringify(text)}`, () => {
    const r = parseYaml(text, '/f.yaml');
    assert.deepEqual(r.problems, []);
    const o = toJS(r.documents[0].root) as Record<string, unknown>;
    assert.ok(Object.keys(o).includes('__proto__'), Object.keys(o).join());
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.equal((o as { polluted?: unknown }).polluted, undefined);
    assert.match(JSON.stringify(o), /"__proto__":\{"polluted":1\}/);
  });
}
