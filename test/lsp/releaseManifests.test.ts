// fluxOverlays/renderOverlay with `releaseManifests` through the real server over stdio: after
// the overlay's own objects, the objects each HelmRelease's chart installs, in Helm's install
// order, under one header per release; the kinds and names are those the reference `helm
// template` gives for the same chart and values. A Secret a chart renders is masked; a release
// whose chart is not at hand says so (and nothing is fetched with charts.fetch never or in
// restricted mode); the promotion sides render each side's chart from git objects.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHARTS, HELM } from '../support/paths';
import { git, write } from '../unit/git/repo';
import { helm, packageChart, serveFolder } from '../support/registry';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const PODINFO = path.join(CHARTS, 'podinfo');
const SECRET_VALUE = 'hunter2-chart-secret-value';

interface Rendered {
  content: string;
  problems: { severity: string; message: string }[];
  origins: { line: number; location: { uri: string }; layer: string }[];
}

const skip = !fs.existsSync(PODINFO)
  ? 'charts absent (../shared/charts)'
  : !fs.existsSync(HELM)
    ? 'helm absent (scripts/install-reference-tools.sh)'
    : false;

function release(name: string, chartSpec: string, values: string): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
${chartSpec}
  values:
${values}`;
}

/** A repository with a component whose releases use charts kept in it, and one from a HelmRepository. */
function fixture(dir: string, replicas: number, repoUrl: string): void {
  fs.cpSync(PODINFO, path.join(dir, 'charts/podinfo'), { recursive: true });
  const fromGit = (chart: string) =>
    `      chart: ./charts/${chart}\n      sourceRef:\n        kind: GitRepository\n        name: apps\n        namespace: flux-system\n`;
  write(dir, {
    'charts/vault/Chart.yaml': 'apiVersion: v2\nname: vault\nversion: 0.1.0\n',
    'charts/vault/values.yaml': 'password: default-password\n',
    'charts/vault/templates/secret.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-credentials\nstringData:\n  password: {{ .Values.password | quote }}\n',
    'apps/podinfo/base/kustomization.yaml':
      'resources:\n  - podinfo.yaml\n  - vault.yaml\n  - remote.yaml\n  - repository.yaml\n',
    'apps/podinfo/base/podinfo.yaml': release(
      'podinfo',
      fromGit('podinfo'),
      '    replicaCount: 1\n',
    ),
    'apps/podinfo/base/vault.yaml': release(
      'vault',
      fromGit('vault'),
      `    password: ${SECRET_VALUE}\n`,
    ),
    'apps/podinfo/base/remote.yaml': release(
      'remote',
      '      chart: remote\n      version: 1.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: remote\n',
      '    a: 1\n',
    ),
    'apps/podinfo/base/repository.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: remote\n  namespace: apps\nspec:\n  interval: 1h\n  url: ${repoUrl}\n`,
    'apps/podinfo/production/kustomization.yaml':
      'resources:\n  - ../base\npatches:\n  - path: values.yaml\n',
    'apps/podinfo/production/values.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  values:\n    replicaCount: ${replicas}\n`,
  });
}

/** `Kind name` of each object `helm template` renders for podinfo with these values, in its order. */
function helmObjects(replicas: number, name = 'podinfo'): string[] {
  const out = execFileSync(
    HELM,
    ['template', name, PODINFO, '-n', 'apps', '--skip-tests', '--set', `replicaCount=${replicas}`],
    { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: os.tmpdir() } },
  );
  return kindsAndNames(out);
}

function kindsAndNames(text: string): string[] {
  return text
    .split(/^---$/m)
    .map((d) => {
      const kind = /^kind: (\S+)$/m.exec(d)?.[1];
      const name = /^metadata:\n(?: {2}.*\n)*? {2}name: (\S+)$/m.exec(d)?.[1];
      return kind ? `${kind} ${name}` : '';
    })
    .filter(Boolean);
}

/** The documents after a release's header, up to the next header. */
function section(content: string, key: string): { header: string; body: string } {
  const lines = content.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`# HelmRelease ${key} -> `));
  assert.ok(i >= 0, `no header for ${key} in:\n${content}`);
  const rest = lines.slice(i + 1);
  const j = rest.findIndex((l) => l.startsWith('# HelmRelease '));
  return { header: lines[i], body: rest.slice(0, j < 0 ? undefined : j).join('\n') };
}

