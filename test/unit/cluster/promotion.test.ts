// promotion-diff --cluster: what merging main into production of an apps repository (a real git
// repository made here) changes for one cluster of a fleet that reads it; repository untouched.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitRepository, isGitError } from '../../../server/src/engine/git';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { clusterPromotionDiff } from '../../../server/src/engine/cluster/promotion';
import { PROJECT_ROOT } from '../../support/paths';
import { git, makeChartPromotionRepo, makePromotionRepo, write } from '../git/repo';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');

function fleet(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-fleet-'));
  write(dir, {
    'clusters/prod/sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {url: https://example.com/apps.git, ref: {branch: production}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: podinfo, namespace: flux-system}
spec:
  path: ./components/podinfo/production
  sourceRef: {kind: GitRepository, name: apps}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cache, namespace: flux-system}
spec:
  path: ./components/cache/production
  sourceRef: {kind: GitRepository, name: apps}
`,
  });
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

test('cluster promotion diff: the values that change on this cluster, read from git objects', () => {
  const apps = makePromotionRepo();
  const fl = fleet();
  try {
    const repo = GitRepository.open(apps);
    assert.ok(!isGitError(repo));
    const head = git(apps, 'rev-parse', 'HEAD');
    const status = git(apps, 'status', '--porcelain');
    const d = clusterPromotionDiff(repo, new DiskFileSystem(), path.join(fl, 'clusters/prod'), {
      from: 'main',
      to: 'production',
      sources: [{ key: 'https://example.com/apps', path: repo.dir }],
    });
    assert.ok(!isGitError(d), JSON.stringify(d));
    assert.deepEqual(
      d.problems.filter((p) => p.severity === 'error'),
      [],
    );
    const values = d.changes.filter((c) => c.kind === 'values');
    assert.deepEqual(
      values.map((c) => `${c.status} ${c.what}`),
      ['changed HelmRelease apps/podinfo'],
    );
    assert.match(values[0].diff, /^-replicaCount: 2$/m);
    assert.match(values[0].diff, /^\+replicaCount: 3$/m);
    assert.ok(d.changes.some((c) => c.kind === 'object' && c.what === 'HelmRelease apps/podinfo'));
    assert.ok(!d.changes.some((c) => c.what.includes('cache')), 'cache does not change');
    assert.equal(git(apps, 'rev-parse', 'HEAD'), head);
    assert.equal(git(apps, 'status', '--porcelain'), status);

    const cli = spawnSync(
      process.execPath,
      [
        BIN,
        'promotion-diff',
        '--cluster',
        path.join(fl, 'clusters/prod'),
        '--repo',
        apps,
        '--source',
        `https://example.com/apps=${apps}`,
        // Tests reach 127.0.0.1 only: the fleet's chart repository is an address of nowhere.
        '--offline',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /changed +values of HelmRelease apps\/podinfo/);
  } finally {
    fs.rmSync(apps, { recursive: true, force: true });
    fs.rmSync(fl, { recursive: true, force: true });
  }
});

// Named after its GitRepository (keos-apps), or not (repo): the chart path is a folder of the
// GitRepository as the cluster maps it (here --source), whatever the repository's folder is named.
for (const folder of ['keos-apps', 'repo'])
  test(`cluster promotion diff: a chart folder of the repository changed by the merge shows in the objects its release installs (repository in ${folder}/)`, () => {
    const { dir, cleanup } = makeChartPromotionRepo(folder);
    try {
      const repo = GitRepository.open(dir);
      assert.ok(!isGitError(repo));
      const d = clusterPromotionDiff(
        repo,
        new DiskFileSystem(),
        path.join(dir, 'clusters/production'),
        {
          from: 'main',
          to: 'production',
          sources: [{ key: 'https://git.keos.example.org/platform/keos-apps', path: repo.dir }],
        },
      );
      assert.ok(!isGitError(d), JSON.stringify(d));
      assert.deepEqual(
        d.changes.map((c) => `${c.status} ${c.kind} ${c.what}`),
        ['changed object HelmRelease keos-discovery/discovery: Deployment /discovery'],
      );
      assert.match(d.changes[0].diff, /^\+ {4}tier: catalog$/m);
    } finally {
      cleanup();
    }
  });
