// Seeded fuzzing (issue 14): mutations of the real corpus's YAML (random insertions and
// deletions, duplicate keys, broken indentation, tabs, anchors and aliases, huge numbers,
// unicode) through build, values and check in-process (a child process, timed per case), a
// few CLI runs, and the language server over stdio with random and out-of-range positions and
// odd URIs. Printed: runs, crashes (uncaught exception, internal error, server gone), hangs
// (per-case timeout), errors without file:line. The target is 0, 0, 0: anything else fails.
// FLUX_OVERLAYS_FUZZ_SEED / FLUX_OVERLAYS_FUZZ_RUNS change the seed and the number of engine
// cases (CLI and server steps follow it); a finding prints its case for replay.
import * as assert from 'node:assert/strict';
import { ChildProcess, fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TestClient, uriOf } from '../lsp/client';
import { CORPUS, PROJECT_ROOT, corpusAvailable } from '../support/paths';
import { MutationCase, applyCase, describeCase, mutationArb } from './fuzzCases';
import type { Finding, WorkerReply } from './fuzzWorker';

const SEED = Number(process.env.FLUX_OVERLAYS_FUZZ_SEED ?? 20261414);
const RUNS = Number(process.env.FLUX_OVERLAYS_FUZZ_RUNS ?? 300);
const CLI_RUNS = Math.max(2, Math.ceil(RUNS / 80));
const LSP_STEPS = Math.max(10, Math.ceil(RUNS / 3));
/** Generous: the machine is shared; a real hang (an alias bomb, a loop) never ends at all. */
const CASE_TIMEOUT_MS = Number(process.env.FLUX_OVERLAYS_FUZZ_TIMEOUT_MS ?? 30000);
const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');

interface Tally {
  runs: number;
  crashes: string[];
  /** Invalid requests answered with InvalidParams naming the field (not failures). */
  rejected: number;
  hangs: string[];
  noLocation: string[];
}

const tally = (): Tally => ({ runs: 0, rejected: 0, crashes: [], hangs: [], noLocation: [] });

function report(name: string, t: Tally): void {
  console.log(
    `# fuzz ${name} (seed ${SEED}): runs ${t.runs} (${t.rejected} invalid requests refused with InvalidParams), crashes ${t.crashes.length}, hangs ${t.hangs.length}, errors without file:line ${t.noLocation.length}`,
  );
  // the first finding of each kind of failure (its message without the case), with a count
  const kinds = new Map<string, { first: string; n: number }>();
  for (const f of [
    ...t.crashes.map((x) => `crash: ${x}`),
    ...t.hangs.map((x) => `hang: ${x}`),
    ...t.noLocation.map((x) => `no file:line: ${x}`),
  ]) {
    const key =
      f.slice(0, f.indexOf(':')) +
      f
        .slice(f.lastIndexOf(' :: '))
        .replace(/\/\S+|\d+/g, '')
        .slice(0, 100);
    const k = kinds.get(key);
    if (k) k.n++;
    else kinds.set(key, { first: f, n: 1 });
  }
  for (const { first, n } of [...kinds.values()].slice(0, 20))
    console.log(`#   ${n} x ${first.replace(/\n/g, ' | ').slice(0, 700)}`);
}

