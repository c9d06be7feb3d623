// Benchmark (not a test): one build of N objects in one file, N = 1,250 ... 10,000, parse +
// build + print, in this process (CPU time, so a busy machine skews it less), to show the
// growth is linear; and `kubectl kustomize` on the smaller folders for reference (kustomize
// itself grows faster than linearly: on 10,000 objects it ran for more than 9 minutes here).
// Run: node out/bench/buildSize.js.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DiskFileSystem } from '../server/src/engine/fs';
import { buildKustomization } from '../server/src/engine/kustomize/build';
import { emitDocuments } from '../server/src/engine/yaml/emit';
import { KUBECTL } from '../test/support/paths';

function objects(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++)
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 7}\n  labels:\n    app: a${i}\ndata:\n  key: value-${i}\n  other: "${'x'.repeat(700)}"\n`,
    );
  return docs.join('---\n');
}

function cpuMs<T>(f: () => T): [T, number] {
  const c = process.cpuUsage();
  const r = f();
  const u = process.cpuUsage(c);
  return [r, (u.user + u.system) / 1000];
}

function main(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-bench-scale-'));
  try {
    console.log('one build of N ConfigMaps in one file (namePrefix + commonLabels), CPU time');
    const dirs: string[] = [];
    for (const n of [1250, 2500, 5000, 10000]) {
      const dir = path.join(tmp, String(n));
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'objects.yaml'), objects(n));
      fs.writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        'resources:\n- objects.yaml\nnamePrefix: p-\ncommonLabels:\n  team: x\n',
      );
      const t0 = performance.now();
      const [r, build] = cpuMs(() => buildKustomization(new DiskFileSystem(), dir));
      if (r.problems.length || r.objects.length !== n)
        throw new Error(`bench build of ${n} objects failed: ${r.problems[0]?.message}`);
      const [, print] = cpuMs(() => emitDocuments(r.objects.map((o) => o.node)));
      const wall = performance.now() - t0;
      console.log(
        `  N=${String(n).padStart(5)}: parse+build ${build.toFixed(0).padStart(5)} ms, print ${print.toFixed(0).padStart(5)} ms, ${(((build + print) / n) * 1000).toFixed(0)} us/object (wall ${wall.toFixed(0)} ms)`,
      );
      dirs.push(dir);
    }
    if (fs.existsSync(KUBECTL)) {
      for (const dir of dirs.slice(0, 2)) {
        const t0 = performance.now();
        const k = spawnSync(KUBECTL, ['kustomize', dir], {
          encoding: 'utf8',
          maxBuffer: 1 << 30,
          timeout: 120_000,
          killSignal: 'SIGKILL',
        });
        console.log(
          `  kubectl kustomize, N=${path.basename(dir)}: ${(performance.now() - t0).toFixed(0)} ms wall${k.error ? ' (killed after 120 s)' : ` (exit ${k.status})`}`,
        );
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