/** A Helm repository on 127.0.0.1 that counts what is asked of it (nothing must be). */
async function countingServer(): Promise<{ url: string; hits: () => number; close: () => void }> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n++;
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, hits: () => n, close: () => server.close() };
}

describe('renderOverlay with releaseManifests', { skip }, () => {
  let dir: string;
  let cacheDir: string;
  let repo: Awaited<ReturnType<typeof countingServer>>;
  before(async () => {
    repo = await countingServer();
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-relman-')));
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-relman-cache-'));
    fixture(dir, 2, repo.url);
  });
  after(() => {
    repo.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  for (const trusted of [true, false]) {
    it(`shows each release's chart objects (${trusted ? 'trusted, charts.fetch never' : 'restricted mode'})`, async () => {
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(
          dir,
          { charts: { fetch: trusted ? 'never' : 'auto', cacheDir } },
          { trusted },
        );
        const overlay = path.join(dir, 'apps/podinfo/production');
        const r = await c.request<Rendered>('fluxOverlays/renderOverlay', {
          uri: uriOf(overlay),
          overlay: 'production',
          releaseManifests: true,
        });
        // the overlay's own objects first
        assert.match(r.content, /^kind: HelmRelease$/m);
        assert.ok(r.content.indexOf('kind: HelmRepository') < r.content.indexOf('# HelmRelease'));
        // podinfo: helm template's objects, in its order
        const podinfo = section(r.content, 'apps/podinfo');
        const expected = helmObjects(2);
        assert.ok(expected.length >= 2, expected.join(', '));
        assert.equal(
          podinfo.header,
          `# HelmRelease apps/podinfo -> chart podinfo 6.14.1: ${expected.length} objects`,
        );
        assert.deepEqual(kindsAndNames(podinfo.body), expected);
        assert.match(podinfo.body, /^ {2}replicas: 2$/m);
        assert.match(podinfo.body, /^# Source: podinfo\/templates\/deployment\.yaml$/m);
        // the header points at the HelmRelease
        const headerLine = r.content.split('\n').indexOf(podinfo.header);
        const o = r.origins.find((x) => x.line === headerLine);
        assert.ok(o?.location.uri.endsWith('apps/podinfo/base/podinfo.yaml'), JSON.stringify(o));
        // a Secret the chart renders is masked
        const vault = section(r.content, 'apps/vault');
        assert.equal(vault.header, '# HelmRelease apps/vault -> chart vault 0.1.0: 1 object');
        assert.deepEqual(kindsAndNames(vault.body), ['Secret vault-credentials']);
        assert.doesNotMatch(r.content, new RegExp(SECRET_VALUE));
        assert.match(vault.body, /password: .*<secret:[0-9a-f]+>/);
        // a chart not at hand is said, with why; nothing was fetched
        const remote = section(r.content, 'apps/remote');
        assert.match(
          remote.header,
          trusted
            ? /^# HelmRelease apps\/remote -> chart remote 1\.0\.0: not rendered: .*fluxOverlays\.charts\.fetch is never/
            : /^# HelmRelease apps\/remote -> chart remote 1\.0\.0: not rendered: .*restricted mode/,
        );
        assert.equal(kindsAndNames(remote.body).length, 0);
        // without the option, the overlay's objects alone
        const plain = await c.request<Rendered>('fluxOverlays/renderOverlay', {
          uri: uriOf(overlay),
          overlay: 'production',
        });
        assert.doesNotMatch(plain.content, /# HelmRelease|kind: Deployment/);
        assert.ok(r.content.startsWith(plain.content), 'the overlay part is unchanged');
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(repo.hits(), 0, 'nothing fetched');
      } finally {
        await c.shutdown();
      }
    });
  }
});

describe(
  'renderOverlay with releaseManifests: a chart of the workspace edited on disk',
  { skip },
  () => {
    it('renders afresh on the next request (no chart inside the workspace is cached)', async () => {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-relman-edit-')));
      fixture(dir, 2, 'http://127.0.0.1:9');
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(dir, { charts: { fetch: 'never', cacheDir: path.join(dir, '.cache') } });
        const ask = async () =>
          section(
            (
              await c.request<Rendered>('fluxOverlays/renderOverlay', {
                uri: uriOf(path.join(dir, 'apps/podinfo/production')),
                overlay: 'production',
                releaseManifests: true,
              })
            ).content,
            'apps/vault',
          ).body;
        assert.deepEqual(kindsAndNames(await ask()), ['Secret vault-credentials']);
        // a template is no YAML file the editor reports: nothing tells the server it changed
        const template = path.join(dir, 'charts/vault/templates/secret.yaml');
        fs.writeFileSync(
          template,
          fs.readFileSync(template, 'utf8').replace('-credentials', '-v2'),
        );
        assert.deepEqual(kindsAndNames(await ask()), ['Secret vault-v2']);
      } finally {
        await c.shutdown();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe('renderOverlay with releaseManifests on promotion sides', { skip }, () => {
  let dir: string;
  let cacheDir: string;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-relman-git-')));
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-relman-cache-'));
    git(dir, 'init', '-q', '-b', 'production');
    fixture(dir, 1, 'http://127.0.0.1:9');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'production');
    git(dir, 'checkout', '-q', '-b', 'main');
    fixture(dir, 3, 'http://127.0.0.1:9');
    git(dir, 'commit', '-q', '-am', 'three replicas');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('renders the chart on both sides from git objects', async () => {
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(dir, { charts: { fetch: 'never', cacheDir } });
      const side = async (s: 'before' | 'after') =>
        c.request<Rendered>('fluxOverlays/renderOverlay', {
          uri: uriOf(path.join(dir, 'apps/podinfo')),
          overlay: 'production',
          source: { kind: 'promotion', from: 'main', to: 'production', side: s },
          releaseManifests: true,
        });
      const [b, a] = [await side('before'), await side('after')];
      const pb = section(b.content, 'apps/podinfo');
      const pa = section(a.content, 'apps/podinfo');
      assert.deepEqual(kindsAndNames(pb.body), helmObjects(1));
      assert.deepEqual(kindsAndNames(pa.body), helmObjects(3));
      assert.match(pb.body, /^ {2}replicas: 1$/m);
      assert.match(pa.body, /^ {2}replicas: 3$/m);
    } finally {
      await c.shutdown();
    }
  });
});

describe(
  'renderOverlay with releaseManifests: a chart fetched from a Helm repository',
  { skip },
  () => {
    it('says it is being fetched, then renders it from the chart cache', async () => {
      const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-relman-fetch-')));
      const repoDir = path.join(work, 'repo');
      const home = path.join(work, 'helm');
      fs.mkdirSync(path.join(repoDir, 'charts'), { recursive: true });
      const tgz = packageChart(home, PODINFO, path.join(work, 'pkg'));
      fs.copyFileSync(tgz, path.join(repoDir, 'charts', path.basename(tgz)));
      helm(home, ['repo', 'index', repoDir]);
      const srv = await serveFolder(repoDir);
      const dir = path.join(work, 'ws');
      fs.mkdirSync(dir);
      fixture(dir, 2, srv.url);
      // the HelmRepository release asks for podinfo, which the repository serves
      write(dir, {
        'apps/podinfo/base/remote.yaml': release(
          'remote',
          '      chart: podinfo\n      version: 6.14.1\n      sourceRef:\n        kind: HelmRepository\n        name: remote\n',
          '    replicaCount: 4\n',
        ),
      });
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(dir, { charts: { fetch: 'auto', cacheDir: path.join(work, 'cache') } });
        const ask = () =>
          c.request<Rendered>('fluxOverlays/renderOverlay', {
            uri: uriOf(path.join(dir, 'apps/podinfo/production')),
            overlay: 'production',
            releaseManifests: true,
          });
        const first = await ask();
        const pending = section(first.content, 'apps/remote');
        assert.match(pending.header, /not rendered: .*a chart being fetched shows here/);
        await c.waitFor((m) => m.method === 'fluxOverlays/didChangeOverlays', 30_000);
        const r = await ask();
        const remote = section(r.content, 'apps/remote');
        const expected = helmObjects(4, 'remote');
        assert.equal(
          remote.header,
          `# HelmRelease apps/remote -> chart podinfo 6.14.1: ${expected.length} objects`,
        );
        assert.deepEqual(kindsAndNames(remote.body), expected);
        assert.match(remote.body, /^ {2}replicas: 4$/m);
      } finally {
        await c.shutdown();
        await srv.stop();
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  },
);