function assertClean(t: Tally): void {
  assert.deepEqual(
    {
      crashes: t.crashes.slice(0, 5),
      hangs: t.hangs.slice(0, 5),
      noLocation: t.noLocation.slice(0, 5),
    },
    { crashes: [], hangs: [], noLocation: [] },
  );
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/.test(e.name) && fs.statSync(p).size < 200_000)
        out.push(p.split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

const repos = () =>
  fs
    .readdirSync(CORPUS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(CORPUS, e.name).split(path.sep).join('/'))
    .sort();

const casesFor = (files: string[], seed: number, n: number): MutationCase[] =>
  fc.sample(mutationArb(files.length), { seed, numRuns: n });

// ---- engine, in a timed child process -------------------------------------------------------

class Worker {
  private child?: ChildProcess;
  private pending?: { resolve: (r: WorkerReply) => void };
  constructor(private readonly roots: string[]) {}

  private start(): Promise<void> {
    const child = fork(path.join(__dirname, 'fuzzWorker.js'), [], {
      env: {
        ...process.env,
        FLUX_OVERLAYS_FUZZ_WORKER: '1',
        FLUX_OVERLAYS_FUZZ_ROOTS: JSON.stringify(this.roots),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('message', (m: WorkerReply) => this.pending?.resolve(m));
    child.on('exit', (code, signal) =>
      this.pending?.resolve({
        id: -2,
        runs: 1,
        findings: [
          { kind: 'crash', what: `worker exited (${code ?? signal}): ${stderr.slice(-800)}` },
        ],
      }),
    );
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error('fuzz worker did not start within 180 s')),
        180_000,
      );
      this.pending = {
        resolve: (m) => {
          clearTimeout(t);
          this.pending = undefined;
          if (m.id === -1) resolve();
          else reject(new Error(`fuzz worker failed to start: ${JSON.stringify(m.findings)}`));
        },
      };
    });
  }

  /** The worker's answer, or undefined when it did not answer in time (it is then killed). */
  async run(id: number, file: string, text: string): Promise<WorkerReply | undefined> {
    if (!this.child) await this.start();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pending = undefined;
        this.stop();
        resolve(undefined);
      }, CASE_TIMEOUT_MS);
      this.pending = {
        resolve: (m) => {
          clearTimeout(t);
          this.pending = undefined;
          if (m.id === -2) this.child = undefined;
          resolve(m);
        },
      };
      this.child!.send({ id, file, text });
    });
  }

  stop(): void {
    const c = this.child;
    this.child = undefined;
    if (c && c.exitCode === null) {
      c.removeAllListeners('exit');
      c.kill('SIGKILL');
    }
  }
}

// ---- CLI -------------------------------------------------------------------------------------

function nearestKustomizationDir(file: string, root: string): string {
  let d = path.dirname(file);
  while (d.startsWith(root)) {
    if (
      ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) =>
        fs.existsSync(path.join(d, n)),
      )
    )
      return d;
    d = path.dirname(d);
  }
  return root;
}

function runCli(t: Tally, label: string, cwd: string, args: string[]): void {
  t.runs++;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: CASE_TIMEOUT_MS * 2,
    maxBuffer: 64 * 1024 * 1024,
  });
  const what = `${label}: flux-overlays ${args.join(' ')}`;
  if (r.error || r.signal) {
    t.hangs.push(`${what} :: ${r.error?.message ?? r.signal}`);
    return;
  }
  if (
    ![0, 1, 2].includes(r.status ?? -1) ||
    /internal error|^\s+at .*\(.*:\d+:\d+\)$/m.test(r.stderr)
  )
    t.crashes.push(`${what} :: exit ${r.status}: ${r.stderr.slice(0, 400)}`);
  for (const line of r.stderr.split('\n')) {
    // build/values print `error: file:line:col: message`; check prints `file:line:col: error: ...`
    if (/^error: /.test(line) && !/^error: \S+:\d+:\d+: /.test(line))
      t.noLocation.push(`${what} :: ${line}`);
  }
}

// ---- language server ---------------------------------------------------------------------------

interface LspCase {
  edit: MutationCase;
  reset: boolean;
  positions: { line: number; character: number }[];
  uriKind: number;
}

const positionArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      line: fc.integer({ min: 0, max: 80 }),
      character: fc.integer({ min: 0, max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      line: fc.integer({ min: -3, max: 100_000 }),
      character: fc.integer({ min: -3, max: 2 ** 31 - 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      line: fc.constantFrom(2 ** 31 - 1, -1, 1e9),
      character: fc.constantFrom(0, -1, 2 ** 31 - 1),
    }),
  },
);

function lspCases(files: number, seed: number, n: number): LspCase[] {
  return fc.sample(
    fc.record({
      edit: mutationArb(files),
      reset: fc.boolean(),
      positions: fc.array(positionArb, { minLength: 2, maxLength: 2 }),
      uriKind: fc.integer({ min: 0, max: 19 }),
    }),
    { seed, numRuns: n },
  );
}

