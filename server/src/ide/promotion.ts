// The `promotion` source of the custom requests and fluxOverlays/promotionDiff, over the git
// engine: `before` is branch `to` as committed, `after` the tree of merging `from` into `to`
// (git merge-tree, object store only). Both are read through GitTreeFileSystem: no checkout, no
// change to the work tree, the index or any ref. Sides are cached per (from, to) commit pair.

import * as path from 'path';
import { FileSystem } from '../engine/fs';
import { GitRepository, GitTreeFileSystem, isGitError, promotionDiff } from '../engine/git';
import { ParseCache } from '../engine/kustomize/loader';
import { BuildResult, buildKustomization } from '../engine/kustomize/build';
import { YNode, toJS } from '../engine/yaml/node';
import { Variables, loadProfile } from '../engine/substitute/postBuild';
import { EffectiveValuesOptions } from '../engine/values/effective';
import {
  Component,
  OverlayRun,
  componentOf,
  discoverComponents,
  runOverlay,
} from '../engine/workspace';
import { PlainRendered, collapseSops, renderWithOrigins, withChartObjects } from './overlays';
import { ChartObjectsOptions, chartObjects } from './chartObjects';
import { Problem } from '../engine/problem';

export interface PromotionSource {
  from: string;
  to: string;
  side: 'before' | 'after';
}

export interface PlainPromotionChange {
  component: string;
  dir: string;
  overlay: string;
  release?: string;
  changed: ('values' | 'manifests')[];
  /** 'added': the component or overlay is new on the merge; 'removed': it is gone there. */
  status?: 'added' | 'removed';
}

const STATUS: Record<string, 'added' | 'removed' | undefined> = {
  added: 'added',
  'overlay-added': 'added',
  deleted: 'removed',
  'overlay-deleted': 'removed',
};

interface Sides {
  key: string;
  before: { fs: GitTreeFileSystem; components: Component[] };
  after: { fs: GitTreeFileSystem; components: Component[] };
  conflicts: string[];
}

/** The git repository holding `file` (which may exist only on a branch: its nearest existing folder is asked). */
export function openRepository(disk: FileSystem, file: string): GitRepository | { error: string } {
  let d = file;
  while (disk.stat(d) !== 'dir' && path.posix.dirname(d) !== d) d = path.posix.dirname(d);
  return GitRepository.open(d);
}

export class PromotionSides {
  private cache = new Map<string, Sides>();
  readonly parseCache = new ParseCache();
  private trees = new Map<string, GitTreeFileSystem>();
  /** Whether an overlay differs from a target commit, for the workspace build it was computed on. */
  readonly differs = new Map<string, { build: BuildResult; differs: boolean }>();
  /** Build output on a target commit, by `commit \0 overlay folder`, as comparable text. */
  private targetBuilds = new Map<string, string | null>();

  /** A read-only view of one commit's tree, cached by commit. */
  tree(
    repo: GitRepository,
    ref: string,
  ): { commit: string; fs: GitTreeFileSystem } | { error: string } {
    const commit = repo.resolveRef(ref);
    if (isGitError(commit)) return commit;
    let t = this.trees.get(commit);
    if (!t) {
      const opened = GitTreeFileSystem.open(repo, commit);
      if (isGitError(opened)) return opened;
      if (this.trees.size >= 4) this.trees.delete(this.trees.keys().next().value as string);
      this.trees.set(commit, opened);
      t = opened;
    }
    return { commit, fs: t };
  }

  /** What `dir` renders to on the commit (null when it does not build there), cached. */
  targetBuild(commit: string, fs: GitTreeFileSystem, dir: string): string | null {
    const key = `${commit}\0${dir}`;
    if (!this.targetBuilds.has(key)) {
      const r =
        fs.stat(dir) === 'dir'
          ? buildKustomization(fs, dir, { cache: this.parseCache })
          : undefined;
      const failed = !r || r.problems.some((p) => p.severity === 'error');
      this.targetBuilds.set(key, failed ? null : comparable(r!.objects.map((o) => o.node)));
    }
    return this.targetBuilds.get(key)!;
  }

