// Runs every benchmark in bench/ in turn, each in its own process (some are asynchronous, and
// a benchmark must not share the CPU or the heap with the next). Each prints its own numbers.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

for (const name of [
  'kustomize',
  'values',
  'charts',
  'cluster',
  'lsp',
  'template',
  'buildSize',
  'scale',
]) {
  const file = path.join(__dirname, `${name}.js`);
  if (fs.existsSync(file)) {
    console.log(`\n== bench/${name}`);
    const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}