/** Mostly the edited file; now and then a URI the server must refuse or answer empty. */
function uriFor(kind: number, real: string, ws: string): string {
  switch (kind) {
    case 0:
      return 'file://host/share/kustomization.yaml';
    case 1:
      return 'untitled:Untitled-1';
    case 2:
      return uriOf(path.join(ws, 'no-such-folder', 'kustomization.yaml'));
    case 3:
      return 'file:///';
    default:
      return real;
  }
}

async function fuzzServer(t: Tally, repo: string, seed: number, steps: number): Promise<void> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-fuzz-lsp-'));
  fs.cpSync(repo, ws, { recursive: true });
  const files = yamlFiles(ws).slice(0, 40);
  const originals = files.map((f) => fs.readFileSync(f, 'utf8'));
  const texts = [...originals];
  const c = TestClient.ours(PROJECT_ROOT);
  const label = path.basename(repo);
  let version = 1;
  let exited: string | undefined;
  c.child.on('exit', (code, signal) => (exited = `server exited (${code ?? signal})`));
  try {
    await c.initialize(ws);
    files.forEach((f, i) => c.open(uriOf(f), texts[i]));
    for (const [step, k] of lspCases(files.length, seed, steps).entries()) {
      if (exited) break;
      const i = k.edit.file;
      texts[i] = applyCase(k.reset ? originals[i] : texts[i], k.edit);
      const real = uriOf(files[i]);
      c.change(real, texts[i], ++version);
      const uri = uriFor(k.uriKind, real, ws);
      const [p1, p2] = k.positions;
      const doc = (position: { line: number; character: number }) => ({
        textDocument: { uri },
        position,
      });
      const range = { start: p1, end: p2 };
      const requests: [string, unknown][] = [
        ['textDocument/hover', doc(p1)],
        ['textDocument/completion', doc(p2)],
        ['textDocument/definition', doc(p1)],
        ['textDocument/references', { ...doc(p2), context: { includeDeclaration: true } }],
        ['textDocument/documentSymbol', { textDocument: { uri } }],
        ['textDocument/documentLink', { textDocument: { uri } }],
        ['textDocument/codeLens', { textDocument: { uri } }],
        ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }],
      ];
      if (step % 4 === 0)
        requests.push(
          ['fluxOverlays/effectiveValues', { uri, overlay: 'production' }],
          ['fluxOverlays/renderOverlay', { uri, overlay: 'staging' }],
          ['fluxOverlays/listOverlays', { uri }],
        );
      const what = (m: string) =>
        `${label} step ${step} ${m} ${JSON.stringify(uri === real ? { file: path.relative(ws, files[i]), ...(m.includes('Overlay') || m.includes('Values') ? {} : { p1, p2 }) } : { uri })} after ${describeCase(k.edit, path.relative(ws, files[i]))}`;
      await Promise.all(
        requests.map(async ([m, params]) => {
          t.runs++;
          try {
            const r = await c.request<{
              problems?: { severity: string; message: string; step?: string; location?: unknown }[];
            }>(m, params, CASE_TIMEOUT_MS);
            for (const p of r?.problems ?? []) {
              if (/internal error/i.test(p.message)) t.crashes.push(`${what(m)} :: ${p.message}`);
              // a problem of a step (build, values...) comes from a file; without a step it is
              // about the request itself (`no overlay 'production' for <file>`)
              else if (p.severity === 'error' && p.step && !p.location)
                t.noLocation.push(`${what(m)} :: ${p.message}`);
            }
          } catch (e) {
            const msg = (e as Error).message;
            const code = (e as { code?: number }).code;
            // The server answers every request with a result, except a request that is itself
            // invalid (a URI that is not a file of this machine, a negative position): that is
            // an InvalidParams error naming the field, the answer we want. Any other error
            // response is a handler failing.
            if (/timed out/.test(msg)) t.hangs.push(`${what(m)} :: ${msg}`);
            else if (code === -32602 && /\b(uri|position|range)\b/i.test(msg)) t.rejected++;
            else t.crashes.push(`${what(m)} :: ${msg}`);
          }
        }),
      );
    }
    // Handlers catch their own failures (the server lives on), but none should fail at all.
    for (const m of c.notifications) {
      const msg = String((m.params as { message?: string } | undefined)?.message ?? '');
      if (m.method === 'window/logMessage' && / failed: /.test(msg))
        t.crashes.push(`${label} :: server log: ${msg.split('\n').slice(0, 3).join(' | ')}`);
    }
    if (exited) t.crashes.push(`${label} :: ${exited}`);
    else {
      // still answering once the buffers hold the real files again
      files.forEach((f, i) => c.change(uriOf(f), originals[i], ++version));
      t.runs++;
      await c
        .request(
          'textDocument/documentSymbol',
          { textDocument: { uri: uriOf(files[0]) } },
          CASE_TIMEOUT_MS,
        )
        .catch((e: Error) => t.crashes.push(`${label} :: final request: ${e.message}`));
    }
  } finally {
    await c.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

// ---- the suite ---------------------------------------------------------------------------------

describe(
  'seeded fuzzing of corpus YAML',
  { skip: corpusAvailable() ? false : `corpus not found at ${CORPUS}` },
  () => {
    it(
      'build, values and check in-process: no crash, no hang, every error names file and line',
      { timeout: 30 * 60_000 },
      async () => {
        const roots = repos();
        const files = roots.flatMap(yamlFiles);
        const cases = casesFor(files, SEED, RUNS);
        const t = tally();
        const worker = new Worker(roots);
        try {
          for (const [n, k] of cases.entries()) {
            const file = files[k.file];
            const text = applyCase(fs.readFileSync(file, 'utf8'), k);
            const where = `case ${n} ${describeCase(k, path.relative(CORPUS, file))}`;
            const reply = await worker.run(n, file, text);
            if (!reply) {
              t.runs++;
              t.hangs.push(`${where} :: no answer in ${CASE_TIMEOUT_MS} ms`);
              continue;
            }
            t.runs += reply.runs;
            for (const f of reply.findings as Finding[])
              (f.kind === 'crash' ? t.crashes : t.noLocation).push(`${where} :: ${f.what}`);
          }
        } finally {
          worker.stop();
        }
        report('engine', t);
        assertClean(t);
      },
    );

    it('the CLI (build, values, check) on mutated copies', { timeout: 30 * 60_000 }, () => {
      const roots = repos();
      const files = roots.flatMap(yamlFiles);
      const t = tally();
      for (const [n, k] of casesFor(files, SEED + 1, CLI_RUNS).entries()) {
        const file = files[k.file];
        const root = roots.find((r) => file.startsWith(r + '/'))!;
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-fuzz-cli-'));
        try {
          const copy = path.join(tmp, path.basename(root));
          fs.cpSync(root, copy, { recursive: true });
          const target = path.join(copy, path.relative(root, file));
          fs.writeFileSync(target, applyCase(fs.readFileSync(file, 'utf8'), k));
          const dir = path.relative(copy, nearestKustomizationDir(target, copy)) || '.';
          const label = `case ${n} ${describeCase(k, path.relative(CORPUS, file))}`;
          runCli(t, label, copy, ['build', dir]);
          runCli(t, label, copy, ['values', dir]);
          runCli(t, label, copy, ['check', '.']);
        } finally {
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      }
      report('cli', t);
      assertClean(t);
    });

    it(
      'the language server: random edits, random and out-of-range positions, odd URIs',
      { timeout: 30 * 60_000 },
      async () => {
        const t = tally();
        const picks = [
          'controlplaneio-fluxcd__d1-apps',
          'forselli-stratio__keos-apps-test',
          'fluxcd__flux2-kustomize-helm-example',
        ]
          .map((r) => path.join(CORPUS, r))
          .filter((r) => fs.existsSync(r));
        for (const [i, repo] of picks.entries())
          await fuzzServer(t, repo, SEED + 2 + i, Math.ceil(LSP_STEPS / picks.length));
        report('server', t);
        assertClean(t);
      },
    );
  },
);