  /** Both sides of promoting `from` into `to`, or an error (unknown branch, not a repository, git too old). */
  sides(repo: GitRepository, from: string, to: string): Sides | { error: string } {
    const fromCommit = repo.resolveRef(from);
    if (isGitError(fromCommit)) return fromCommit;
    const toCommit = repo.resolveRef(to);
    if (isGitError(toCommit)) return toCommit;
    const key = `${repo.dir}\0${fromCommit}\0${toCommit}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const merged = repo.mergeTree(fromCommit, toCommit);
    if (isGitError(merged)) return merged;
    const before = GitTreeFileSystem.open(repo, toCommit);
    if (isGitError(before)) return before;
    const after = GitTreeFileSystem.open(repo, merged.tree);
    if (isGitError(after)) return after;
    const s: Sides = {
      key,
      before: { fs: before, components: discoverComponents(before, repo.dir) },
      after: { fs: after, components: discoverComponents(after, repo.dir) },
      conflicts: merged.conflicts,
    };
    if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, s);
    return s;
  }
}

function comparable(nodes: YNode[]): string {
  return JSON.stringify(nodes.map(toJS));
}

/**
 * For the Flux Components tree: which overlays render differently in the workspace than on the
 * promotion target branch (an overlay missing there differs). Work stops after `budgetMs`; the
 * overlays not reached are left out (unknown) and come in on a later call, since both sides are
 * cached. Nothing when the folder is not in a git repository or the branch does not exist.
 */
export function overlaysDifferingFromTarget(
  sides: PromotionSides,
  disk: FileSystem,
  root: string,
  target: string,
  overlays: { dir: string; workspace: () => BuildResult }[],
  budgetMs = 150,
): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const repo = openRepository(disk, root);
  if (isGitError(repo)) return out;
  const t = sides.tree(repo, target);
  if (isGitError(t)) return out;
  const start = Date.now();
  for (const o of overlays) {
    // The workspace build object stays the same until an edit invalidates it: answers for
    // untouched overlays come from the cache, so a tree refresh after each keystroke is cheap.
    const ours = o.workspace();
    const key = `${t.commit}\0${o.dir}`;
    const known = sides.differs.get(key);
    if (known && known.build === ours) {
      out.set(o.dir, known.differs);
      continue;
    }
    if (Date.now() - start > budgetMs) continue;
    const theirs = sides.targetBuild(t.commit, t.fs, o.dir);
    const failed = ours.problems.some((p) => p.severity === 'error');
    const differs =
      theirs === null || failed
        ? theirs !== null || !failed
        : theirs !== comparable(ours.objects.map((x) => x.node));
    if (sides.differs.size > 20_000) sides.differs.clear();
    sides.differs.set(key, { build: ours, differs });
    out.set(o.dir, differs);
  }
  return out;
}

export interface PromotionEvalOptions {
  /** Workspace file system (for a cluster profile outside the repository). */
  workspaceFs: FileSystem;
  values: EffectiveValuesOptions;
  clusterProfile?: string;
  root: string;
}

/** One side of a promotion; `release`: keep only that release's values problems. */
function evaluate(
  sides: PromotionSides,
  file: string,
  overlay: string,
  source: PromotionSource,
  options: PromotionEvalOptions,
  problems: Problem[],
  release?: string,
  /** Set to the side's file system (a git tree). */
  out?: { fs?: FileSystem },
): OverlayRun | undefined {
  const repo = openRepository(options.workspaceFs, file);
  if (isGitError(repo)) {
    problems.push({ severity: 'error', code: 'git', message: repo.error, step: 'git' });
    return undefined;
  }
  const s = sides.sides(repo, source.from, source.to);
  if (isGitError(s)) {
    problems.push({ severity: 'error', code: 'git', message: s.error, step: 'git' });
    return undefined;
  }
  const side = s[source.side];
  const label = source.side === 'before' ? source.to : `${source.to} after merging ${source.from}`;
  if (source.side === 'after' && s.conflicts.length)
    problems.push({
      severity: 'warning',
      code: 'git-conflict',
      message: `merging ${source.from} into ${source.to} conflicts in ${s.conflicts.join(', ')} (those files carry conflict markers)`,
      step: 'git',
    });
  const c = componentOf(side.components, file);
  const o = c?.overlays.find((x) => x.name === overlay);
  if (!c || !o) {
    // A component (or overlay) the promotion adds has no `before` side, one it removes no
    // `after` side: that is the change itself, not an error.
    const rel = path.posix.relative(repo.dir, file) || '.';
    const other = s[source.side === 'before' ? 'after' : 'before'];
    const oc = componentOf(other.components, file);
    const elsewhere = oc?.overlays.some((x) => x.name === overlay);
    if (elsewhere)
      problems.push({
        severity: 'info',
        code: 'promotion-added-removed',
        message:
          source.side === 'before'
            ? `new with this promotion: ${rel} has no overlay '${overlay}' on ${source.to} yet`
            : `removed by this promotion: ${rel} has no overlay '${overlay}' after merging ${source.from}`,
        step: 'git',
      });
    else
      problems.push({
        severity: 'error',
        code: 'no-overlay',
        message: `${rel} has no overlay '${overlay}' on ${label}`,
        step: 'git',
      });
    return undefined;
  }
  let variables: Variables | undefined;
  if (options.clusterProfile) {
    const pfs = side.fs.stat(options.clusterProfile) === 'file' ? side.fs : options.workspaceFs;
    const prof = loadProfile(pfs, options.clusterProfile);
    for (const p of prof.problems)
      problems.push({
        severity: p.severity === 'error' ? 'error' : 'warning',
        code: p.code,
        message: p.message,
        step: 'substitute',
      });
    variables = prof.variables;
  }
  if (out) out.fs = side.fs;
  // Configured charts and the chart caches are outside the tree: read from the workspace's file
  // system, as the promotion-diff CLI does.
  const r = runOverlay(side.fs, o.dir, {
    ...options.values,
    chartFs: options.values.chartFs ?? options.workspaceFs,
    cache: sides.parseCache,
    variables,
  });
  // No side label in the messages: the diff editor's title says which side is which, and the
  // same problem on both sides must read the same (no header hunk before the real changes).
  for (const p of r.problems) {
    if (
      release !== undefined &&
      p.release !== undefined &&
      p.release.slice(p.release.indexOf('/') + 1) !== release
    )
      continue;
    problems.push(p);
  }
  return r;
}

export function promotionEffectiveValues(
  sides: PromotionSides,
  file: string,
  overlay: string,
  source: PromotionSource,
  options: PromotionEvalOptions,
  release?: string,
): PlainRendered {
  const problems: Problem[] = [];
  const r = evaluate(sides, file, overlay, source, options, problems, release);
  if (!r) return { content: '', origins: [], problems };
  const chosen = release ? r.releases.find((x) => x.name === release) : r.releases[0];
  if (!release && chosen) {
    for (let i = problems.length - 1; i >= 0; i--)
      if (
        problems[i].release !== undefined &&
        !chosen.problems.some((p) => p.message === problems[i].message)
      )
        problems.splice(i, 1);
  }
  if (!chosen)
    return {
      content: '',
      origins: [],
      problems: [
        ...problems,
        {
          severity: 'info',
          code: 'no-release',
          step: 'values',
          message: `overlay '${overlay}' renders ${release ? `no HelmRelease '${release}'` : 'no HelmRelease'} on this side`,
        },
      ],
    };
  return {
    ...renderWithOrigins([chosen.values], options.root, false),
    problems,
    release: chosen.name,
  };
}

export function promotionRenderOverlay(
  sides: PromotionSides,
  file: string,
  overlay: string,
  source: PromotionSource,
  options: PromotionEvalOptions,
  /** Also each HelmRelease's chart objects, rendered from the side's tree. */
  withCharts?: Omit<ChartObjectsOptions, keyof EffectiveValuesOptions>,
): PlainRendered {
  const problems: Problem[] = [];
  const side: { fs?: FileSystem } = {};
  const r = evaluate(sides, file, overlay, source, options, problems, undefined, side);
  if (!r) return { content: '', origins: [], problems };
  const shown = renderWithOrigins(
    r.objects.map((o) => collapseSops(o.node)),
    options.root,
    true,
  );
  if (!withCharts || !side.fs) return { ...shown, problems };
  // A chart outside the tree (fetched into the chart cache, a configured folder) is read from
  // the workspace's file system.
  const charts = chartObjects(side.fs, r, {
    ...options.values,
    chartFs: options.values.chartFs ?? options.workspaceFs,
    ...withCharts,
  });
  return { ...withChartObjects(shown, charts), problems: [...problems, ...charts.problems] };
}

/**
 * fluxOverlays/promotionDiff: one change per (overlay, release) whose values changed, one per
 * overlay whose manifests alone changed; every overlay that differs unless `overlay` names one.
 */
export function promotionChanges(
  sides: PromotionSides,
  repoDir: string,
  disk: FileSystem,
  from: string,
  to: string,
  overlay: string | undefined,
  options: EffectiveValuesOptions & { variables?: Variables; preferredOverlay?: string },
): { changes: PlainPromotionChange[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const repo = openRepository(disk, repoDir);
  if (isGitError(repo))
    return {
      changes: [],
      problems: [{ severity: 'error', code: 'git', message: repo.error, step: 'git' }],
    };
  const d = promotionDiff(repo, { ...options, from, to, overlay, cache: sides.parseCache });
  if (isGitError(d))
    return {
      changes: [],
      problems: [{ severity: 'error', code: 'git', message: d.error, step: 'git' }],
    };
  if (d.conflicts.length)
    problems.push({
      severity: 'warning',
      code: 'git-conflict',
      message: `merging ${from} into ${to} conflicts in ${d.conflicts.join(', ')} (those files carry conflict markers)`,
      step: 'git',
    });
  const changes: PlainPromotionChange[] = [];
  for (const c of d.changes) {
    for (const p of c.problems) problems.push({ ...p, message: `${c.component}: ${p.message}` });
    const dir = path.posix.join(repo.dir, c.component);
    if (c.changed.length === 0) {
      if (c.previousName)
        problems.push({
          severity: 'info',
          code: 'promotion-renamed',
          message: `${c.previousName} is renamed to ${c.component}; ${overlay ? `its ${overlay} overlay renders` : 'its overlays render'} the same`,
          step: 'git',
        });
      continue;
    }
    const releases = c.changed.includes('values') ? c.releases : [];
    const status = STATUS[c.status];
    for (const r of releases)
      changes.push({
        component: c.component,
        dir,
        overlay: c.overlay,
        release: r.slice(r.indexOf('/') + 1),
        changed: c.changed,
        ...(status ? { status } : {}),
      });
    if (releases.length === 0)
      changes.push({
        component: c.component,
        dir,
        overlay: c.overlay,
        changed: c.changed,
        ...(status ? { status } : {}),
      });
  }
  return { changes, problems };
}
