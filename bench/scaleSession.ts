// The scale measurements of bench/scale.ts and test/hardening/scale.test.ts (issue 14) on the
// generated repository (bench/generate.ts): `flux-overlays check` (time, peak RSS), the
// language server's first index (initialize -> first diagnostics of an open document; time,
// RSS) and a soak of didChange edits on one open document with requests in between, with the
// server's RSS after a warm-up and after the soak (read from /proc/<pid>/status).
import * as fs from 'fs';
import * as path from 'path';
import { TestClient, uriOf } from '../test/lsp/client';
import { CliRun, ProcMemory, procMemory, runCliMeasured } from './measure';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export function measureCheck(repo: string, timeoutMs: number): Promise<CliRun> {
  return runCliMeasured(['check', '--format', 'json', '.'], repo, timeoutMs);
}

export interface ServerScale {
  indexMs: number;
  afterIndex?: ProcMemory;
  /** Edits sent and requests answered during the soak. */
  edits: number;
  requests: number;
  afterWarmup?: ProcMemory;
  afterSoak?: ProcMemory;
  soakMs: number;
  /** RSS (MB) after each tenth of the soak: a leak climbs, heap slack levels off. */
  samples: number[];
  /** Hover at the end of the soak still shows the values of every overlay. */
  hoverAfterSoak: string;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Keys added to the soak document (each edit parses the whole document, as the server does). */
const KEYS = 150;

/**
 * The server on `repo` (components/app7 must exist): first index, then `edits` incremental
 * edits of components/app7/staging/values.yaml padded to about 6 KB (keeping every version
 * and its parse would show in the RSS), a request every `every` edits, RSS after the first tenth
 * (the warm-up) and at the end.
 */
export async function measureServer(
  repo: string,
  edits: number,
  every = 10,
  timeoutMs = 120_000,
): Promise<ServerScale> {
  const values = path.join(repo, 'components/app7/staging/values.yaml');
  const kust = path.join(repo, 'components/app7/staging/kustomization.yaml');
  const padding = Array.from(
    { length: KEYS },
    (_, i) => `    key${i}: value-${i}-${'x'.repeat(16)}\n`,
  ).join('');
  const text = fs.readFileSync(values, 'utf8') + padding;
  const c = TestClient.ours(PROJECT_ROOT);
  const pid = c.child.pid;
  try {
    const t0 = Date.now();
    await c.initialize(repo);
    c.open(uriOf(kust), fs.readFileSync(kust, 'utf8'));
    await c.diagnosticsFor(uriOf(kust), 0, timeoutMs);
    const indexMs = Date.now() - t0;
    const afterIndex = procMemory(pid);
    const uri = uriOf(values);
    c.open(uri, text);
    // each edit rewrites the value of key<k> (same length, so every edit is valid YAML)
    const lines = text.split('\n');
    const lineOf = new Map(lines.map((l, i) => [/^ {4}key(\d+):/.exec(l)?.[1], i] as const));
    const valueLine = (k: number) => lineOf.get(String(k))!;
    let version = 1;
    let requests = 0;
    let afterWarmup: ProcMemory | undefined;
    const samples: number[] = [];
    const warmup = Math.max(1, Math.floor(edits / 10));
    const t1 = Date.now();
    for (let i = 0; i < edits; i++) {
      const k = i % KEYS;
      const line = valueLine(k);
      const col = lines[line].indexOf('value-');
      const word = `${(i % 1000).toString().padStart(3, '0')}`;
      c.notify('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [
          {
            range: {
              start: { line, character: col + 6 + String(k).length + 1 },
              end: { line, character: col + 6 + String(k).length + 4 },
            },
            text: word,
          },
        ],
      });
      if (i % every === every - 1) {
        const position = { line, character: 6 };
        const method = [
          'textDocument/hover',
          'textDocument/completion',
          'textDocument/documentSymbol',
          'textDocument/codeLens',
        ][((i / every) % 4) | 0];
        await c.request(
          method,
          method === 'textDocument/documentSymbol' || method === 'textDocument/codeLens'
            ? { textDocument: { uri } }
            : { textDocument: { uri }, position },
          timeoutMs,
        );
        requests++;
      }
      if (i === warmup - 1) {
        await settle(1000);
        afterWarmup = procMemory(pid);
      }
      if ((i + 1) % warmup === 0) samples.push(procMemory(pid)?.rssMb ?? NaN);
    }
    const soakMs = Date.now() - t1;
    await settle(1000);
    const afterSoak = procMemory(pid);
    const hover = await c.request<{ contents: { value: string } } | null>(
      'textDocument/hover',
      { textDocument: { uri }, position: { line: 6, character: 6 } },
      timeoutMs,
    );
    return {
      indexMs,
      afterIndex,
      edits,
      requests,
      afterWarmup,
      afterSoak,
      soakMs,
      samples,
      hoverAfterSoak: hover?.contents.value ?? '',
    };
  } finally {
    await c.shutdown();
  }
}
