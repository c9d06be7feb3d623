// Limits (issue 14) for charts, fetched and rendered: packaged charts with `..` entries, symlinks
// and absolute paths, a gzip bomb inflating to 2 GiB, a chart folder linking out of itself,
// template recursion (through `template --chart`), and a 100 MB index.yaml plus a bomb chart
// served by a local HTTP repository (through `values`, fetching into a temporary cache). Each
// runs the real CLI in a child with a generous timeout (a hang fails and the child is killed),
// asserts the clear error or the correct output, and prints the child's peak RSS as a `# ...`
// line (the style of limits.test.ts). Hostile inputs are generated at test time.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { chartEntries, gzipBomb, tgz } from '../support/tgz';
import { BIN, peakRss, writeRssPreload } from './support';

const HANG_TIMEOUT_MS = 90_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-chart-limits-'));
const preload = writeRssPreload(tmp);
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let caseNo = 0;
/** Runs the CLI in `cwd` without blocking this process (the HTTP repository below runs here). */
async function cli(
  label: string,
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const rssFile = path.join(tmp, `rss-${++caseNo}`);
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', preload, BIN, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FO_PEAK_RSS_FILE: rssFile, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on(
    'data',
    (c: Buffer) => (stdout = (stdout + c.toString('utf8')).slice(0, 1 << 20)),
  );
  child.stderr.on(
    'data',
    (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(0, 1 << 20)),
  );
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HANG_TIMEOUT_MS);
  const status = await new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  clearTimeout(timer);
  const ms = Number((process.hrtime.bigint() - t0) / 1_000_000n);
  const rss = peakRss(rssFile);
  console.log(
    `# ${label}: flux-overlays ${args[0]} exit ${hung ? 'HANG (killed)' : status}, ${ms} ms, peak RSS ${rss}`,
  );
  assert.ok(
    !hung,
    `${label}: flux-overlays ${args.join(' ')} did not finish within ${HANG_TIMEOUT_MS / 1000} s (killed)`,
  );
  assert.doesNotMatch(
    stderr,
    /internal error|Maximum call stack|\n\s+at .*\.js:\d+/,
    `${label}: ${stderr.slice(0, 2000)}`,
  );
  return { status, stdout, stderr };
}

function write(dir: string, files: Record<string, string | Buffer>): string {
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  }
  return dir;
}

const release = (repoUrl?: string) =>
  (repoUrl
    ? `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: apps\nspec:\n  url: ${repoUrl}\n---\n`
    : '') +
  'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: c\n      version: "0.1.0"\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n';

/** An overlay with one HelmRelease of chart `c`, and `extra` files beside it. */
function overlay(
  name: string,
  extra: Record<string, string | Buffer> = {},
  repoUrl?: string,
): string {
  return write(path.join(tmp, name), {
    'kustomization.yaml': 'resources:\n- hr.yaml\n',
    'hr.yaml': release(repoUrl),
    ...extra,
  });
}

