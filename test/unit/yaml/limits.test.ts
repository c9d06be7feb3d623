// Parser limits (issue 14): alias bombs are refused on the line of the alias, deep nesting gives
// one clear problem, and ordinary anchors (merge keys, many small aliases) keep working.
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { YNode, toJS as toPlain } from '../../../server/src/engine/yaml/node';
import { parseYaml } from '../../../server/src/engine/yaml/parse';

/** A billion-laughs document: each level a list of nine aliases of the level before. */
export function laughs(levels: number, indent = ''): string {
  const lines = [`${indent}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `${indent}a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return lines.join('\n') + '\n';
}

function count(n: YNode | undefined): number {
  if (!n) return 0;
  if (n.kind === 'map') return 1 + n.pairs.reduce((s, p) => s + count(p.value), 0);
  if (n.kind === 'seq') return 1 + n.items.reduce((s, i) => s + count(i), 0);
  return 1;
}

test('a billion-laughs document is refused on the line of the alias that starts the blow-up', () => {
  const text = 'kind: ConfigMap\ndata:\n' + laughs(9, '  ');
  const r = parseYaml(text, '/repo/cm.yaml');
  const bomb = r.problems.filter((p) => p.code === 'yaml-alias-bomb');
  assert.equal(bomb.length, 1, JSON.stringify(r.problems));
  assert.equal(bomb[0].severity, 'error');
  assert.equal(bomb[0].span.file, '/repo/cm.yaml');
  // Line 6 is `a3: &a3 [*a2,...]`: the first alias whose expansion passes the budget.
  assert.equal(bomb[0].span.line, 6);
  assert.equal(
    text.split('\n')[bomb[0].span.line - 1].slice(bomb[0].span.col - 1, bomb[0].span.col + 2),
    '*a2',
  );
  assert.match(bomb[0].message, /excessive aliasing/);
  // What was read is bounded: a few thousand nodes, not 9^9.
  assert.ok(count(r.documents[0].root) < 20_000, `tree has ${count(r.documents[0].root)} nodes`);
});

test('every document of a file gets its own budget, and the bomb in one does not hide the others', () => {
  const r = parseYaml('a: 1\n---\n' + laughs(8) + '---\nb: &b {x: 1}\nc: *b\n', '/f.yaml');
  assert.equal(r.problems.filter((p) => p.code === 'yaml-alias-bomb').length, 1);
  assert.equal(r.problems[0].span.line, 6);
  assert.deepEqual(toPlain(r.documents[2].root!), { b: { x: 1 }, c: { x: 1 } });
});

test('a long string repeated by many aliases is refused too (size, not only count)', () => {
  const big = 'x'.repeat(200_000);
  const text = `s: &s "${big}"\nl: [${Array(60).fill('*s').join(', ')}]\n`;
  const r = parseYaml(text, '/f.yaml');
  const bomb = r.problems.find((p) => p.code === 'yaml-alias-bomb');
  assert.ok(bomb, 'no problem for 12 MB of aliased text from a 0.2 MB file');
  assert.equal(bomb.span.line, 2);
});

test('ordinary anchors keep working: merge keys and hundreds of small aliases', () => {
  const lines = ['defaults: &d {cpu: 100m, memory: 128Mi}'];
  for (let i = 0; i < 500; i++) lines.push(`c${i}:\n  <<: *d\n  name: c${i}\n  limits: *d`);
  const r = parseYaml(lines.join('\n') + '\n', '/f.yaml');
  assert.deepEqual(r.problems, []);
  const v = toPlain(r.documents[0].root!) as Record<string, Record<string, unknown>>;
  assert.deepEqual(v.c499, {
    cpu: '100m',
    memory: '128Mi',
    name: 'c499',
    limits: { cpu: '100m', memory: '128Mi' },
  });
});

test('10,000-deep nesting (flow and block) gives one clear problem with a line', () => {
  for (const text of [
    'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n',
    'a:\n  ' + '- '.repeat(10_000) + 'x\n',
  ]) {
    const r = parseYaml(text, '/deep.yaml');
    const deep = r.problems.filter((p) => p.code === 'yaml-too-deep');
    assert.equal(deep.length, 1, JSON.stringify(r.problems.map((p) => p.message)));
    assert.match(deep[0].message, /nesting too deep/);
    assert.ok(deep[0].span.line >= 1 && deep[0].span.file === '/deep.yaml');
  }
});

test('moderate nesting still parses', () => {
  const r = parseYaml('a: ' + '['.repeat(100) + '1' + ']'.repeat(100) + '\n', '/f.yaml');
  assert.deepEqual(r.problems, []);
});
