// The editor's cluster questions (fluxOverlays/listClusters, fluxOverlays/clusterValues): which
// cluster entry folders the workspace holds, and the effective values a HelmRelease gets on one
// cluster, with the origin of every line across the workspace's repositories. Sources are found
// among the workspace folders by repository name (an open d1-apps folder serves
// https://github.com/org/d1-apps); `sources` adds explicit mappings.

import * as path from 'path';
import { FileSystem } from '../engine/fs';
import { ClusterOptions, SourceMapping, describeApplier, evaluateCluster } from '../engine/cluster/cluster';
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
      const sub = fs.readDir(dir).sort().map((n) => path.posix.join(dir, n)).find((d) => fs.stat(d) === 'dir' && namesItself(fs, root, d));
      const entry = namesItself(fs, root, dir) ? dir : sub ?? dir;
      if (yamlFiles(fs, entry, 3).length) out.push({ name: path.posix.relative(root, entry), dir: entry });
    }
  }
  return out;
}

export interface ClusterValues extends PlainRendered {
  releases: { namespace: string; name: string; chain: string[] }[];
}

/** The values `release` (`ns/name` or `name`; the first when absent) gets on the cluster of `entry`. */
export function clusterValues(fs: FileSystem, entry: string, root: string, workspaceFolders: readonly string[], release?: string, sources: SourceMapping[] = [], options: ClusterOptions = {}): ClusterValues {
  const r = evaluateCluster(fs, entry, { ...options, sources, workspaceFolders: [...workspaceFolders] });
  const problems: Problem[] = r.problems
    .filter((p) => p.severity !== 'info')
    .map((p) => ({ severity: p.severity, code: p.code, message: p.chain?.length ? `${p.message} (applied via ${p.chain.join(' > ')})` : p.message, ...(p.span ? { span: p.span } : {}) }));
  const releases = r.releases.map((x) => ({ namespace: x.namespace, name: x.name, chain: x.chain.map(describeApplier) }));
  const pick = release === undefined ? r.releases[0] : r.releases.find((x) => `${x.namespace}/${x.name}` === release || x.name === release);
  if (!pick) {
    if (release !== undefined) problems.push({ severity: 'error', code: 'no-release', step: 'cluster', message: `the cluster ${path.posix.relative(root, entry)} gets no HelmRelease ${release}` });
    return { content: '', origins: [], problems, releases };
  }
  const rendered = renderWithOrigins([pick.values], root, false);
  return { ...rendered, problems, releases, release: `${pick.namespace}/${pick.name}` };
}
