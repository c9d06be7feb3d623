// The editor's cluster questions (fluxOverlays/listClusters, fluxOverlays/clusterValues): which
// cluster entry folders the workspace holds, and the effective values a HelmRelease gets on one
// cluster, with the origin of every line across the workspace's repositories. Sources are found
// among the workspace folders by repository name (an open d1-apps folder serves
// https://github.com/org/d1-apps); `sources` adds explicit mappings.

import * as path from 'path';
import { FileSystem } from '../engine/fs';
import {
  ApplierReport,
  ClusterOptions,
  ClusterResult,
  SourceMapping,
  describeApplier,
  evaluateCluster,
} from '../engine/cluster/cluster';
import { Origin, YNode, equal, getPath } from '../engine/yaml/node';
import { describeWhere, shortValue } from './context';
import { PathSeg } from './yamlText';
import { PlainRendered, renderWithOrigins } from './overlays';
import { Problem } from '../engine/problem';

export interface PlainCluster {
  name: string;
  dir: string;
}

function yamlFiles(fs: FileSystem, dir: string, depth: number, out: string[] = []): string[] {
  if (depth < 0) return out;
  for (const n of fs.readDir(dir)) {
    if (n.startsWith('.')) continue;
    const p = path.posix.join(dir, n);
    const t = fs.stat(p);
    if (t === 'file' && /\.ya?ml$/.test(n)) out.push(p);
    else if (t === 'dir') yamlFiles(fs, p, depth - 1, out);
  }
  return out;
}

