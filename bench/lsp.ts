// Language server benchmark (issue 4): a generated repository of 2,000 components x 3 overlays
// in /tmp; our server over stdio: initial index time, p50/p95 of completion, hover with
// effective values, diagnostics after an edit; the same completion/hover against
// yaml-language-server with a local schema, and the ratios.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestClient, uriOf } from '../test/lsp/client';
import { builtinSchema } from '../server/src/engine/schema';
import { generateRepository } from './generate';
import { pct } from './stats';

const ROOT = path.resolve(__dirname, '../..');
const N = Number(process.env.BENCH_COMPONENTS ?? 2000);
const ITER = Number(process.env.BENCH_ITER ?? 200);

async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-lsp-bench-'));
  console.log(`generating ${N} components x 3 overlays in ${dir}`);
  generateRepository(dir, N);
  const kust = path.join(dir, 'components/app7/staging/kustomization.yaml');
  const values = path.join(dir, 'components/app7/staging/values.yaml');
  const kustText = fs.readFileSync(kust, 'utf8') + '\n';
  const valuesText = fs.readFileSync(values, 'utf8');

  // ours
  const c = TestClient.ours(ROOT);
  let t0 = Date.now();
  await c.initialize(dir);
  c.open(uriOf(kust), kustText);
  await c.diagnosticsFor(uriOf(kust));
  const indexMs = Date.now() - t0;
  c.open(uriOf(values), valuesText);
  const compParams = { textDocument: { uri: uriOf(kust) }, position: { line: 6, character: 0 } };
  const hoverParams = { textDocument: { uri: uriOf(values) }, position: { line: 6, character: 6 } };
  const kHoverParams = { textDocument: { uri: uriOf(kust) }, position: { line: 2, character: 2 } };
  await c.request('textDocument/completion', compParams);
  const h = await c.request<{ contents: { value: string } }>('textDocument/hover', hoverParams);
  if (!/production: 3/.test(h?.contents.value ?? ''))
    console.log('warning: hover did not show effective values:', h?.contents.value);
  const oursComp = await time(() => c.request('textDocument/completion', compParams), ITER);
  const oursHover = await time(() => c.request('textDocument/hover', hoverParams), ITER);
  const oursKHover = await time(() => c.request('textDocument/hover', kHoverParams), ITER);
  const diag: number[] = [];
  for (let i = 0; i < 20; i++) {
    const n = c.notifications.length;
    t0 = Date.now();
    c.change(
      uriOf(values),
      valuesText.replace(/replicaCount: \d+/, `replicaCount: ${10 + i}`),
      2 + i,
    );
    await c.diagnosticsFor(uriOf(values), n);
    diag.push(Date.now() - t0);
  }
  await c.shutdown();

  // yaml-language-server with a local schema
  const schemaFile = path.join(dir, 'kustomization.schema.json');
  fs.writeFileSync(schemaFile, JSON.stringify(builtinSchema('kustomization.json')));
  const y = new TestClient(
    process.execPath,
    [path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
    ROOT,
  );
  const ySettings = {
    yaml: {
      schemas: { [uriOf(schemaFile)]: ['kustomization.yaml'] },
      schemaStore: { enable: false },
      validate: true,
      completion: true,
      hover: true,
    },
  };
  y.settings = ySettings.yaml;
  await y.initialize(dir, ySettings.yaml);
  y.notify('workspace/didChangeConfiguration', { settings: ySettings });
  y.open(uriOf(kust), kustText);
  await y.request('textDocument/completion', compParams);
  const yComp = await time(() => y.request('textDocument/completion', compParams), ITER);
  const yHover = await time(() => y.request('textDocument/hover', kHoverParams), ITER);
  await y.shutdown();

  console.log(`index (initialize -> first diagnostics): ${indexMs} ms`);
  console.log(
    `completion (kustomization.yaml): ours ${fmt(oursComp)} | yaml-language-server ${fmt(yComp)} | ratio p50 ${(pct(oursComp, 50) / pct(yComp, 50)).toFixed(2)}x`,
  );
  console.log(
    `hover (kustomization.yaml key): ours ${fmt(oursKHover)} | yaml-language-server ${fmt(yHover)} | ratio p50 ${(pct(oursKHover, 50) / pct(yHover, 50)).toFixed(2)}x`,
  );
  console.log(`hover with effective values across overlays: ours ${fmt(oursHover)}`);
  console.log(`diagnostics after an edit (incl. 120 ms debounce): ${fmt(diag)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
