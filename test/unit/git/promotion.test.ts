// The git file system, merge-tree and the promotion diff on a real repository made here,
// checking the report and that the working tree, index, HEAD and refs are untouched.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GitRepository,
  GitTreeFileSystem,
  isGitError,
  promotionDiff,
  refNameProblem,
} from '../../../server/src/engine/git';
import { PROJECT_ROOT } from '../../support/paths';
import { KEOS_PROMOTION, layoutsMissing, makeKeosAppsRepo } from '../../support/layouts';
import { git, makePromotionRepo, snapshot, write } from './repo';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');

test('ref names that could be options or ranges are refused', () => {
  for (const bad of ['-n', '--output=/tmp/x', 'main..production', 'a\nb', 'a b', '', 'x\u0001'])
    assert.ok(refNameProblem(bad), JSON.stringify(bad));
  for (const ok of ['main', 'production', 'release/1.2', 'v1.0.0', 'a1b2c3d'])
    assert.equal(refNameProblem(ok), undefined, ok);
});

test('git tree file system reads a branch without checking it out', () => {
  const dir = makePromotionRepo();
  const repo = GitRepository.open(dir);
  assert.ok(!isGitError(repo));
  const tfs = GitTreeFileSystem.open(repo, 'production');
  assert.ok(!isGitError(tfs));
  const root = repo.dir;
  assert.equal(tfs.stat(path.join(root, 'components/redis/base')), 'dir'); // renamed on main only
  assert.equal(tfs.stat(path.join(root, 'components/redis-cache')), undefined);
  assert.equal(tfs.readFile(path.join(root, 'README.md')), 'apps\n'); // committed text, not the edited file
  assert.equal(tfs.readFile(path.join(root, 'notes.txt')), undefined);
  assert.deepEqual(tfs.readDir(path.join(root, 'components')), [
    'cache',
    'legacy',
    'podinfo',
    'redis',
  ]);
  assert.deepEqual(tfs.readDir(root), ['README.md', 'components']);
  assert.match(
    tfs.readFile(path.join(root, 'components/podinfo/production/values.yaml'))!,
    /replicaCount: 2/,
  );
  assert.ok(isGitError(repo.resolveRef('nope')));
  assert.ok(isGitError(repo.resolveRef('--all')));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('promotion diff: changed, renamed, added components and a deleted overlay; repository untouched', () => {
  const dir = makePromotionRepo();
  const before = snapshot(dir);
  const repo = GitRepository.open(dir);
  assert.ok(!isGitError(repo));
  const d = promotionDiff(repo, { from: 'main', to: 'production' });
  assert.ok(!isGitError(d), isGitError(d) ? d.error : '');
  assert.deepEqual(d.conflicts, []);
  assert.deepEqual(
    d.changes.map((c) => [c.component, c.previousName, c.status, c.changed]),
    [
      ['components/legacy', undefined, 'overlay-deleted', ['values', 'manifests']],
      ['components/newapp', undefined, 'added', ['values', 'manifests']],
      ['components/podinfo', undefined, 'modified', ['values', 'manifests']],
      ['components/redis-cache', 'components/redis', 'renamed', []],
    ],
  );
  assert.deepEqual(d.unchanged, ['components/cache']);
  const podinfo = d.changes.find((c) => c.component === 'components/podinfo')!;
  assert.deepEqual(podinfo.releases, ['apps/podinfo']);
  assert.match(podinfo.valuesDiff, /^-replicaCount: 2$/m);
  assert.match(podinfo.valuesDiff, /^\+replicaCount: 3$/m);
  assert.match(podinfo.valuesDiff, /^- {2}tag: "1.0"$/m);
  assert.match(podinfo.valuesDiff, /^\+ {2}tag: "1.1"$/m);
  const legacy = d.changes.find((c) => c.component === 'components/legacy')!;
  assert.match(legacy.valuesDiff, /^\+\+\+ \/dev\/null$/m);
  assert.equal(snapshot(dir), before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('promotion diff CLI: markdown, json, text; unknown branch exits 2; repository untouched', () => {
  const dir = makePromotionRepo();
  const before = snapshot(dir);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'promotion-diff', '--repo', dir, ...args], {
      encoding: 'utf8',
    });
  const md = run('--format', 'markdown');
  assert.equal(md.status, 0, md.stderr);
  assert.match(md.stdout, /^### Promotion `main` → `production`/);
  assert.match(
    md.stdout,
    /\| `components\/redis -> components\/redis-cache` \| production \| renamed \|/,
  );
  assert.match(md.stdout, /\| `components\/legacy` \| production \| overlay deleted/);
  assert.match(
    md.stdout,
    /```diff\n--- production apps\/podinfo\n\+\+\+ production\+main apps\/podinfo\n/,
  );
  assert.equal(md.stderr, ''); // no progress when stderr is not a terminal
  const json = JSON.parse(run('--format', 'json').stdout);
  assert.deepEqual(
    json.changes.map((c: { component: string }) => c.component),
    ['components/legacy', 'components/newapp', 'components/podinfo', 'components/redis-cache'],
  );
  assert.equal(json.toCommit, git(dir, 'rev-parse', 'production').trim());
  const text = run();
  assert.equal(text.status, 0);
  assert.match(text.stdout, /renamed\s+components\/redis -> components\/redis-cache/);
  const bad = run('--from', 'does-not-exist');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no branch, tag or commit named 'does-not-exist'/);
  assert.equal(bad.stdout, '');
  const opt = run('--to', '--output=/tmp/x');
  assert.equal(opt.status, 2);
  assert.match(opt.stderr, /starts with '-'/);
  assert.equal(snapshot(dir), before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('merge conflicts are reported with the conflicting files', () => {
  const dir = makePromotionRepo();
  git(dir, 'stash', '-q', '-u'); // only to get a clean tree for the commit below
  git(dir, 'checkout', '-q', 'production');
  write(dir, { 'components/podinfo/production/values.yaml': 'conflicting: true\n' });
  git(dir, 'commit', '-q', '-am', 'hotfix on production');
  const before = snapshot(dir);
  const repo = GitRepository.open(dir);
  assert.ok(!isGitError(repo));
  const d = promotionDiff(repo, {});
  assert.ok(!isGitError(d));
  assert.deepEqual(d.conflicts, ['components/podinfo/production/values.yaml']);
  const podinfo = d.changes.find((c) => c.component === 'components/podinfo')!;
  assert.ok(
    podinfo.problems.some(
      (p) =>
        p.span?.file?.endsWith('components/podinfo/production/values.yaml') &&
        p.span?.line !== undefined,
    ),
    JSON.stringify(podinfo.problems),
  );
  assert.equal(snapshot(dir), before);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a bare repository works: promotion diff reads git objects only', () => {
  const dir = makePromotionRepo();
  const bare = `${dir}.git`;
  git(dir, 'clone', '-q', '--bare', dir, bare);
  try {
    const repo = GitRepository.open(bare);
    assert.ok(!isGitError(repo), JSON.stringify(repo));
    const d = promotionDiff(repo, {});
    assert.ok(!isGitError(d), JSON.stringify(d));
    assert.deepEqual(
      d.changes.map((c) => c.component),
      ['components/legacy', 'components/newapp', 'components/podinfo', 'components/redis-cache'],
    );
    assert.deepEqual(d.failing, []);
    const r = spawnSync(
      process.execPath,
      [BIN, 'promotion-diff', '--repo', bare, '--format', 'json'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      JSON.parse(r.stdout)
        .changes.find((c: { component: string }) => c.component === 'components/podinfo')
        .changed.includes('values'),
    );
    // The inside of a work tree's .git folder is neither: a clear error.
    const inside = GitRepository.open(path.join(dir, '.git'));
    assert.ok(isGitError(inside));
    assert.match(inside.error, /not in a git work tree nor a bare repository/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(bare, { recursive: true, force: true });
  }
});

test('promotion-diff exits 2, after the report, when the merge conflicts and the merged overlay fails to build', () => {
  const dir = makePromotionRepo();
  try {
    git(dir, 'stash', '-q', '-u');
    git(dir, 'checkout', '-q', 'production');
    write(dir, { 'components/podinfo/production/values.yaml': 'conflicting: true\n' });
    git(dir, 'commit', '-q', '-am', 'hotfix on production');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'promotion-diff', '--repo', dir, ...args], {
        encoding: 'utf8',
      });
    const text = run();
    assert.equal(text.status, 2, text.stdout + text.stderr);
    assert.match(text.stdout, /fails to build after the merge: components\/podinfo/);
    assert.match(
      text.stderr,
      /the production overlay of components\/podinfo fails to build \(the merge conflicts\)/,
    );
    assert.match(text.stderr, /components\/podinfo\/production\/values\.yaml:\d+/);
    const json = run('--format', 'json');
    assert.equal(json.status, 2);
    assert.deepEqual(JSON.parse(json.stdout).failing, ['components/podinfo']);
    assert.match(
      run('--format', 'markdown').stdout,
      /\*\*Fails to build after the merge:\*\* `components\/podinfo`/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('keos-apps (overlays base and S, no production): the promotion reports S and the new component as added; CLI too', (t) => {
  const missing = layoutsMissing();
  if (missing) return t.skip(missing);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-keos-promo-'));
  try {
    const dir = makeKeosAppsRepo(path.join(tmp, 'keos-apps'));
    const before = snapshot(dir);
    const repo = GitRepository.open(dir);
    assert.ok(!isGitError(repo));
    const d = promotionDiff(repo, { from: 'main', to: 'production' });
    assert.ok(!isGitError(d), isGitError(d) ? d.error : '');
    assert.equal(d.overlay, undefined);
    assert.deepEqual(
      d.changes.map((c) => [c.component, c.overlay, c.status, c.changed]),
      [
        [KEOS_PROMOTION.changed, 'S', 'modified', ['values', 'manifests']],
        [KEOS_PROMOTION.added, 'S', 'added', ['values', 'manifests']],
      ],
    );
    assert.match(d.changes[0].valuesDiff, /^-\s+replicas: 1$/m);
    assert.match(d.changes[0].valuesDiff, /^\+\s+replicas: 2$/m);
    assert.ok(d.unchanged.includes('components/discovery'));
    // Asking for one overlay name the components do not have reports nothing, as before.
    const only = promotionDiff(repo, { from: 'main', to: 'production', overlay: 'production' });
    assert.ok(!isGitError(only));
    assert.deepEqual(only.changes, []);
    const cli = spawnSync(process.execPath, [BIN, 'promotion-diff', '--repo', dir], {
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /every overlay that differs/);
    assert.match(
      cli.stdout,
      /^\s+changed\s+components\/connectors-management \[S\] \(values, manifests\)$/m,
    );
    assert.match(
      cli.stdout,
      /^\s+added\s+components\/connectors-next \[S\] \(values, manifests\)$/m,
    );
    assert.doesNotMatch(cli.stdout + cli.stderr, /has no overlay|no component changes/);
    const md = spawnSync(
      process.execPath,
      [BIN, 'promotion-diff', '--repo', dir, '--format', 'markdown'],
      { encoding: 'utf8' },
    );
    assert.match(
      md.stdout,
      /\| `components\/connectors-next` \| S \| added \(values, manifests\) \|/,
    );
    assert.equal(snapshot(dir), before);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a component only the target branch has reads as deleted, in every overlay it had', () => {
  const dir = makePromotionRepo();
  // no new component on main that git could take for a rename of cache
  git(dir, 'rm', '-q', '-r', 'components/cache', 'components/newapp');
  git(dir, 'mv', 'components/redis-cache', 'components/redis');
  git(dir, 'commit', '-q', '-m', 'cache removed');
  const repo = GitRepository.open(dir);
  assert.ok(!isGitError(repo));
  const d = promotionDiff(repo, { from: 'main', to: 'production' });
  assert.ok(!isGitError(d));
  assert.deepEqual(
    d.changes.filter((c) => c.component === 'components/cache').map((c) => [c.overlay, c.status]),
    [
      ['production', 'deleted'],
      ['staging', 'deleted'],
    ],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
