// Scale benchmark (issue 14): a generated repository of 2,000 components x 3 overlays
// (bench/generate.ts) in a temporary folder; `flux-overlays check` time and peak RSS, the
// language server's first index time and RSS, and a 10,000-edit soak with the server's RSS
// after warm-up and after the soak. BENCH_COMPONENTS / BENCH_EDITS change the sizes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateRepository } from './generate';
import { mb } from './measure';
import { measureCheck, measureServer } from './scaleSession';

const N = Number(process.env.BENCH_COMPONENTS ?? 2000);
const EDITS = Number(process.env.BENCH_EDITS ?? 10000);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-scale-bench-'));
  try {
    generateRepository(dir, N);
    console.log(`generated ${N} components x 3 overlays (${N * 6} YAML files) in ${dir}`);
    const check = await measureCheck(dir, 600_000);
    const summary = /"files": (\d+),\s*"errors": (\d+),\s*"warnings": (\d+)/.exec(check.stdout);
    console.log(
      `check: ${(check.ms / 1000).toFixed(2)} s, peak RSS ${mb(check.peakMb)} (exit ${check.status}; ${summary ? `${summary[1]} files, ${summary[2]} errors, ${summary[3]} warnings` : 'no summary'}) (target C: < 5 s, ${check.ms < 5000 ? 'met' : 'NOT met'})`,
    );
    const s = await measureServer(dir, EDITS);
    console.log(
      `server first index (initialize -> first diagnostics): ${(s.indexMs / 1000).toFixed(2)} s, RSS ${mb(s.afterIndex?.rssMb)} (peak ${mb(s.afterIndex?.peakMb)})`,
    );
    console.log(
      `server soak (target D: RSS levels off): ${s.edits} edits, ${s.requests} requests in ${(s.soakMs / 1000).toFixed(1)} s; RSS after warm-up ${mb(s.afterWarmup?.rssMb)}, after the soak ${mb(s.afterSoak?.rssMb)} (peak ${mb(s.afterSoak?.peakMb)}); by tenths: ${s.samples.map((x) => x.toFixed(0)).join(' ')} MB`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
