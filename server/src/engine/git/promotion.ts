// The promotion diff: for every component, its overlays rendered on branch `to` as it is, versus
// the tree after merging `from` into `to`, both read from git objects. A promotion changes every
// overlay built from the target branch, so by default every overlay that differs is reported
// (the preferred one, `production`, first; `base` only when the component has no other overlay,
// since the others are built from it); `overlay` limits the report to one overlay name.
// Components are paired by folder; git's rename detection pairs a renamed component's folders.

import * as path from 'path';
import { ParseCache } from '../kustomize/loader';
import { Problem } from '../problem';
import { EffectiveValuesOptions } from '../values/effective';
import { FileSystem } from '../fs';
import { Chart } from '../render/chart';
import {
  Component,
  OverlayOptions,
  OverlayRun,
  diffPairs,
  discoverComponents,
  manifestTexts,
  runOverlay,
  pairTexts,
  releaseManifestTexts,
  releaseTexts,
  renderReleaseManifests,
} from '../workspace';
import { GitRepository, GitResult, isGitError } from './repository';
import { GitTreeFileSystem } from './treeFs';

export type ChangeStatus =
  'modified' | 'added' | 'deleted' | 'renamed' | 'overlay-added' | 'overlay-deleted';

export interface ComponentChange {
  /** Component name (folder relative to the repository) after the merge; before it for deletions. */
  component: string;
  /** The name on `to` when the component was renamed. */
  previousName?: string;
  status: ChangeStatus;
  overlay: string;
  /** `ns/name` of the releases whose values changed (added and removed ones included). */
  releases: string[];
  changed: ('values' | 'manifests')[];
  /** Unified diffs, '' when none. */
  valuesDiff: string;
  manifestsDiff: string;
  /** Build/values errors on either side (the side is in `message`). */
  problems: Problem[];
}

export interface PromotionDiff {
  from: string;
  to: string;
  fromCommit: string;
  toCommit: string;
  mergedTree: string;
  /** The one overlay compared, when `overlay` was given. */
  overlay?: string;
  conflicts: string[];
  changes: ComponentChange[];
  /** Components whose overlay renders the same on both sides. */
  unchanged: string[];
  /** Components whose overlay fails to build or evaluate after the merge (the promotion would break them). */
  failing: string[];
}

export interface PromotionOptions extends OverlayOptions, EffectiveValuesOptions {
  from?: string;
  to?: string;
  /** Only this overlay of each component; absent: every overlay that differs. */
  overlay?: string;
  /** Listed first within a component when `overlay` is absent (default `production`). */
  preferredOverlay?: string;
  showSecrets?: boolean;
  /**
   * Also render each HelmRelease's chart (post-rendered as helm-controller does) and diff those
   * objects: what the cluster really gets before and after the merge.
   */
  manifests?: boolean;
  /** With `manifests`: the packaged chart behind a fetched chart's source (ChartService.archive). */
  chartArchive?: (source: string) => Uint8Array | undefined;
  /** Called before each component is evaluated (progress display). */
  onProgress?: (done: number, total: number, component: string) => void;
}

interface Side {
  fs: GitTreeFileSystem;
  components: Map<string, Component>;
}

function side(repo: GitRepository, treeish: string): GitResult<Side> {
  const fs = GitTreeFileSystem.open(repo, treeish);
  if (isGitError(fs)) return fs;
  return { fs, components: new Map(discoverComponents(fs, repo.dir).map((c) => [c.name, c])) };
}

