// Our unified diff against diff(1) -u on pseudo-random line edits: same hunks, line for line
// (both compute a shortest edit script; the inputs use distinct-enough lines to make it unique).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffLines, unifiedDiff } from '../../../server/src/engine/workspace';

test('diffLines is a shortest edit script that rebuilds both sides', () => {
  const e = diffLines([...'abcabba'], [...'cbabac']);
  assert.equal(
    e
      .filter((x) => x.op !== '+')
      .map((x) => x.line)
      .join(''),
    'abcabba',
  );
  assert.equal(
    e
      .filter((x) => x.op !== '-')
      .map((x) => x.line)
      .join(''),
    'cbabac',
  );
  assert.equal(e.filter((x) => x.op !== ' ').length, 5); // D = 5 in Myers' paper
  assert.equal(unifiedDiff('a\n', 'a\n', 'x', 'y'), '');
});

test('unified diff hunks equal diff -u', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-diff-'));
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  try {
    for (let c = 0; c < 40; c++) {
      const a = Array.from({ length: 10 + rnd(40) }, (_, i) => `line ${i}`);
      const b = a.slice();
      for (let k = rnd(5) + 1; k > 0; k--) {
        const at = rnd(b.length + 1);
        const op = rnd(3);
        if (op === 0) b.splice(at, 1);
        else if (op === 1) b.splice(at, 0, `new ${c}.${k}`);
        else b.splice(at, 1, `changed ${c}.${k}`);
      }
      const fa = path.join(dir, 'a');
      const fb = path.join(dir, 'b');
      fs.writeFileSync(fa, a.join('\n') + '\n');
      fs.writeFileSync(fb, b.join('\n') + '\n');
      const ref = spawnSync('diff', ['-u', fa, fb], { encoding: 'utf8' })
        .stdout.split('\n')
        .slice(2)
        .join('\n');
      const ours = unifiedDiff(a.join('\n') + '\n', b.join('\n') + '\n', fa, fb)
        .split('\n')
        .slice(2)
        .join('\n');
      assert.equal(ours, ref, `case ${c}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