describe('packaged charts: hostile entries and sizes', () => {
  it('a `..` entry refuses the chart (Helm: "chart illegally references parent directory")', async () => {
    const dir = overlay('dotdot', {
      'c.tgz': tgz([...chartEntries(), { name: 'c/../../../escaped.txt', data: 'x' }]),
    });
    const r = await cli('tgz with a ../ entry (template)', dir, [
      'template',
      '.',
      '--chart',
      'c.tgz',
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /error: \.: \[apps\/app\] chart c 0\.1\.0 is not available: it cannot be read: .*c\.tgz: chart illegally references parent directory \(entry `c\/\.\.\/\.\.\/\.\.\/escaped\.txt`\)/,
    );
    assert.ok(
      !fs.existsSync(path.join(tmp, 'escaped.txt')) &&
        !fs.existsSync(path.join(dir, '..', '..', 'escaped.txt')),
    );
  });

  it('symlinks, hard links and absolute paths are left out with a warning; their targets are never read', async () => {
    const entries = [
      ...chartEntries(),
      { name: 'c/f.txt', type: '2', link: '/etc/hostname' },
      { name: 'c/h.txt', type: '1', link: '/etc/hostname' },
      { name: '/etc/evil.txt', data: 'evil' },
    ];
    const dir = overlay('links', { 'c.tgz': tgz(entries) });
    const r = await cli('tgz with symlink, hard link and absolute entries (template)', dir, [
      'template',
      '.',
      '--chart',
      'c.tgz',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /warning: \.: \[apps\/app\] .*c\.tgz: entry `c\/f\.txt` is a symlink \(to `\/etc\/hostname`\): left out/,
    );
    assert.match(r.stderr, /entry `c\/h\.txt` is a hard link: left out/);
    assert.match(r.stderr, /entry `\/etc\/evil\.txt` has an absolute path: left out/);
    assert.match(r.stdout, /\n {2}f: ""\n/);
  });

  it('a gzip bomb (2 MB inflating to 2 GiB) stops at 100 MiB, in template and values', async () => {
    const bomb = gzipBomb(2 ** 31);
    const dir = overlay('bomb', { 'c.tgz': bomb });
    for (const cmd of ['template', 'values']) {
      const r = await cli(`tgz bomb ${(bomb.length / 1e6).toFixed(1)} MB -> 2 GiB (${cmd})`, dir, [
        cmd,
        '.',
        '--chart',
        'c.tgz',
      ]);
      assert.match(
        r.stderr,
        /chart c 0\.1\.0 is not available: it cannot be read: .*c\.tgz: decompressed chart is larger than the maximum size 104857600 bytes/,
      );
      if (cmd === 'template') assert.equal(r.status, 1);
      else assert.match(r.stderr, /hr\.yaml:\d+:\d+: /);
    }
  });
});

describe('chart folders and templates', () => {
  it(".Files holds only the chart's own files: links out of the chart and link loops", async () => {
    const secret = write(path.join(tmp, 'outside'), { 'secret.txt': 'TOP-SECRET-VALUE' });
    const dir = overlay('folder-links', {
      'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'c/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  f: {{ .Files.Get "f.txt" | quote }}\n  g: {{ .Files.Get "d/secret.txt" | quote }}\n{{ (.Files.Glob "**").AsConfig | indent 2 }}\n',
    });
    fs.symlinkSync(path.join(secret, 'secret.txt'), path.join(dir, 'c/f.txt'));
    fs.symlinkSync(secret, path.join(dir, 'c/d'));
    fs.symlinkSync('.', path.join(dir, 'c/loop1'));
    fs.symlinkSync('.', path.join(dir, 'c/loop2'));
    const r = await cli('chart folder with links out and link loops (template)', dir, [
      'template',
      '.',
      '--chart',
      'c',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /TOP-SECRET-VALUE/);
    assert.match(r.stderr, /c\/f\.txt: a symlink to a file outside the chart: left out/);
    assert.match(r.stderr, /c\/d: a symlink to a folder outside the chart: left out/);
    assert.match(r.stdout, /\n {2}f: ""\n {2}g: ""\n/);
  });

  it('template recursion ends with a clear error naming the template', async () => {
    const dir = overlay('recursion', {
      'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'c/templates/_h.tpl':
        '{{- define "loop" -}}{{ include "loop" . }}{{- end -}}\n{{- define "t" -}}{{ template "t" . }}{{- end -}}\n',
      'c/templates/cm.yaml': 'a: {{ include "loop" . }}\n',
      'd/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'd/templates/_h.tpl': '{{- define "t" -}}{{ template "t" . }}{{- end -}}\n',
      'd/templates/cm.yaml': 'a: {{ template "t" . }}\n',
    });
    const r = await cli('include recursion (template)', dir, ['template', '.', '--chart', 'c']);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /execution error at \(c\/templates\/cm\.yaml:1:6\): .*rendering template has a nested reference name: loop: unable to execute template/,
    );
    const t = await cli('{{ template }} recursion (template)', dir, [
      'template',
      '.',
      '--chart',
      'd',
    ]);
    assert.equal(t.status, 1);
    assert.match(t.stderr, /c\/templates\/cm\.yaml.*exceeded maximum template depth/);
  });
});

describe('a hostile HTTP Helm repository on 127.0.0.1', () => {
  it('a 100 MB index.yaml is not read past 64 MiB; a bomb chart is not cached', async () => {
    const bomb = gzipBomb(2 ** 31);
    const smallIndex = (base: string) =>
      `apiVersion: v1\nentries:\n  c:\n  - name: c\n    version: 0.1.0\n    urls:\n    - ${base}/c-0.1.0.tgz\n`;
    const server = http.createServer((req, res) => {
      if (req.url === '/big/index.yaml') {
        // 100 MB: a valid head, then comment lines, written as fast as the client reads.
        res.writeHead(200, { 'content-type': 'text/yaml' });
        const line = '# ' + 'x'.repeat(1022) + '\n';
        const chunk = Buffer.from(line.repeat(1024));
        let sent = 0;
        res.write('apiVersion: v1\nentries: {}\n');
        const pump = () => {
          while (sent < 100_000_000) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
      } else if (req.url === '/bomb/index.yaml') {
        res.end(smallIndex(`http://127.0.0.1:${(server.address() as AddressInfo).port}/bomb`));
      } else if (req.url === '/bomb/c-0.1.0.tgz') {
        res.end(bomb);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cache = path.join(tmp, 'chart-cache');
      const env = { FLUX_OVERLAYS_CHART_CACHE: cache };
      const big = overlay('repo-big-index', {}, `${base}/big`);
      const r = await cli('100 MB index.yaml (values)', big, ['values', '.'], env);
      assert.match(
        r.stderr,
        /hr\.yaml:\d+:\d+: .*index\.yaml: larger than the limit of 67108864 bytes; not read further/,
      );
      const b = overlay('repo-bomb', {}, `${base}/bomb`);
      const r2 = await cli('bomb chart from a repository (values)', b, ['values', '.'], env);
      assert.match(
        r2.stderr,
        /hr\.yaml:\d+:\d+: .*c-0\.1\.0\.tgz is not a readable chart: .*decompressed chart is larger than the maximum size 104857600 bytes; nothing cached/,
      );
      const blobs = path.join(cache, 'blobs');
      assert.deepEqual(
        fs.existsSync(blobs)
          ? fs
              .readdirSync(blobs, { recursive: true })
              .filter((f) => fs.statSync(path.join(blobs, String(f))).isFile())
          : [],
        [],
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
