// Renders, in one process with our engine, every chart x (defaults + each ci/ values file) of
// ../shared/charts and every release of ../shared/corpus whose chart is there, versus `helm
// template` spawned once per case, and prints both ratios and the total; then the warm
// re-render time of the largest chart after a values edit.
// Corpus releases are found as the corpus conformance test finds them (test/support/
// corpusCharts.ts: a HelmRelease whose chart, from a HelmRepository or OCIRepository of the same
// build, is a shared chart), in our build of each kustomization folder; their values are what our
// engine computes for the release (its valuesFrom and spec.values, no chart defaults), and helm
// gets the same values as a file. Wall and CPU time are printed (ours: this process; helm: its
// processes, from /proc): the machine may be shared.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskFileSystem } from '../server/src/engine/fs';
import { ParseCache } from '../server/src/engine/kustomize/loader';
import { Chart, loadChartDir } from '../server/src/engine/render/chart';
import { releaseSettings } from '../server/src/engine/render/release';
import { renderChart } from '../server/src/engine/render/render';
import { effectiveValuesToGo, readChartValues } from '../server/src/engine/template/chartValues';
import { GoMap, newMap } from '../server/src/engine/template/value';
import { computeEffectiveValues } from '../server/src/engine/values/effective';
import { runOverlay } from '../server/src/engine/workspace';
import { YMap, toJS } from '../server/src/engine/yaml/node';
import { Obj, chartOf, sharedCharts } from '../test/support/corpusCharts';
import { CHARTS, CORPUS, HELM, kustomizationDirs } from '../test/support/paths';

interface Case {
  label: string;
  chartDir: string;
  /** The values our engine renders with; `valuesFile` is what helm gets (-f). */
  values: GoMap;
  valuesFile?: string;
  releaseName: string;
  namespace: string;
  includeCrds: boolean;
  includeTests: boolean;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-template-'));
const disk = new DiskFileSystem();

// 1. every chart with its defaults and each ci/ values file
const chartCases: Case[] = [];
for (const c of fs.readdirSync(CHARTS).sort()) {
  const dir = path.join(CHARTS, c);
  if (
    !fs.existsSync(path.join(dir, 'Chart.yaml')) ||
    /^type:\s*library/m.test(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))
  )
    continue;
  const base = {
    chartDir: dir,
    releaseName: 'rel',
    namespace: 'ns',
    includeCrds: true,
    includeTests: false,
  };
  chartCases.push({ ...base, label: c, values: newMap() });
  const ci = path.join(dir, 'ci');
  if (fs.existsSync(ci))
    for (const f of fs.readdirSync(ci).sort())
      if (/\.ya?ml$/.test(f)) {
        const file = path.join(ci, f);
        // (read before timing: helm reads its -f file inside its own time)
        const values = readChartValues(fs.readFileSync(file, 'utf8'), file, 'float').value;
        chartCases.push({ ...base, label: `${c} ${f}`, values, valuesFile: file });
      }
}

// 2. the corpus releases whose chart is shared
const releaseCases: Case[] = [];
if (fs.existsSync(CORPUS)) {
  const shared = sharedCharts();
  const cache = new ParseCache();
  for (const dir of kustomizationDirs(CORPUS)) {
    const run = runOverlay(disk, dir, { cache, manifestsOnly: true });
    if (run.failed) continue;
    const docs = run.objects.map((o) => o.node as YMap);
    const plain = docs.map((d) => toJS(d) as Obj);
    // The user's layers alone, as renderReleaseManifests gives them to the chart.
    const user = computeEffectiveValues(docs, disk, { showSecrets: true });
    for (const r of user) {
      const c = chartOf(toJS(r.release) as Obj, plain);
      const chart = c && shared.get(c.chart);
      if (!chart || r.problems.some((p) => p.severity === 'error')) continue;
      const file = path.join(work, `values-${releaseCases.length}.json`);
      fs.writeFileSync(file, JSON.stringify(toJS(r.values) ?? {}));
      const s = releaseSettings(r.release);
      releaseCases.push({
        label: `${path.relative(CORPUS, dir)} ${r.namespace}/${r.name}`,
        chartDir: chart.dir,
        values: effectiveValuesToGo(r.values) as GoMap,
        valuesFile: file,
        ...s,
      });
    }
  }
}

