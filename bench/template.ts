// Renders every chart x (defaults + ci/ values) of ../shared/charts in one process with our
// engine, versus `helm template` spawned once per case, and prints the ratio; then the warm
// re-render time of the largest chart after a values edit.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DiskFileSystem } from '../server/src/engine/fs';
import { loadChartDir } from '../server/src/engine/render/chart';
import { renderChart } from '../server/src/engine/render/render';
import { readChartValues } from '../server/src/engine/template/chartValues';
import { newMap } from '../server/src/engine/template/value';

const ROOT = path.resolve(__dirname, '..', '..');
const CHARTS = path.resolve(ROOT, '..', 'shared', 'charts');
const HELM = path.join(ROOT, '.cache', 'reference-tools', 'helm');

const cases: { chart: string; values?: string }[] = [];
for (const c of fs.readdirSync(CHARTS).sort()) {
  const dir = path.join(CHARTS, c);
  if (
    !fs.existsSync(path.join(dir, 'Chart.yaml')) ||
    /^type:\s*library/m.test(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))
  )
    continue;
  cases.push({ chart: c });
  const ci = path.join(dir, 'ci');
  if (fs.existsSync(ci))
    for (const f of fs.readdirSync(ci).sort())
      if (/\.ya?ml$/.test(f)) cases.push({ chart: c, values: path.join(ci, f) });
}

const disk = new DiskFileSystem();
let t0 = process.hrtime.bigint();
let objects = 0;
// Each chart is read once per process, as the CLI and the server do (releaseManifests' chart cache).
const loaded = new Map<string, ReturnType<typeof loadChartDir>>();
for (const c of cases) {
  let chart = loaded.get(c.chart);
  if (!chart) loaded.set(c.chart, (chart = loadChartDir(disk, path.join(CHARTS, c.chart))));
  const user = c.values
    ? readChartValues(fs.readFileSync(c.values, 'utf8'), c.values, 'float').value
    : newMap();
  objects += renderChart(chart, user, {
    releaseName: 'rel',
    namespace: 'ns',
    kubeVersion: '1.33.0',
  }).objects.length;
}
const ours = Number(process.hrtime.bigint() - t0) / 1e6;

t0 = process.hrtime.bigint();
for (const c of cases) {
  const args = [
    'template',
    'rel',
    path.join(CHARTS, c.chart),
    '-n',
    'ns',
    '--kube-version',
    '1.33.0',
    '--skip-tests',
    '--include-crds',
  ];
  if (c.values) args.push('-f', c.values);
  execFileSync(HELM, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}
const helm = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(
  `template: ${cases.length} chart x values cases, ${objects} objects: ours ${ours.toFixed(0)} ms in one process, helm template ${helm.toFixed(0)} ms spawned per case: ${(helm / ours).toFixed(1)}x`,
);

// Warm re-render of the largest chart (most template bytes) after a values edit.
let largest = '';
let size = 0;
for (const c of new Set(cases.map((x) => x.chart))) {
  const ch = loadChartDir(disk, path.join(CHARTS, c));
  const n =
    ch.templates.reduce((s, t) => s + t.data.length, 0) +
    ch.dependencies.reduce((s, d) => s + d.templates.reduce((a, t) => a + t.data.length, 0), 0);
  if (n > size) {
    size = n;
    largest = c;
  }
}
const chart = loadChartDir(disk, path.join(CHARTS, largest));
const times: number[] = [];
for (let i = 0; i < 21; i++) {
  const user = newMap([['replicaCount', i + 1]]);
  const s = process.hrtime.bigint();
  renderChart(chart, user, { releaseName: 'rel', namespace: 'ns' });
  times.push(Number(process.hrtime.bigint() - s) / 1e6);
}
times.sort((a, b) => a - b);
console.log(
  `template: warm re-render of ${largest} (${(size / 1024).toFixed(0)} KiB of templates) after a values edit: median of 21 ${times[10].toFixed(1)} ms (target < 50 ms)`,
);
