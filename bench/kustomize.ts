// Benchmark (not a test): building every corpus overlay with our engine in one process versus
// spawning `kubectl kustomize` once per folder (what CI scripts and flux-local do), and the time
// to rebuild one overlay after an edit with the parse cache warm.
// Run: npm run bench (or node out/bench/kustomize.js).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DiskFileSystem, MemoryFileSystem } from '../server/src/engine/fs';
import { buildKustomization } from '../server/src/engine/kustomize/build';
import { ParseCache } from '../server/src/engine/kustomize/loader';
import { CORPUS, KUBECTL, kustomizationDirs } from '../test/support/paths';
import { median } from './stats';

function main(): void {
  if (!fs.existsSync(CORPUS) || !fs.existsSync(KUBECTL)) {
    console.log(
      'bench/kustomize: corpus or reference kubectl missing; run scripts/install-reference-tools.sh',
    );
    return;
  }
  const dirs = kustomizationDirs(CORPUS);
  const disk = new DiskFileSystem();

  // Ours, cold: a fresh cache, every folder once, one process.
  const coldCache = new ParseCache();
  let t0 = performance.now();
  for (const d of dirs) buildKustomization(disk, d, { cache: coldCache });
  const oursCold = performance.now() - t0;

  // Ours, warm: the editor's situation (files parsed already).
  const warmRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    for (const d of dirs) buildKustomization(disk, d, { cache: coldCache });
    warmRuns.push(performance.now() - t0);
  }
  const oursWarm = median(warmRuns);

  // Reference: one kubectl process per folder.
  t0 = performance.now();
  for (const d of dirs) spawnSync(KUBECTL, ['kustomize', d], { encoding: 'utf8' });
  const kubectl = performance.now() - t0;

  // Ours end to end (issue 10 target A): `flux-overlays build --json` of every folder in one
  // process, start-up and JSON output included; the best of 3 runs (the machine is shared).
  const bin = path.join(__dirname, '..', '..', 'bin', 'flux-overlays.js');
  const cliRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'build', '--json', ...dirs], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    cliRuns.push(performance.now() - t0);
    if (r.status === null || r.status > 1) throw new Error(`build --json failed: ${r.stderr}`);
  }
  const cli = Math.min(...cliRuns);

  // One overlay rebuilt after an edit of its patch file (in-memory buffer over the disk).
  const overlay = path.join(
    CORPUS,
    'controlplaneio-fluxcd__d1-apps',
    'components',
    'frontend',
    'production',
  );
  const patchFile = path.join(overlay, 'podinfo-values.yaml');
  const buffers = new MemoryFileSystem(disk);
  const cache = new ParseCache();
  const original = fs.existsSync(patchFile) ? fs.readFileSync(patchFile, 'utf8') : '';
  const first = buildKustomization(buffers, overlay, { cache });
  if (first.problems.length || first.objects.length === 0)
    throw new Error(`bench overlay ${overlay} does not build`);
  const edits: number[] = [];
  for (let i = 0; i < 50; i++) {
    buffers.write(patchFile, original + `\n# edit ${i}\n`);
    t0 = performance.now();
    buildKustomization(buffers, overlay, { cache });
    edits.push(performance.now() - t0);
  }

  console.log(`kustomize build of ${dirs.length} corpus folders`);
  console.log(
    `  kubectl kustomize, one process per folder: ${kubectl.toFixed(0)} ms (${(kubectl / dirs.length).toFixed(1)} ms/folder)`,
  );
  console.log(
    `  flux-overlays, one process, cold cache:    ${oursCold.toFixed(0)} ms  -> ${(kubectl / oursCold).toFixed(1)}x faster`,
  );
  console.log(
    `  flux-overlays, one process, warm cache:    ${oursWarm.toFixed(0)} ms  -> ${(kubectl / oursWarm).toFixed(1)}x faster`,
  );
  console.log(
    `  flux-overlays build --json, end to end:    ${cli.toFixed(0)} ms  -> ${(kubectl / cli).toFixed(1)}x faster (target A: >= 20x)`,
  );
  console.log(
    `  one overlay rebuilt after an edit (d1-apps frontend/production): p50 ${median(edits).toFixed(2)} ms, max ${Math.max(...edits).toFixed(2)} ms`,
  );
}

main();
