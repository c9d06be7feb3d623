// Benchmark (not a test): charts from their sources. Set-up (not timed): the corpus copy with
// its sources pointed at a local docker-registry and HTTP Helm repository, every chart of
// ../shared/charts pushed there (test/support/corpusCharts.ts).
// 1. Cold fetch: every shared chart from the registry into an empty cache (tags, manifest, blob,
//    digest check, atomic write, load with subcharts), one ChartService, bounded concurrency.
// 2. Warm path: effective values, chart defaults included, of every corpus release whose chart
//    is served, from the cache only (`--offline` semantics), in one process; cold parse cache
//    (first run) and median of five.
// Each against the reference pipeline per release: `helm pull` of the release's chart from the
// registry plus `helm template` of it with the release's values (the processes a CI script
// spawns to see what a release gets).
// Run: node out/bench/charts.js.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ChartService } from '../server/src/engine/charts';
import { DiskFileSystem } from '../server/src/engine/fs';
import { ParseCache } from '../server/src/engine/kustomize/loader';
import { isHelmRelease } from '../server/src/engine/values/effective';
import { runOverlay } from '../server/src/engine/workspace';
import { YMap } from '../server/src/engine/yaml/node';
import { parseYaml } from '../server/src/engine/yaml/parse';
import { DiskChartStore } from '../server/src/platform/diskChartStore';
import { NodeHttpClient } from '../server/src/platform/nodeHttp';
import { serveCorpusCharts } from '../test/support/corpusCharts';
import { CHARTS, CORPUS, HELM, KUBECTL } from '../test/support/paths';
import { registryAvailable } from '../test/support/registry';
import { median } from './stats';

function warmValues(
  dirs: string[],
  store: DiskChartStore,
): Promise<{ ms: number; releases: number; withDefaults: number }> {
  return (async () => {
    const t0 = performance.now();
    const disk = new DiskFileSystem();
    const cache = new ParseCache();
    const service = new ChartService({ store, offline: true, timeoutMs: 10_000 });
    let releases = 0;
    let withDefaults = 0;
    for (const d of dirs) {
      await service.prepare(
        runOverlay(disk, d, { cache, manifestsOnly: true }).objects.map((o) => o.node as YMap),
        isHelmRelease,
      );
      const r = runOverlay(disk, d, {
        cache,
        chartLookup: (rel, docs) => service.lookup(rel, docs),
      });
      releases += r.releases.length;
      withDefaults += r.releases.filter((x) => x.chart.found).length;
    }
    return { ms: performance.now() - t0, releases, withDefaults };
  })();
}