/** CPU time (ms) of this process's waited-for children (/proc/self/stat cutime + cstime). */
function childCpuMs(): number | undefined {
  try {
    const f = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): cutime and cstime are fields 16 and 17
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

interface Timing {
  ms: number;
  cpu?: number;
  objects: number;
}

// Each chart is read once per process, as the CLI and the server do (releaseManifests' chart cache).
const loaded = new Map<string, Chart>();
function ours(cases: Case[]): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let objects = 0;
  for (const c of cases) {
    let chart = loaded.get(c.chartDir);
    if (!chart) loaded.set(c.chartDir, (chart = loadChartDir(disk, c.chartDir)));
    const r = renderChart(chart, c.values, {
      releaseName: c.releaseName,
      namespace: c.namespace,
      kubeVersion: '1.33.0',
      includeCrds: c.includeCrds,
      includeTests: c.includeTests,
    });
    if (r.errors.length) console.log(`  ours: ${c.label}: ${r.errors[0]}`);
    objects += r.objects.filter((o) => o.object !== null).length;
  }
  const cpu = process.cpuUsage(c0);
  return {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    cpu: (cpu.user + cpu.system) / 1000,
    objects,
  };
}

function helm(cases: Case[]): Timing {
  const c0 = childCpuMs();
  const t0 = process.hrtime.bigint();
  let objects = 0;
  for (const c of cases) {
    const args = [
      'template',
      c.releaseName,
      c.chartDir,
      '-n',
      c.namespace,
      '--kube-version',
      '1.33.0',
    ];
    if (c.includeCrds) args.push('--include-crds');
    if (!c.includeTests) args.push('--skip-tests');
    if (c.valuesFile) args.push('-f', c.valuesFile);
    try {
      const out = execFileSync(HELM, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 << 20,
      });
      // documents with more than comments, as ours count
      objects += out.split(/^---$/m).filter((d) => /^[^#\s]/m.test(d)).length;
    } catch (e) {
      console.log(`  helm: ${c.label}: ${String((e as { stderr?: string }).stderr).trim()}`);
    }
  }
  const c1 = childCpuMs();
  return {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    cpu: c0 !== undefined && c1 !== undefined ? c1 - c0 : undefined,
    objects,
  };
}

const cpuText = (t: Timing) => (t.cpu === undefined ? '' : `, CPU ${t.cpu.toFixed(0)} ms`);
function line(what: string, o: Timing, h: Timing): string {
  return `${what}, ${o.objects} objects (helm ${h.objects}): ours ${o.ms.toFixed(0)} ms in one process${cpuText(o)}; helm template ${h.ms.toFixed(0)} ms spawned per case${cpuText(h)}: ${(h.ms / o.ms).toFixed(1)}x${h.cpu !== undefined && o.cpu !== undefined ? ` (CPU ${(h.cpu / o.cpu).toFixed(1)}x)` : ''}`;
}

const oursCharts = ours(chartCases);
const oursReleases = ours(releaseCases);
const helmCharts = helm(chartCases);
const helmReleases = helm(releaseCases);
console.log(
  `template: ${line(`${chartCases.length} chart x values cases`, oursCharts, helmCharts)}`,
);
console.log(
  `template: ${line(`${releaseCases.length} corpus releases with a shared chart`, oursReleases, helmReleases)}`,
);
const sum = (a: Timing, b: Timing): Timing => ({
  ms: a.ms + b.ms,
  cpu: a.cpu !== undefined && b.cpu !== undefined ? a.cpu + b.cpu : undefined,
  objects: a.objects + b.objects,
});
const oursAll = sum(oursCharts, oursReleases);
const helmAll = sum(helmCharts, helmReleases);
const ratio = helmAll.ms / oursAll.ms;
console.log(
  `template: total ${line(`${chartCases.length + releaseCases.length} cases`, oursAll, helmAll)}: target >= 5x ${ratio >= 5 ? 'met' : 'NOT met'}`,
);

// Warm re-render of the largest chart (most template bytes) after a values edit.
let largest = '';
let size = 0;
for (const dir of new Set(chartCases.map((x) => x.chartDir))) {
  const ch = loadChartDir(disk, dir);
  const n =
    ch.templates.reduce((s, t) => s + t.data.length, 0) +
    ch.dependencies.reduce((s, d) => s + d.templates.reduce((a, t) => a + t.data.length, 0), 0);
  if (n > size) {
    size = n;
    largest = dir;
  }
}
const chart = loadChartDir(disk, largest);
const times: number[] = [];
for (let i = 0; i < 21; i++) {
  const user = newMap([['replicaCount', i + 1]]);
  const s = process.hrtime.bigint();
  renderChart(chart, user, { releaseName: 'rel', namespace: 'ns' });
  times.push(Number(process.hrtime.bigint() - s) / 1e6);
}
times.sort((a, b) => a - b);
console.log(
  `template: warm re-render of ${path.basename(largest)} (${(size / 1024).toFixed(0)} KiB of templates) after a values edit: median of 21 ${times[10].toFixed(1)} ms: target < 50 ms ${times[10] < 50 ? 'met' : 'NOT met'}`,
);
fs.rmSync(work, { recursive: true, force: true });
