// Hostile charts (issue 14, Limits): packaged charts with `..` entries, absolute paths, symlinks
// and hard links, files past Helm's 5 MiB and charts past its 100 MiB decompressed limits, a
// gzip bomb that inflates to 2 GiB; chart folders with symlinks out of the chart and link loops;
// template recursion; index.yaml and chart downloads past their bound. Each must be refused or left out with a clear message, never read outside
// the chart, never inflate without bound. Messages as Helm 3.18's loader and engine give them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ChartFetcher,
  MAX_CHART_BYTES,
  MAX_INDEX_BYTES,
} from '../../../server/src/engine/charts/fetch';
import { DiskChartStore } from '../../../server/src/platform/diskChartStore';
import { NodeHttpClient } from '../../../server/src/platform/nodeHttp';
import { loadChartBytes, loadChartTree } from '../../../server/src/engine/charts/load';
import { Chart as ValuesChart } from '../../../server/src/engine/charts/model';
import { DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { renderChart } from '../../../server/src/engine/render/render';
import { newMap } from '../../../server/src/engine/template/value';
import { MAX_TGZ_FILE, MAX_TGZ_TOTAL, readTgz } from '../../../server/src/engine/values/tar';
import { chartEntries, gzipBomb, tgz } from '../../support/tgz';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-chart-limits-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** Writes the .tgz to a temp file and loads it both ways: for rendering and for values. */
function both(bytes: Buffer): {
  render: ReturnType<typeof loadChartDir> | { error: string };
  values: ValuesChart | { error: string };
  file: string;
} {
  const file = path.join(tmp, `chart-${n++}.tgz`);
  fs.writeFileSync(file, bytes);
  let render: ReturnType<typeof loadChartDir> | { error: string };
  try {
    render = loadChartDir(new DiskFileSystem(), file);
  } catch (e) {
    render = { error: (e as Error).message };
  }
  return { render, values: loadChartBytes(bytes, file), file };
}

test('a packaged chart with a `..` entry is refused, as Helm refuses it', () => {
  const { render, values, file } = both(
    tgz([...chartEntries(), { name: 'c/../../evil.txt', data: 'x' }]),
  );
  const msg = 'chart illegally references parent directory (entry `c/../../evil.txt`)';
  assert.deepEqual(render, { error: `${file}: ${msg}` });
  assert.deepEqual(values, { error: `${file}: ${msg}` });
  const sub = loadChartDir(
    new MemoryFileSystem(undefined, {
      '/p/Chart.yaml': 'apiVersion: v2\nname: p\nversion: 1.0.0\n',
    }),
    '/p',
  );
  assert.equal(sub.problems.length, 0);
  assert.equal(
    readTgz(tgz([{ name: 'c/x/../../../y', data: '' }]), () => true).error,
    'chart illegally references parent directory (entry `c/x/../../../y`)',
  );
});

test('absolute entries, symlinks and hard links are left out with a warning; .Files never sees their targets', () => {
  const entries = [
    ...chartEntries(),
    { name: 'c/f.txt', type: '2', link: '/etc/passwd' },
    { name: 'c/hard.txt', type: '1', link: '/etc/passwd' },
    { name: '/etc/evil.txt', data: 'evil' },
    { name: 'c/dir/', type: '5' },
  ];
  const { render, values, file } = both(tgz(entries));
  assert.ok(!('error' in render), JSON.stringify(render));
  assert.deepEqual(render.problems, [
    `${file}: entry \`c/f.txt\` is a symlink (to \`/etc/passwd\`): left out`,
    `${file}: entry \`c/hard.txt\` is a hard link: left out`,
    `${file}: entry \`/etc/evil.txt\` has an absolute path: left out`,
  ]);
  assert.deepEqual(
    render.files.map((f) => f.name),
    [],
  );
  const r = renderChart(render, newMap(), { releaseName: 'r', namespace: 'n' });
  assert.deepEqual(r.errors, []);
  assert.match(r.objects[0].text, /f: ""/);
  assert.ok(!('error' in values));
  assert.deepEqual(
    values.problems.map((p) => [p.code, p.severity, p.message]),
    [
      [
        'chart-archive-entry',
        'warning',
        `${file}: entry \`c/f.txt\` is a symlink (to \`/etc/passwd\`): left out`,
      ],
      ['chart-archive-entry', 'warning', `${file}: entry \`c/hard.txt\` is a hard link: left out`],
      [
        'chart-archive-entry',
        'warning',
        `${file}: entry \`/etc/evil.txt\` has an absolute path: left out`,
      ],
    ],
  );
});

test("a file past 5 MiB and a chart past 100 MiB decompressed are refused (Helm's limits)", () => {
  const six = both(
    tgz([...chartEntries(), { name: 'c/six.bin', data: Buffer.alloc(MAX_TGZ_FILE + 1) }]),
  );
  assert.deepEqual(six.values, {
    error: `${six.file}: decompressed chart file "c/six.bin" is larger than the maximum file size 5242880 bytes`,
  });
  assert.deepEqual(six.render, {
    error: `${six.file}: decompressed chart file "c/six.bin" is larger than the maximum file size 5242880 bytes`,
  });
  const many = Array.from({ length: 26 }, (_, i) => ({
    name: `c/f${i}.bin`,
    data: Buffer.alloc(4 << 20),
  }));
  const total = both(tgz([...chartEntries(), ...many]));
  assert.deepEqual(total.values, {
    error: `${total.file}: decompressed chart is larger than the maximum size ${MAX_TGZ_TOTAL} bytes`,
  });
  // Exactly at the limits is accepted.
  const at = readTgz(
    tgz([...chartEntries(), { name: 'c/five.bin', data: Buffer.alloc(MAX_TGZ_FILE) }]),
    () => true,
  );
  assert.equal(at.error, undefined);
  assert.equal(at.files.get('c/five.bin')?.length, MAX_TGZ_FILE);
});

test('a gzip bomb (2 GiB of zeros in 2 MB) stops inflating at the limit', () => {
  const bomb = gzipBomb(2 ** 31);
  assert.ok(bomb.length < 4 << 20, `${bomb.length} bytes`);
  const before = process.memoryUsage().rss;
  const r = both(bomb);
  assert.deepEqual(r.values, {
    error: `${r.file}: decompressed chart is larger than the maximum size ${MAX_TGZ_TOTAL} bytes`,
  });
  assert.deepEqual(r.render, {
    error: `${r.file}: decompressed chart is larger than the maximum size ${MAX_TGZ_TOTAL} bytes`,
  });
  // Bounded: far below the 2 GiB it would inflate to (the limit plus tar slack, and GC lag).
  assert.ok(
    process.memoryUsage().rss - before < 1 << 30,
    `rss grew by ${process.memoryUsage().rss - before}`,
  );
});

test('a chart folder: symlinks out of the chart are left out of .Files and values, link loops end', () => {
  const secret = path.join(tmp, 'outside-secret.txt');
  fs.writeFileSync(secret, 'top-secret');
  const outsideDir = path.join(tmp, 'outside-dir');
  fs.mkdirSync(outsideDir);
  fs.writeFileSync(path.join(outsideDir, 'g.txt'), 'also-secret');
  const c = path.join(tmp, 'folder-chart');
  fs.mkdirSync(path.join(c, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(c, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
  fs.writeFileSync(
    path.join(c, 'templates/cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  f: {{ .Files.Get "f.txt" | quote }}\n  g: {{ .Files.Get "d/g.txt" | quote }}\n',
  );
  fs.writeFileSync(path.join(c, 'inside.txt'), 'ok');
  fs.symlinkSync(secret, path.join(c, 'f.txt'));
  fs.symlinkSync(outsideDir, path.join(c, 'd'));
  fs.symlinkSync('inside.txt', path.join(c, 'alias.txt'));
  fs.symlinkSync('.', path.join(c, 'loop1'));
  fs.symlinkSync('.', path.join(c, 'loop2'));
  fs.symlinkSync(secret, path.join(c, 'values.yaml'));
  const dfs = new DiskFileSystem();
  const chart = loadChartDir(dfs, c);
  assert.deepEqual(chart.files.map((f) => f.name).sort(), ['alias.txt', 'inside.txt']);
  assert.deepEqual(chart.problems, [
    `${c}/d: a symlink to a folder outside the chart: left out`,
    `${c}/f.txt: a symlink to a file outside the chart: left out`,
    `${c}/values.yaml: a symlink to a file outside the chart: left out`,
  ]);
  const r = renderChart(chart, newMap(), { releaseName: 'r', namespace: 'n' });
  assert.deepEqual(r.errors, []);
  assert.equal(
    r.objects[0].text,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  f: ""\n  g: ""',
  );
  const v = loadChartTree(c, dfs);
  assert.ok(!('error' in v));
  assert.equal(v.valuesText, '');
});

test("template recursion stops at 1000 nested includes with Helm's error naming the template", () => {
  const mfs = new MemoryFileSystem(undefined, {
    '/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    '/c/templates/_h.tpl': '{{- define "loop" -}}{{ include "loop" . }}{{- end -}}\n',
    '/c/templates/cm.yaml': 'a: {{ include "loop" . }}\n',
  });
  const r = renderChart(loadChartDir(mfs, '/c'), newMap(), { releaseName: 'r', namespace: 'n' });
  assert.equal(r.errors.length, 1);
  assert.doesNotMatch(r.errors[0], /Maximum call stack/);
  assert.match(
    r.errors[0],
    /^execution error at \(c\/templates\/cm\.yaml:1:6\): .*rendering template has a nested reference name: loop: unable to execute template( \(nested \d+ includes deep, more than the stack holds\))?$/s,
  );
  // Mutual recursion through two templates ends too.
  const two = new MemoryFileSystem(undefined, {
    '/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    '/c/templates/_h.tpl':
      '{{- define "a" -}}{{ include "b" . }}{{- end -}}{{- define "b" -}}{{ include "a" . }}{{- end -}}\n',
    '/c/templates/cm.yaml': 'a: {{ include "a" . }}\n',
  });
  const r2 = renderChart(loadChartDir(two, '/c'), newMap(), { releaseName: 'r', namespace: 'n' });
  assert.match(
    r2.errors[0] ?? '',
    /rendering template has a nested reference name: (a|b): unable to execute template/,
  );
  // {{ template }} calling itself (Go's limit is 100000 deep) and tpl calling itself end with a clear error too.
  for (const [body, what] of [
    ['{{- define "t" -}}{{ template "t" . }}{{- end -}}', '{{ template "t" . }}'],
    ['', '{{ tpl "{{ tpl .Values.x . }}" . }}'],
  ]) {
    const self = new MemoryFileSystem(undefined, {
      '/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      '/c/values.yaml': 'x: "{{ tpl .Values.x . }}"\n',
      '/c/templates/_h.tpl': body + '\n',
      '/c/templates/cm.yaml': `a: ${what}\n`,
    });
    const r3 = renderChart(loadChartDir(self, '/c'), newMap(), {
      releaseName: 'r',
      namespace: 'n',
    });
    assert.equal(r3.errors.length, 1, what);
    assert.doesNotMatch(r3.errors[0], /Maximum call stack/);
    assert.match(
      r3.errors[0],
      /c\/templates\/cm\.yaml.*(exceeded maximum template depth|nested reference name)/s,
      r3.errors[0].slice(-400),
    );
  }
});

test('index.yaml and chart downloads are bounded (64 MiB by default); nothing is cached past the bound', async () => {
  assert.equal(MAX_INDEX_BYTES, 64 << 20);
  assert.equal(MAX_CHART_BYTES, 64 << 20);
  const bigIndex =
    'apiVersion: v1\nentries: {}\n' + ('# ' + 'x'.repeat(1021) + '\n').repeat(3 << 10);
  const chart = tgz(chartEntries());
  const server = http.createServer((req, res) => {
    if (req.url === '/big/index.yaml') res.end(bigIndex);
    else if (req.url === '/ok/index.yaml')
      res.end(
        'apiVersion: v1\nentries:\n  c:\n  - name: c\n    version: 0.1.0\n    urls:\n    - c-0.1.0.tgz\n',
      );
    else if (req.url === '/ok/c-0.1.0.tgz') res.end(chart);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cache = path.join(tmp, 'fetch-cache');
    const fetcher = (o: { maxIndexBytes?: number; maxChartBytes?: number }) =>
      new ChartFetcher({
        store: new DiskChartStore(cache),
        http: new NodeHttpClient(),
        timeoutMs: 20_000,
        ...o,
      });
    const src = (repo: string) => ({
      kind: 'helm' as const,
      repoUrl: `${base}/${repo}`,
      chart: 'c',
      version: '0.1.0',
      repository: repo,
    });
    const big = await fetcher({ maxIndexBytes: 1 << 20 }).fetch(src('big'));
    assert.ok('error' in big);
    assert.match(
      big.error,
      new RegExp(
        `${base}/big/index\\.yaml: larger than the limit of 1048576 bytes; not read further`,
      ),
    );
    const small = await fetcher({ maxChartBytes: 100 }).fetch(src('ok'));
    assert.ok('error' in small);
    assert.match(
      small.error,
      /c-0\.1\.0\.tgz: larger than the limit of 100 bytes; not read further/,
    );
    assert.equal(
      fs.existsSync(path.join(cache, 'blobs'))
        ? fs.readdirSync(path.join(cache, 'blobs'), { recursive: true }).length
        : 0,
      0,
    );
    const ok = await fetcher({}).fetch(src('ok'));
    assert.ok(!('error' in ok), JSON.stringify(ok));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