/** Whether some YAML file below `dir` names it as a Flux sync path (gotk-sync, FluxInstance). */
function namesItself(fs: FileSystem, root: string, dir: string): boolean {
  const rel = path.posix.relative(root, dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*path:\\s*["']?(\\./)?${rel}/?["']?\\s*$`, 'm');
  return yamlFiles(fs, dir, 2).some((f) => re.test(fs.readFile(f) ?? ''));
}

/** Cluster entry folders: `clusters/<name>` (or the sub-folder of it that names itself as the sync path). */
export function discoverClusters(fs: FileSystem, roots: readonly string[]): PlainCluster[] {
  const out: PlainCluster[] = [];
  for (const root of roots) {
    const base = path.posix.join(root, 'clusters');
    if (fs.stat(base) !== 'dir') continue;
    for (const name of fs.readDir(base).sort()) {
      const dir = path.posix.join(base, name);
      if (name.startsWith('.') || name.startsWith('_') || fs.stat(dir) !== 'dir') continue;
      const sub = fs
        .readDir(dir)
        .sort()
        .map((n) => path.posix.join(dir, n))
        .find((d) => fs.stat(d) === 'dir' && namesItself(fs, root, d));
      const entry = namesItself(fs, root, dir) ? dir : (sub ?? dir);
      if (yamlFiles(fs, entry, 3).length)
        out.push({ name: path.posix.relative(root, entry), dir: entry });
    }
  }
  return out;
}

export interface PlainClusterRelease {
  namespace: string;
  name: string;
  chain: string[];
  /** Where the HelmRelease is written (its `kind:` line), in whichever repository. */
  origin?: Origin;
}

export interface PlainApplier {
  /** `Kustomization flux-system/apps`, as in a release's chain. */
  name: string;
  /** The applier that applied this one (its chain's last), absent for the root. */
  parent?: string;
  status: ApplierReport['status'];
  objects: number;
  /** The folder it builds, when its source is available. */
  dir?: string;
  origin?: Origin;
}

export interface ClusterValues extends PlainRendered {
  releases: PlainClusterRelease[];
  appliers: PlainApplier[];
}

/** The values `release` (`ns/name` or `name`; the first when absent) gets on the cluster of `entry`. */
export function clusterValues(
  fs: FileSystem,
  entry: string,
  root: string,
  workspaceFolders: readonly string[],
  release?: string,
  sources: SourceMapping[] = [],
  options: ClusterOptions = {},
): ClusterValues {
  const r = evaluateCluster(fs, entry, {
    ...options,
    sources,
    workspaceFolders: [...workspaceFolders],
  });
  const pick =
    release === undefined
      ? r.releases[0]
      : r.releases.find((x) => `${x.namespace}/${x.name}` === release || x.name === release);
  // Only the shown release's problems: those met on the way to it (its chain or a part of it),
  // not another release's chart or another Kustomization's build.
  const way = pick?.chain.map(describeApplier);
  const onTheWay = (chain?: string[]) =>
    !way || !chain?.length || (chain.length <= way.length && chain.every((c, i) => c === way[i]));
  const problems: Problem[] = r.problems
    .filter((p) => p.severity !== 'info' && onTheWay(p.chain))
    // A release's problems name it (`release`); another release under the same Kustomization is not this one.
    .filter(
      (p) => !pick || p.release === undefined || p.release === `${pick.namespace}/${pick.name}`,
    )
    .map((p) => ({
      severity: p.severity,
      code: p.code,
      message: p.chain?.length ? `${p.message} (applied via ${p.chain.join(' > ')})` : p.message,
      ...(p.span ? { span: p.span } : {}),
    }));
  const releases = r.releases.map((x): PlainClusterRelease => ({
    namespace: x.namespace,
    name: x.name,
    chain: x.chain.map(describeApplier),
    ...(x.release.origin ? { origin: x.release.origin } : {}),
  }));
  const appliers = r.appliers.map((a): PlainApplier => ({
    name: describeApplier(a.ref),
    ...(a.chain.length ? { parent: describeApplier(a.chain[a.chain.length - 1]) } : {}),
    status: a.status,
    objects: a.objectCount,
    ...(a.dir ? { dir: a.dir } : {}),
    ...(a.ref.origin ? { origin: a.ref.origin } : {}),
  }));
  if (!pick) {
    if (release !== undefined)
      problems.push({
        severity: 'error',
        code: 'no-release',
        message: `the cluster ${path.posix.relative(root, entry)} gets no HelmRelease ${release}`,
      });
    return { content: '', origins: [], problems, releases, appliers };
  }
  const rendered = renderWithOrigins([pick.values], root, false);
  return { ...rendered, problems, releases, appliers, release: `${pick.namespace}/${pick.name}` };
}

export interface EvaluatedCluster extends PlainCluster {
  result: ClusterResult;
}

/**
 * For a values key of a component, its value on every cluster that gets the component's release
 * (the HelmRelease written in the component's folder; `names` narrows to the releases the file
 * feeds): a Markdown table that names the clusters where it differs, or undefined when no cluster
 * gets it.
 */
export function clusterValuesMarkdown(
  clusters: readonly EvaluatedCluster[],
  componentDir: string,
  names: ReadonlySet<string>,
  valuesPath: PathSeg[],
  root: string,
): string | undefined {
  const rows: { cluster: string; release: string; node: YNode | undefined }[] = [];
  for (const c of clusters) {
    const ours = c.result.releases.filter((r) =>
      r.release.origin?.file.startsWith(componentDir + '/'),
    );
    const named = ours.filter((r) => names.has(r.name));
    for (const r of named.length ? named : ours)
      rows.push({
        cluster: c.name,
        release: `${r.namespace ? r.namespace + '/' : ''}${r.name}`,
        node: getPath(r.values, valuesPath),
      });
  }
  if (rows.length === 0) return undefined;
  const same = (a: YNode | undefined, b: YNode | undefined) =>
    a === undefined || b === undefined ? a === b : equal(a, b);
  const distinct: (YNode | undefined)[] = [];
  for (const r of rows) if (!distinct.some((d) => same(d, r.node))) distinct.push(r.node);
  const several = new Set(rows.map((r) => r.release)).size > 1;
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const table = rows.map(
    (r) =>
      `| ${cell(several ? `${r.cluster} (${r.release})` : r.cluster)} | ${r.node ? `\`${cell(shortValue(r.node))}\`` : '—'} | ${cell(!r.node ? 'not set' : describeWhere(r.node.origin, root))} |`,
  );
  const key = `**${valuesPath.join('.')}**`;
  const title =
    distinct.length > 1
      ? `${key} differs between clusters: ${rows.map((r) => `${r.cluster} \`${r.node ? shortValue(r.node) : 'not set'}\``).join(', ')}`
      : `${key} is the same on every cluster that gets it (${[...new Set(rows.map((r) => r.cluster))].join(', ')})`;
  return `${title}\n\n| cluster | value | from |\n|---|---|---|\n${table.join('\n')}`;
}