async function main(): Promise<void> {
  const missing = !fs.existsSync(CORPUS)
    ? 'corpus absent'
    : !fs.existsSync(CHARTS)
      ? 'charts absent'
      : !fs.existsSync(KUBECTL)
        ? 'reference kubectl missing'
        : registryAvailable();
  if (missing) {
    console.log(
      `bench/charts: ${missing}; run scripts/install-reference-tools.sh and scripts/install-registry-test-deps.sh`,
    );
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-charts-'));
  const served = await serveCorpusCharts(work, { allCharts: true });
  try {
    // 1. cold fetch of every shared chart (its own version) from the registry
    const wanted = [...served.charts].filter(([, c]) => !c.rename);
    const docs = wanted.flatMap(([name, c], i) => {
      const text = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: c${i}\n  namespace: b\nspec:\n  url: oci://${served.registryHost}/charts/${name}\n  insecure: true\n  ref:\n    tag: ${c.version}\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: r${i}\n  namespace: b\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: c${i}\n`;
      return parseYaml(text, `/bench/${name}.yaml`).documents.map((d) => d.root as YMap);
    });
    const store = new DiskChartStore(path.join(work, 'cache'));
    const service = new ChartService({ store, http: new NodeHttpClient(), timeoutMs: 30_000 });
    const t0 = performance.now();
    await service.prepare(docs, isHelmRelease);
    for (const d of docs.filter(isHelmRelease)) {
      const c = service.lookup(d, docs);
      if (!c || 'error' in c)
        throw new Error(`bench/charts: a chart did not fetch: ${c ? c.error : 'no result'}`);
    }
    const cold = performance.now() - t0;
    const bytes = wanted.reduce(
      (n, [name, c]) => n + fs.statSync(served.packages.get(`${name}@${c.version}`)!).size,
      0,
    );

    // the other versions the corpus releases ask for, fetched into the same cache (not timed)
    const dirs = [...new Set(served.cases.map((c) => c.dir))];
    const fetchAll = new ChartService({ store, http: new NodeHttpClient(), timeoutMs: 30_000 });
    const disk = new DiskFileSystem();
    for (const d of dirs)
      await fetchAll.prepare(
        runOverlay(disk, d, { manifestsOnly: true }).objects.map((o) => o.node as YMap),
        isHelmRelease,
      );

    // 2. warm path: values with chart defaults from the cache
    const first = await warmValues(dirs, store);
    const runs = [first.ms];
    for (let i = 0; i < 4; i++) runs.push((await warmValues(dirs, store)).ms);

    // reference: helm pull + helm template per release
    const home = path.join(work, 'helm-bench');
    const env = {
      ...process.env,
      HELM_CACHE_HOME: home,
      HELM_CONFIG_HOME: home,
      HELM_DATA_HOME: home,
    };
    let pulls = 0;
    let templates = 0;
    let failed = 0;
    for (const [i, c] of served.cases.entries()) {
      const dest = path.join(work, 'pull', String(i));
      fs.mkdirSync(dest, { recursive: true });
      // any served version: they differ only in their label
      const version = [...(served.versions.get(c.chart) ?? [])][0];
      let t = performance.now();
      const pull = spawnSync(
        HELM,
        [
          'pull',
          `oci://${served.registryHost}/charts/${c.chart}`,
          '--version',
          version,
          '--plain-http',
          '-d',
          dest,
        ],
        { encoding: 'utf8', env },
      );
      pulls += performance.now() - t;
      const tgz = fs.readdirSync(dest).find((f) => f.endsWith('.tgz'));
      if (pull.status !== 0 || !tgz) {
        failed++;
        continue;
      }
      t = performance.now();
      const args = ['template', `r${i}`, path.join(dest, tgz)];
      for (const f of c.layers) args.push('-f', f);
      const tpl = spawnSync(HELM, args, { encoding: 'utf8', env, maxBuffer: 1 << 28 });
      templates += performance.now() - t;
      if (tpl.status !== 0) failed++;
    }
    const reference = pulls + templates;
    const n = served.cases.length;
    console.log(
      `charts: ${wanted.length} shared charts (${(bytes / 1024).toFixed(0)} KiB packaged) from a local docker-registry`,
    );
    console.log(
      `  cold fetch into an empty cache, one process: ${cold.toFixed(0)} ms (${(cold / wanted.length).toFixed(0)} ms per chart)`,
    );
    console.log(
      `warm path: ${first.releases} releases in ${dirs.length} corpus folders, ${first.withDefaults} with chart defaults from the cache`,
    );
    console.log(
      `  ours, one process, offline: first ${first.ms.toFixed(0)} ms, median ${median(runs).toFixed(0)} ms`,
    );
    console.log(
      `  helm pull + helm template per release (${n} releases${failed ? `, ${failed} failed` : ''}): ${reference.toFixed(0)} ms (pull ${pulls.toFixed(0)}, template ${templates.toFixed(0)}); per release ${(reference / n).toFixed(0)} ms`,
    );
    console.log(
      `  ratio helm / ours: ${(reference / first.ms).toFixed(1)}x first run, ${(reference / median(runs)).toFixed(1)}x median; helm pull per chart / our cold fetch per chart: ${(pulls / n / (cold / wanted.length)).toFixed(1)}x`,
    );
  } finally {
    await served.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
