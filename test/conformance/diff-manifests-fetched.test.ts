// `flux-overlays diff --manifests` and `promotion-diff --manifests` on releases whose chart is
// fetched from an HTTP Helm repository (../shared/charts/podinfo packaged by the reference helm,
// served on 127.0.0.1): the chart objects are rendered from the archive in the chart cache (a
// fetched chart's source is its label, not a folder), so the Deployment's replicas differ.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHARTS, HELM, PROJECT_ROOT } from '../support/paths';
import { helm, packageChart, serveFolder } from '../support/registry';
import { git, write } from '../unit/git/repo';

const CLI = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
const skip = !fs.existsSync(path.join(CHARTS, 'podinfo'))
  ? 'charts absent'
  : !fs.existsSync(HELM)
    ? 'helm absent (scripts/install-reference-tools.sh)'
    : false;

/** The CLI in a child process, asynchronously: the repository is served by this process. */
function cli(args: string[], env: Record<string, string>, cwd?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      { encoding: 'utf8', env: { ...process.env, ...env }, cwd, maxBuffer: 64 << 20 },
      (e, stdout, stderr) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 2) : 0, stdout, stderr }),
    ),
  );
}

const overlay = (url: string, replicas: number) => ({
  'kustomization.yaml': 'resources:\n  - release.yaml\n',
  'release.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: repo\n  namespace: apps\nspec:\n  url: ${url}\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      version: 6.14.1\n      sourceRef:\n        kind: HelmRepository\n        name: repo\n  values:\n    replicaCount: ${replicas}\n`,
});

const prefixed = (prefix: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${prefix}/${k}`, v]));

test(
  'diff --manifests and promotion-diff --manifests render fetched charts',
  { skip },
  async () => {
    const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'diff-fetched-')));
    const repoDir = path.join(work, 'helmrepo');
    fs.mkdirSync(path.join(repoDir, 'charts'), { recursive: true });
    const tgz = packageChart(
      path.join(work, 'helm'),
      path.join(CHARTS, 'podinfo'),
      path.join(work, 'pkg'),
    );
    fs.copyFileSync(tgz, path.join(repoDir, 'charts', path.basename(tgz)));
    helm(path.join(work, 'helm'), ['repo', 'index', repoDir]);
    const srv = await serveFolder(repoDir);
    const env = { FLUX_OVERLAYS_CHART_CACHE: path.join(work, 'cache') };
    try {
      write(work, {
        ...prefixed('a', overlay(srv.url, 1)),
        ...prefixed('b', overlay(srv.url, 3)),
      });
      const d = await cli(['diff', '--manifests', path.join(work, 'a'), path.join(work, 'b')], env);
      assert.equal(d.code, 1, d.stderr);
      assert.doesNotMatch(d.stdout, /render errors/);
      assert.match(d.stdout, /^\+\+\+ .* HelmRelease apps\/app: Deployment apps\/app-podinfo$/m);
      assert.match(d.stdout, /^- {2}replicas: 1$/m);
      assert.match(d.stdout, /^\+ {2}replicas: 3$/m);

      // the same as a promotion: production has 1 replica, main 3
      const repo = path.join(work, 'git');
      fs.mkdirSync(repo);
      git(repo, 'init', '-q', '-b', 'production');
      write(repo, {
        ...prefixed('apps/app/base', overlay(srv.url, 1)),
        'apps/app/production/kustomization.yaml': 'resources:\n  - ../base\n',
      });
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'production');
      git(repo, 'checkout', '-q', '-b', 'main');
      write(repo, prefixed('apps/app/base', overlay(srv.url, 3)));
      git(repo, 'commit', '-q', '-am', 'three replicas');
      const p = await cli(['promotion-diff', '--repo', repo, '--manifests'], env);
      assert.doesNotMatch(p.stdout, /render errors/, p.stdout);
      assert.match(
        p.stdout,
        /HelmRelease apps\/app: Deployment apps\/app-podinfo/,
        p.stdout + p.stderr,
      );
      assert.match(p.stdout, /^- {2}replicas: 1$/m);
      assert.match(p.stdout, /^\+ {2}replicas: 3$/m);
    } finally {
      await srv.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
