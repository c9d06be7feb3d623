// Promotion diff for one cluster: what merging `from` into `to` of one repository (an apps
// repository the cluster reads, or the fleet itself) changes in what that cluster gets. The
// repository's folder is read from git objects on both sides (`to`'s tree before, the tree
// `git merge-tree` writes after; no checkout), everything else from `fs`.

import * as path from 'path';
import { EntryType, FileSystem } from '../fs';
import { GitRepository, GitResult, isGitError } from '../git/repository';
import { GitTreeFileSystem } from '../git/treeFs';
import { unifiedDiff } from '../workspace/lineDiff';
import { emitYaml } from '../yaml/emit';
import { get, getString } from '../yaml/node';
import { ClusterOptions, evaluateCluster } from './cluster';
import { ClusterProblem, ClusterResult } from './types';
import { Chart } from '../render/chart';
import { releaseManifestTexts, renderReleaseManifests } from '../workspace/releaseManifests';

/** `fs` with the folders of `mounts` replaced by other file systems. */
export class MountedFileSystem implements FileSystem {
  constructor(
    private readonly base: FileSystem,
    private readonly mounts: readonly { root: string; fs: FileSystem }[],
  ) {}
  private pick(p: string): FileSystem {
    const n = path.posix.normalize(p);
    for (const m of this.mounts)
      if (n === m.root || n.startsWith(m.root.endsWith('/') ? m.root : m.root + '/')) return m.fs;
    return this.base;
  }
  readFile(p: string): string | undefined {
    return this.pick(p).readFile(p);
  }
  stat(p: string): EntryType | undefined {
    return this.pick(p).stat(p);
  }
  readDir(p: string): string[] {
    return this.pick(p).readDir(p);
  }
  readBytes(p: string): Buffer | undefined {
    const f = this.pick(p);
    return f.readBytes ? f.readBytes(p) : undefined;
  }
}

export interface ClusterChange {
  /** `HelmRelease ns/name` (values) or `Kind ns/name` (objects). */
  what: string;
  kind: 'values' | 'object';
  status: 'changed' | 'added' | 'removed';
  diff: string;
}

export interface ClusterPromotionDiff {
  from: string;
  to: string;
  fromCommit: string;
  toCommit: string;
  conflicts: string[];
  changes: ClusterChange[];
  /** Problems of the cluster after the merge. */
  problems: ClusterProblem[];
}

function label(n: { node: import('../yaml/node').YMap }): string {
  const meta = get(n.node, 'metadata');
  const ns = getString(meta, 'namespace');
  return `${getString(n.node, 'kind')} ${ns ? ns + '/' : ''}${getString(meta, 'name')}`;
}

function diffMaps(
  before: Map<string, string>,
  after: Map<string, string>,
  kind: ClusterChange['kind'],
  out: ClusterChange[],
): void {
  for (const [what, a] of after) {
    const b = before.get(what);
    if (b === undefined)
      out.push({
        what,
        kind,
        status: 'added',
        diff: unifiedDiff('', a, `${what} (before)`, `${what} (after)`),
      });
    else if (a !== b)
      out.push({
        what,
        kind,
        status: 'changed',
        diff: unifiedDiff(b, a, `${what} (before)`, `${what} (after)`),
      });
  }
  for (const [what, b] of before)
    if (!after.has(what))
      out.push({
        what,
        kind,
        status: 'removed',
        diff: unifiedDiff(b, '', `${what} (before)`, `${what} (after)`),
      });
}

export function clusterPromotionDiff(
  repo: GitRepository,
  fs: FileSystem,
  entry: string,
  options: ClusterOptions & { from: string; to: string },
): GitResult<ClusterPromotionDiff> {
  const fromCommit = repo.resolveRef(options.from);
  if (isGitError(fromCommit)) return fromCommit;
  const toCommit = repo.resolveRef(options.to);
  if (isGitError(toCommit)) return toCommit;
  const merged = repo.mergeTree(options.from, options.to);
  if (isGitError(merged)) return merged;
  const root = repo.dir.split(path.sep).join('/');
  const sides: GitResult<{ tree: GitTreeFileSystem; fs: FileSystem; result: ClusterResult }>[] = [
    options.to,
    merged.tree,
  ].map((treeish) => {
    const tree = GitTreeFileSystem.open(repo, treeish, root);
    if (isGitError(tree)) return tree;
    const mounted = new MountedFileSystem(fs, [{ root, fs: tree }]);
    return { tree, fs: mounted, result: evaluateCluster(mounted, entry, options) };
  });
  const [b, a] = sides;
  if (isGitError(b)) return b;
  if (isGitError(a)) return a;
  const before = b.result;
  const after = a.result;
  const changes: ClusterChange[] = [];
  const values = (r: typeof before) =>
    new Map(
      r.releases.map((x) => [
        `HelmRelease ${x.namespace ? x.namespace + '/' : ''}${x.name}`,
        emitYaml(x.values),
      ]),
    );
  const objects = (r: typeof before) => new Map(r.objects.map((o) => [label(o), emitYaml(o.node)]));
  diffMaps(values(before), values(after), 'values', changes);
  diffMaps(objects(before), objects(after), 'object', changes);
  // A release whose chart is a folder of this repository that the merge changes installs other
  // objects though its values and its HelmRelease stay: its chart is rendered on both sides.
  const key = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;
  const sourceBefore = new Map(before.releases.map((r) => [key(r), r.chart.source]));
  const changed = new Set<string>();
  for (const r of after.releases) {
    const sa = r.chart.source;
    const sb = sourceBefore.get(key(r));
    if (sa === undefined || sb === undefined) continue;
    const ia = a.tree.contentId(sa);
    const ib = b.tree.contentId(sb);
    if (ia !== undefined && ib !== undefined && ia !== ib) changed.add(key(r));
  }
  if (changed.size) {
    const chartCache = new WeakMap<FileSystem, Map<string, Chart>>();
    const rendered = (side: typeof a) =>
      releaseManifestTexts(
        renderReleaseManifests(
          side.fs,
          {
            dir: entry,
            objects: side.result.objects,
            references: [],
            problems: [],
            failed: false,
            filesRead: [],
            releases: side.result.releases.filter((r) => changed.has(key(r))),
          },
          { ...options.values, chartCache },
        ),
        options.showSecrets,
      );
    diffMaps(rendered(b), rendered(a), 'object', changes);
  }
  return {
    from: options.from,
    to: options.to,
    fromCommit,
    toCommit,
    conflicts: merged.conflicts,
    changes,
    problems: after.problems,
  };
}
