// Benchmark (not a test): effective values of every HelmRelease of every corpus folder in one
// process, and the promotion diff (main -> production) of a git repository made from the d1-apps
// corpus copy in a temp folder; each against spawning the reference `kubectl kustomize` per
// overlay (which gives only the rendered objects, not the values).
// Run: node out/bench/values.js.

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DiskFileSystem } from '../server/src/engine/fs';
import { GitRepository, isGitError, promotionDiff } from '../server/src/engine/git';
import { ParseCache } from '../server/src/engine/kustomize/loader';
import { discoverComponents, runOverlay } from '../server/src/engine/workspace';
import { CORPUS, HELM, KUBECTL, PROJECT_ROOT, kustomizationDirs } from '../test/support/paths';
import { toJS } from '../server/src/engine/yaml/node';
import { median } from './stats';

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-C', dir, ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@example.invalid',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@example.invalid',
    },
  });
}

function allValues(dirs: string[], cache: ParseCache): { releases: number; errors: number } {
  const disk = new DiskFileSystem();
  let releases = 0;
  let errors = 0;
  for (const d of dirs) {
    const r = runOverlay(disk, d, { cache });
    releases += r.releases.length;
    if (r.failed) errors++;
  }
  return { releases, errors };
}

function main(): void {
  if (!fs.existsSync(CORPUS) || !fs.existsSync(KUBECTL)) {
    console.log(
      'bench/values: corpus or reference kubectl missing; run scripts/install-reference-tools.sh',
    );
    return;
  }
  const dirs = kustomizationDirs(CORPUS);

  // 1. Values of every release of every folder, one process, cold and warm parse cache.
  const cache = new ParseCache();
  let t0 = performance.now();
  const counts = allValues(dirs, cache);
  const cold = performance.now() - t0;
  const warm = median(
    [0, 1, 2, 3, 4].map(() => {
      const t = performance.now();
      allValues(dirs, cache);
      return performance.now() - t;
    }),
  );
  const withReleases = dirs.filter(
    (d) => runOverlay(new DiskFileSystem(), d, { cache }).releases.length > 0,
  );
  t0 = performance.now();
  for (const d of withReleases) spawnSync(KUBECTL, ['kustomize', d], { encoding: 'utf8' });
  const kubectl = performance.now() - t0;
  // The reference pipeline also runs helm once per release to get its values: charts are not
  // available offline, so helm renders the dump-values fixture chart with the release's values
  // as a -f file (the process cost a CI script pays per release).
  let helmMs = 0;
  if (fs.existsSync(HELM)) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-helm-'));
    const chart = path.join(PROJECT_ROOT, 'test', 'fixtures', 'charts', 'dump-values');
    const releaseValues: string[] = [];
    for (const d of withReleases)
      for (const r of runOverlay(new DiskFileSystem(), d, { cache }).releases)
        releaseValues.push(JSON.stringify(toJS(r.values)));
    t0 = performance.now();
    releaseValues.forEach((v, i) => {
      const f = path.join(tmp, `v${i}.yaml`);
      fs.writeFileSync(f, v);
      spawnSync(HELM, ['template', `r${i}`, chart, '-f', f], {
        encoding: 'utf8',
        env: { ...process.env, HELM_CACHE_HOME: tmp, HELM_CONFIG_HOME: tmp, HELM_DATA_HOME: tmp },
      });
    });
    helmMs = performance.now() - t0;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const reference = kubectl + helmMs;
  console.log(
    `values: ${counts.releases} releases in ${dirs.length} folders (${counts.errors} folders fail to build)`,
  );
  console.log(`  ours, one process: cold ${cold.toFixed(0)} ms, warm ${warm.toFixed(0)} ms`);
  console.log(
    `  kubectl kustomize per folder with releases (${withReleases.length} folders): ${kubectl.toFixed(0)} ms; helm template per release: ${helmMs.toFixed(0)} ms`,
  );
  console.log(
    `  ratio kubectl+helm / ours: ${(reference / cold).toFixed(1)}x cold, ${(reference / warm).toFixed(1)}x warm`,
  );

  // 2. Promotion diff of a git repository made from the d1-apps copy.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-bench-'));
  try {
    const repoDir = path.join(tmp, 'd1-apps');
    fs.cpSync(path.join(CORPUS, 'controlplaneio-fluxcd__d1-apps'), repoDir, { recursive: true });
    git(repoDir, 'init', '-q', '-b', 'production');
    git(repoDir, 'add', '-A');
    git(repoDir, 'commit', '-q', '-m', 'corpus copy');
    git(repoDir, 'checkout', '-q', '-b', 'main');
    const comps = discoverComponents(new DiskFileSystem(), repoDir);
    const prodOverlays = comps.flatMap((c) => c.overlays.filter((o) => o.name === 'production'));
    // main: every production values patch file gains a value.
    for (const o of prodOverlays) {
      for (const f of fs.readdirSync(o.dir).filter((n) => n.endsWith('-values.yaml'))) {
        const file = path.join(o.dir, f);
        fs.writeFileSync(
          file,
          fs
            .readFileSync(file, 'utf8')
            .replace(/^ {2}values:\n/m, '  values:\n    benchPromoted: true\n'),
        );
      }
    }
    git(repoDir, 'commit', '-q', '-am', 'promote');
    const before = path.join(tmp, 'before');
    fs.cpSync(repoDir, before, { recursive: true });
    git(before, 'checkout', '-q', 'production');

    const repo = GitRepository.open(repoDir);
    if (isGitError(repo)) throw new Error(repo.error);
    const runs: number[] = [];
    let changed = 0;
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      const d = promotionDiff(repo, { from: 'main', to: 'production' });
      runs.push(performance.now() - t0);
      if (isGitError(d)) throw new Error(d.error);
      changed = d.changes.length;
    }
    t0 = performance.now();
    for (const o of prodOverlays) {
      spawnSync(KUBECTL, ['kustomize', path.join(before, path.relative(repoDir, o.dir))], {
        encoding: 'utf8',
      });
      spawnSync(KUBECTL, ['kustomize', o.dir], { encoding: 'utf8' });
    }
    const ref = performance.now() - t0;
    console.log(
      `promotion-diff d1-apps (${comps.length} components, ${changed} changed): first ${runs[0].toFixed(0)} ms, median ${median(runs).toFixed(0)} ms (git ls-tree/cat-file/merge-tree included)`,
    );
    console.log(
      `  kubectl kustomize on both sides of ${prodOverlays.length} production overlays (no git, no values): ${ref.toFixed(0)} ms`,
    );
    console.log(
      `  ratio kubectl / ours: ${(ref / runs[0]).toFixed(1)}x first run, ${(ref / median(runs)).toFixed(1)}x median`,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
