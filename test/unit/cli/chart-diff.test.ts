// `diff`, `promotion-diff`, `cluster` and `promotion-diff --cluster` include chart defaults as `values` does: charts fetched from a
// real HTTP Helm repository (`helm repo index` of charts packaged by the reference helm, served
// on 127.0.0.1), `--offline` honoured (the cache only: an empty cache gives no defaults and says
// so; a warm one gives them without the network). The chart `demo` exists in two versions whose
// defaults differ (color blue in 1.0.0, green in 2.0.0); the overlays differ only in the version.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HELM, PROJECT_ROOT } from '../../support/paths';
import { helm, serveFolder } from '../../support/registry';
import { git, write } from '../git/repo';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
const skip = fs.existsSync(HELM)
  ? false
  : `reference helm not found at ${HELM} (scripts/install-reference-tools.sh)`;

/** The CLI without blocking this process (the HTTP repository answers from here). */
function cli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const release = (version: string, replicas: number) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: demo
  namespace: apps
spec:
  url: \${REPO}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: demo
  namespace: apps
spec:
  chart:
    spec:
      chart: demo
      version: "${version}"
      sourceRef:
        kind: HelmRepository
        name: demo
  values:
    replicas: ${replicas}
`;
const kustomization =
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n';

test(
  'diff and promotion-diff include chart defaults; --offline uses the cache only',
  { skip },
  async (t) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-diff-'));
    const home = path.join(work, 'helm');
    const repoDir = path.join(work, 'httprepo');
    fs.mkdirSync(repoDir);
    for (const [version, color] of [
      ['1.0.0', 'blue'],
      ['2.0.0', 'green'],
    ]) {
      const chart = path.join(work, 'src', version, 'demo');
      write(chart, {
        'Chart.yaml': `apiVersion: v2\nname: demo\nversion: ${version}\n`,
        'values.yaml': `color: ${color}\nreplicas: 1\n`,
        'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n',
      });
      helm(home, ['package', chart, '-d', repoDir]);
    }
    helm(home, ['repo', 'index', repoDir]);
    const srv = await serveFolder(repoDir);
    const withUrl = (text: string) => text.replace('${REPO}', srv.url);
    const env = (cache: string) => ({
      ...process.env,
      FLUX_OVERLAYS_CHART_CACHE: path.join(work, cache),
      HOME: work,
      DOCKER_CONFIG: path.join(work, 'docker'),
      HELM_REGISTRY_CONFIG: path.join(work, 'none.json'),
    });
    try {
      const ws = path.join(work, 'ws');
      write(ws, {
        'components/demo/staging/kustomization.yaml': kustomization,
        'components/demo/staging/release.yaml': withUrl(release('2.0.0', 2)),
        'components/demo/production/kustomization.yaml': kustomization,
        'components/demo/production/release.yaml': withUrl(release('1.0.0', 2)),
      });

      await t.test('diff: the defaults that differ between the chart versions', async () => {
        const r = await cli(
          ['diff', 'components/demo/staging', 'components/demo/production'],
          ws,
          env('cache-diff'),
        );
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /^-color: green$/m);
        assert.match(r.stdout, /^\+color: blue$/m);
        assert.doesNotMatch(r.stdout, /^[-+]replicas/m, 'replicas are equal on both sides');
        // the cache now holds both versions: --offline gives the same answer
        const off = await cli(
          ['diff', '--offline', 'components/demo/staging', 'components/demo/production'],
          ws,
          env('cache-diff'),
        );
        assert.equal(off.stdout, r.stdout);
      });
      await t.test(
        'diff --offline with an empty cache: no defaults, and it says which charts it could not read',
        async () => {
          const r = await cli(
            ['diff', '--offline', 'components/demo/staging', 'components/demo/production'],
            ws,
            env('cache-empty'),
          );
          assert.equal(r.status, 0, 'without the charts the release values are equal');
          assert.equal(r.stdout, '');
          assert.match(r.stderr, /chart demo 2\.0\.0 is not available offline/);
          assert.match(r.stderr, /chart demo 1\.0\.0 is not available offline/);
          assert.ok(!fs.existsSync(path.join(work, 'cache-empty', 'blobs')), 'nothing fetched');
        },
      );

      // promotion: main moves production's overlay from 1.0.0 to 2.0.0
      const repo = path.join(work, 'repo');
      fs.mkdirSync(repo);
      git(repo, 'init', '-q', '-b', 'production');
      write(repo, {
        'components/demo/base/kustomization.yaml': kustomization,
        'components/demo/base/release.yaml': withUrl(release('1.0.0', 2)),
        'components/demo/production/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n',
      });
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'production');
      git(repo, 'checkout', '-qb', 'main');
      write(repo, { 'components/demo/base/release.yaml': withUrl(release('2.0.0', 2)) });
      git(repo, 'commit', '-qam', 'bump demo');
      git(repo, 'checkout', '-q', 'production');

      await t.test(
        'promotion-diff: the values diff shows the chart default that changes',
        async () => {
          const r = await cli(['promotion-diff', '--repo', repo], work, env('cache-promo'));
          assert.equal(r.status, 0, r.stderr);
          assert.match(r.stdout, /changed\s+components\/demo \[production\]/);
          assert.match(r.stdout, /--- values\n[^]*^-color: blue$\n^\+color: green$/m);
          const off = await cli(
            ['promotion-diff', '--repo', repo, '--offline'],
            work,
            env('cache-promo'),
          );
          assert.equal(off.stdout, r.stdout, 'offline with the warm cache: the same report');
        },
      );
      await t.test(
        'promotion-diff --offline with an empty cache: no default in the values diff, said on stderr',
        async () => {
          const r = await cli(
            ['promotion-diff', '--repo', repo, '--offline'],
            work,
            env('cache-promo-empty'),
          );
          assert.equal(r.status, 0, r.stderr);
          assert.doesNotMatch(r.stdout, /color/);
          assert.match(r.stderr, /info: chart demo 1\.0\.0 from \S+: .*fetching is off/);
          assert.match(r.stderr, /info: chart demo 2\.0\.0 from \S+: .*fetching is off/);
        },
      );

      // the same promotion seen from one cluster of a fleet: clusters/prod applies the release
      const fleet = path.join(work, 'fleet');
      fs.mkdirSync(fleet);
      git(fleet, 'init', '-q', '-b', 'production');
      write(fleet, {
        'clusters/prod/kustomization.yaml': kustomization,
        'clusters/prod/release.yaml': withUrl(release('1.0.0', 2)),
      });
      git(fleet, 'add', '.');
      git(fleet, 'commit', '-qm', 'production');
      git(fleet, 'checkout', '-qb', 'main');
      write(fleet, { 'clusters/prod/release.yaml': withUrl(release('2.0.0', 2)) });
      git(fleet, 'commit', '-qam', 'bump demo');
      git(fleet, 'checkout', '-q', 'production');
      const clusterArgs = ['promotion-diff', '--cluster', 'clusters/prod', '--repo', '.'];

      await t.test(
        'promotion-diff --cluster: the values diff shows the chart default that changes',
        async () => {
          const r = await cli(clusterArgs, fleet, env('cache-cluster'));
          assert.equal(r.status, 0, r.stderr);
          assert.match(r.stdout, /^ {2}changed {2}values of HelmRelease apps\/demo$/m);
          assert.match(r.stdout, /^-color: blue$\n^\+color: green$/m);
          const off = await cli([...clusterArgs, '--offline'], fleet, env('cache-cluster'));
          assert.equal(off.stdout, r.stdout, 'offline with the warm cache: the same report');
        },
      );
      await t.test(
        'promotion-diff --cluster --offline with an empty cache: no defaults, said on stderr',
        async () => {
          const r = await cli([...clusterArgs, '--offline'], fleet, env('cache-cluster-empty'));
          assert.equal(r.status, 0, r.stderr);
          assert.doesNotMatch(r.stdout, /color/);
          assert.doesNotMatch(r.stdout, /values of HelmRelease/, 'the user values are equal');
          assert.match(r.stderr, /info: chart demo 1\.0\.0 from \S+: .*fetching is off/);
          assert.match(r.stderr, /info: chart demo 2\.0\.0 from \S+: .*fetching is off/);
          assert.ok(
            !fs.existsSync(path.join(work, 'cache-cluster-empty', 'blobs')),
            'nothing fetched',
          );
        },
      );
      await t.test(
        'cluster: the release values include the fetched chart defaults; --offline the cache only',
        async () => {
          // an empty cache and --offline: nothing fetched, no defaults, said once on stderr
          const cold = await cli(
            ['cluster', 'clusters/prod', '--offline'],
            fleet,
            env('cache-cluster-cmd'),
          );
          assert.equal(cold.status, 0, cold.stderr);
          assert.match(cold.stdout, /^## HelmRelease apps\/demo /m);
          assert.match(cold.stdout, /^replicas: 2$/m);
          assert.doesNotMatch(cold.stdout, /color/);
          assert.match(
            cold.stderr,
            /^info: clusters\/prod\/release\.yaml:16:5: .*chart demo 1\.0\.0 is not available offline: demo 1\.0\.0 from http:\/\/127\.0\.0\.1:\d+: .*fetching is off/m,
          );
          assert.ok(
            !fs.existsSync(path.join(work, 'cache-cluster-cmd', 'blobs')),
            'nothing fetched',
          );
          // fetched from the HTTP repository: demo 1.0.0's default color, the release's replicas
          const r = await cli(['cluster', 'clusters/prod'], fleet, env('cache-cluster-cmd'));
          assert.equal(r.status, 0, r.stderr);
          assert.match(r.stdout, /^## HelmRelease apps\/demo [^\n]*\ncolor: blue\nreplicas: 2\n/m);
          assert.doesNotMatch(r.stderr, /chart demo/);
          const json = await cli(
            ['cluster', 'clusters/prod', '--json'],
            fleet,
            env('cache-cluster-cmd'),
          );
          const rel = JSON.parse(json.stdout).releases[0];
          assert.deepEqual(rel.chart, { name: 'demo', version: '1.0.0', found: true });
          assert.deepEqual(rel.values, { color: 'blue', replicas: 2 });
          // the cache is warm now: --offline gives the same values without the network
          const off = await cli(
            ['cluster', 'clusters/prod', '--offline'],
            fleet,
            env('cache-cluster-cmd'),
          );
          assert.equal(off.stdout, r.stdout);
        },
      );
    } finally {
      await srv.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
