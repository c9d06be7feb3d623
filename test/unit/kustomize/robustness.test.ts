// Bad input never crashes the engine: seeded random corruptions of the fixtures' kustomization
// and resource files (in memory, over the disk) must build or fail with a BuildProblem naming a
// file, never with an internal error (an exception that escaped our checks).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { computeEffectiveValues } from '../../../server/src/engine/values/effective';
import { PROJECT_ROOT, kustomizationDirs } from '../../support/paths';

let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const int = (n: number) => Math.floor(rnd() * n);
const NOISE = [
  ':',
  '- ',
  '\n',
  '  ',
  '{',
  '[',
  '"',
  'null',
  '~',
  '$patch: delete',
  'kind: List',
  'resources: x',
  '- ../..',
  '0x',
  '&a',
  '*a',
  '<<: *a',
  '\t',
];

function corrupt(text: string): string {
  const i = int(text.length + 1);
  switch (int(4)) {
    case 0:
      return text.slice(0, i) + NOISE[int(NOISE.length)] + text.slice(i);
    case 1:
      return text.slice(0, i) + text.slice(i + 1 + int(12));
    case 2:
      return text.slice(0, i);
    default: {
      const lines = text.split('\n');
      const j = int(lines.length);
      lines.splice(j, 0, (lines[int(lines.length)] ?? '').replace(/^\s*/, ' '.repeat(int(6))));
      return lines.join('\n');
    }
  }
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? yamlFiles(path.join(dir, e.name))
        : /\.ya?ml$|^Kustomization$/.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    );
}

test('corrupted inputs give problems with a file, never an internal error', () => {
  const disk = new DiskFileSystem();
  const dirs = kustomizationDirs(path.join(PROJECT_ROOT, 'test', 'fixtures', 'kustomize')).filter(
    (d) => !d.includes('fail-remote'),
  );
  const internal: string[] = [];
  let failures = 0;
  for (let round = 0; round < 400; round++) {
    const dir = dirs[int(dirs.length)];
    const files = yamlFiles(dir);
    const mem = new MemoryFileSystem(disk);
    for (let k = 0; k < 1 + int(3); k++) {
      const f = files[int(files.length)];
      mem.write(f, corrupt(mem.readFile(f) ?? ''));
    }
    const r = buildKustomization(mem, dir);
    for (const p of r.problems) {
      if (p.code === 'internal' || p.message.startsWith('internal error'))
        internal.push(`${path.relative(PROJECT_ROOT, dir)}: ${p.message}`);
      else assert.ok(p.span?.file && p.span?.line, `a problem without file and line: ${p.message}`);
    }
    if (r.problems.length) failures++;
    else
      computeEffectiveValues(
        r.objects.map((o) => o.node),
        mem,
      );
  }
  assert.deepEqual(internal, []);
  assert.ok(
    failures > 50,
    `only ${failures} of 400 corruptions were errors: the corruption is too mild to test anything`,
  );
});
