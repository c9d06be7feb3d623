// Time and memory of a child process, shared by bench/scale.ts and test/hardening/scale.test.ts:
// the CLI run with its own peak RSS (reported by the child on exit), and the RSS of a running
// process read from /proc/<pid>/status (Linux), for the language server.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size of the CLI process, in MB (undefined when it was killed). */
  peakMb?: number;
  timedOut: boolean;
}

const PEAK_MARK = '\n# flux-overlays-peak-rss-kb ';

/** Runs `flux-overlays ARGS` in `cwd`, killed after `timeoutMs`. */
export function runCliMeasured(args: string[], cwd: string, timeoutMs: number): Promise<CliRun> {
  const bin = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
  // The child prints its own peak RSS (getrusage) on exit, on stderr after everything else.
  const prelude = `process.on('exit', () => { try { require('fs').writeSync(2, ${JSON.stringify(PEAK_MARK)} + process.resourceUsage().maxRSS + '\\n'); } catch {} }); process.argv.splice(1, 0, ${JSON.stringify(bin)}); require(${JSON.stringify(bin)});`;
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', prelude, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const i = stderr.lastIndexOf(PEAK_MARK);
      let peakMb: number | undefined;
      if (i >= 0) {
        peakMb = Number(stderr.slice(i + PEAK_MARK.length).trim()) / 1024;
        stderr = stderr.slice(0, i);
      }
      resolve({ status, signal, stdout, stderr, ms, peakMb, timedOut });
    });
  });
}

export interface ProcMemory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size so far (VmHWM), MB. */
  peakMb: number;
}

/** Memory of a running process from /proc/<pid>/status; undefined where /proc is absent. */
export function procMemory(pid: number | undefined): ProcMemory | undefined {
  if (pid === undefined) return undefined;
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export const mb = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? '?' : `${x.toFixed(0)} MB`;