/** Computes the promotion diff of `from` into `to` in `repo`. Never throws; git failures come back as `{ error }`. */
export function promotionDiff(
  repo: GitRepository,
  options: PromotionOptions = {},
): GitResult<PromotionDiff> {
  const from = options.from ?? 'main';
  const to = options.to ?? 'production';
  const fromCommit = repo.resolveRef(from);
  if (isGitError(fromCommit)) return fromCommit;
  const toCommit = repo.resolveRef(to);
  if (isGitError(toCommit)) return toCommit;
  const merged = repo.mergeTree(from, to);
  if (isGitError(merged)) return merged;
  const before = side(repo, toCommit);
  if (isGitError(before)) return before;
  const after = side(repo, merged.tree);
  if (isGitError(after)) return after;

  // Components that moved: most of the files of a component on `to` renamed into one on the merge.
  const renames = repo.renames(toCommit, merged.tree);
  const renamedTo = new Map<string, string>();
  const candidates: { from: string; to: string; votes: number }[] = [];
  for (const [name, c] of before.components) {
    if (after.components.has(name)) continue;
    const votes = new Map<string, number>();
    for (const [oldPath, newPath] of renames) {
      if (!oldPath.startsWith(relDir(repo, c.dir) + '/')) continue;
      for (const [n2, c2] of after.components)
        if (!before.components.has(n2) && newPath.startsWith(relDir(repo, c2.dir) + '/'))
          votes.set(n2, (votes.get(n2) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0];
    if (best) candidates.push({ from: name, to: best[0], votes: best[1] });
  }
  // Two removed components can vote for the same new one (git pairs similar files): the one
  // with the most renamed files is the rename, the other is a deletion.
  for (const c of candidates.sort((a, b) => b.votes - a.votes))
    if (![...renamedTo.values()].includes(c.to)) renamedTo.set(c.from, c.to);
  const renamedFrom = new Map([...renamedTo].map(([a, b]) => [b, a]));

  const cache = options.cache ?? new ParseCache();
  // Both sides are trees of this repository: its GitRepository chart paths are found in it.
  const evalOpts = { ...options, cache, sourceRoots: options.sourceRoots ?? [repo.dir] };
  const chartCache = new WeakMap<FileSystem, Map<string, Chart>>();
  const names = [...new Set([...before.components.keys(), ...after.components.keys()])]
    .filter((n) => !renamedTo.has(n))
    .sort();
  const changes: ComponentChange[] = [];
  const unchanged: string[] = [];
  const failing: string[] = [];
  names.forEach((name, i) => {
    options.onProgress?.(i, names.length, name);
    const prevName = renamedFrom.get(name) ?? name;
    const b = before.components.get(prevName);
    const a = after.components.get(name);
    const overlayNames =
      options.overlay !== undefined
        ? [options.overlay]
        : overlaysToCompare(b, a, options.preferredOverlay ?? 'production');
    const found: ComponentChange[] = [];
    for (const overlay of overlayNames) {
      const bo = b?.overlays.find((o) => o.name === overlay);
      const ao = a?.overlays.find((o) => o.name === overlay);
      if (!bo && !ao) continue;
      const rb = bo ? runOverlay(before.fs, bo.dir, evalOpts) : undefined;
      const ra = ao ? runOverlay(after.fs, ao.dir, evalOpts) : undefined;
      let status: ChangeStatus | undefined;
      if (!b) status = 'added';
      else if (!a) status = 'deleted';
      else if (prevName !== name) status = 'renamed';
      else if (bo && !ao) status = 'overlay-deleted';
      else if (!bo && ao) status = 'overlay-added';
      // Without `manifests`, the releases whose chart is a folder of the repository (a
      // GitRepository chart path) that the merge changes are rendered all the same: a template
      // edit changes what they install and nothing else.
      const rendered = options.manifests ? undefined : chartsChanged(before.fs, rb, after.fs, ra);
      const charts = (sideFs: FileSystem, r: OverlayRun | undefined) =>
        r && (options.manifests || rendered?.size)
          ? releaseManifestTexts(
              renderReleaseManifests(
                sideFs,
                options.manifests
                  ? r
                  : { ...r, releases: r.releases.filter((x) => rendered!.has(releaseKey(x))) },
                { ...evalOpts, chartCache },
              ),
              options.showSecrets,
            )
          : new Map<string, string>();
      const change = compare(
        name,
        status,
        overlay,
        rb,
        ra,
        options.showSecrets ?? false,
        `${to}`,
        `${to}+${from}`,
        charts(before.fs, rb),
        charts(after.fs, ra),
      );
      if (prevName !== name) change.previousName = prevName;
      if (ra?.problems.some((p) => p.severity === 'error') && !failing.includes(name))
        failing.push(name);
      found.push(change);
    }
    const differing = found.filter(
      (c) =>
        c.changed.length > 0 ||
        c.problems.length > 0 ||
        (c.status !== 'modified' && c.status !== 'renamed'),
    );
    if (differing.length > 0) changes.push(...differing);
    else if (found[0]?.status === 'renamed') changes.push(found[0]);
    else if (found.length > 0) unchanged.push(name);
  });
  options.onProgress?.(names.length, names.length, '');
  return {
    from,
    to,
    fromCommit,
    toCommit,
    mergedTree: merged.tree,
    ...(options.overlay !== undefined ? { overlay: options.overlay } : {}),
    conflicts: merged.conflicts,
    changes,
    unchanged,
    failing,
  };
}

function releaseKey(r: { namespace: string; name: string }): string {
  return `${r.namespace}/${r.name}`;
}

/**
 * The releases (`ns/name`) found on both sides whose chart is a folder (or packaged chart) of
 * the repository with other contents after the merge than before it.
 */
function chartsChanged(
  beforeFs: GitTreeFileSystem,
  before: OverlayRun | undefined,
  afterFs: GitTreeFileSystem,
  after: OverlayRun | undefined,
): Set<string> {
  const out = new Set<string>();
  if (!before || !after) return out;
  const sources = new Map(before.releases.map((r) => [releaseKey(r), r.chart.source]));
  for (const r of after.releases) {
    const a = r.chart.source;
    const b = sources.get(releaseKey(r));
    if (a === undefined || b === undefined) continue;
    const ai = afterFs.contentId(a);
    const bi = beforeFs.contentId(b);
    if (ai !== undefined && bi !== undefined && ai !== bi) out.add(releaseKey(r));
  }
  return out;
}

/** The overlay names to compare: the preferred one first, then the others; `base` only when alone. */
function overlaysToCompare(
  b: Component | undefined,
  a: Component | undefined,
  preferred: string,
): string[] {
  const all = [...new Set([...(a?.overlays ?? []), ...(b?.overlays ?? [])].map((o) => o.name))];
  const deployed = all.filter((n) => n !== 'base');
  const names = deployed.length > 0 ? deployed : all;
  return names.sort((x, y) => (x === preferred ? -1 : y === preferred ? 1 : 0));
}

function relDir(repo: GitRepository, dir: string): string {
  return path.posix.relative(repo.dir, dir);
}

function compare(
  name: string,
  status: ChangeStatus | undefined,
  overlay: string,
  before: OverlayRun | undefined,
  after: OverlayRun | undefined,
  showSecrets: boolean,
  aLabel: string,
  bLabel: string,
  chartsBefore: Map<string, string>,
  chartsAfter: Map<string, string>,
): ComponentChange {
  const problems: Problem[] = [];
  for (const [label, r] of [
    [aLabel, before],
    [bLabel, after],
  ] as const) {
    if (r)
      for (const p of r.problems)
        if (p.severity === 'error') problems.push({ ...p, message: `${label}: ${p.message}` });
  }
  const empty = new Map<string, string>();
  const vPairs = pairTexts(
    before ? releaseTexts(before, showSecrets) : empty,
    after ? releaseTexts(after, showSecrets) : empty,
  );
  const mPairs = pairTexts(
    new Map([...(before ? manifestTexts(before, showSecrets) : empty), ...chartsBefore]),
    new Map([...(after ? manifestTexts(after, showSecrets) : empty), ...chartsAfter]),
  );
  const valuesDiff = diffPairs(vPairs, aLabel, bLabel);
  const manifestsDiff = diffPairs(mPairs, aLabel, bLabel);
  const changed: ComponentChange['changed'] = [];
  if (valuesDiff) changed.push('values');
  if (manifestsDiff) changed.push('manifests');
  return {
    component: name,
    status: status ?? 'modified',
    overlay,
    releases: vPairs.filter((p) => p.a !== p.b).map((p) => p.key),
    changed,
    valuesDiff,
    manifestsDiff,
    problems,
  };
}
