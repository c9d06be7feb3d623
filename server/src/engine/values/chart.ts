// Where a HelmRelease's chart comes from, and its defaults (values.yaml, values.schema.json)
// when the chart is available offline: a path the user configured, a chart folder in the
// workspace (GitRepository/Bucket sources name a path), or a packaged chart in Helm's
// repository cache (`<cache>/repository/<name>-<version>.tgz`).

import * as path from 'path';
import { BoundedFileSystem, FileSystem } from '../fs';
import { YMap, get, getString } from '../yaml/node';
import { maxSatisfying, parseVersion } from './semver';
import { Problem } from '../problem';

export interface ChartRef {
  /** Chart name, or the chart's path inside its source for GitRepository/Bucket sources. */
  chart: string;
  /** Version or constraint; undefined means any (Helm: latest). */
  version?: string;
  sourceKind?: string;
  sourceName?: string;
  /** The source's namespace (sourceRef.namespace, else the release's or HelmChart's own). */
  sourceNamespace?: string;
  /** True when `chart` is a path inside a git repository or bucket. */
  isPath: boolean;
}

export interface ChartOptions {
  /** Charts the user points at: a folder or .tgz per chart name (and version); no name = any release. */
  charts?: { name?: string; version?: string; path: string }[];
  /** Helm's repository cache folder (`$HELM_CACHE_HOME/repository`); see helmRepositoryCache(). */
  helmRepositoryCache?: string;
  /**
   * Folders in which GitRepository/Bucket chart paths are resolved (repository roots). A
   * repository kept inside one of them (an example, a vendored copy) is found by name: the
   * folder above the release's file named after its GitRepository. Undefined: no root is known
   * (not in a git repository), any such folder counts; empty: path charts are not resolved.
   */
  sourceRoots?: string[];
  /**
   * The folder holding a Flux source's content (a cluster's mapping of the GitRepository it got
   * to a local folder or git tree): GitRepository/Bucket chart paths resolve there first, and
   * only there when it knows the source.
   */
  sourceFolder?: (kind: string, namespace: string, name: string) => string | undefined;
  /** Where configured charts and Helm's cache are read when the overlays are not on disk (a git tree). */
  chartFs?: FileSystem;
}

export interface LoadedChart {
  name: string;
  version?: string;
  /** Folder or .tgz the defaults were read from. */
  source: string;
  values: YMap;
  schema?: unknown;
  problems: Problem[];
}

/** Helm's repository cache folder, from an environment (pass process.env) and a home folder. */
export function helmRepositoryCache(
  env: Record<string, string | undefined>,
  home: string,
  platform: string = 'linux',
): string {
  if (env.HELM_CACHE_HOME) return path.join(env.HELM_CACHE_HOME, 'repository');
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'helm', 'repository');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'helm', 'repository');
  return path.join(home, '.cache', 'helm', 'repository');
}

/** The chart a HelmRelease asks for (spec.chart.spec or spec.chartRef), using `docs` for chartRef targets. */
export function chartRefOf(release: YMap, docs: readonly YMap[]): ChartRef | undefined {
  const spec = get(release, 'spec');
  const ownNamespace = getString(get(release, 'metadata'), 'namespace') ?? '';
  const template = get(get(get(spec, 'chart'), 'spec'), 'chart')
    ? get(get(spec, 'chart'), 'spec')
    : undefined;
  if (template) {
    const sourceRef = get(template, 'sourceRef');
    const sourceKind = getString(sourceRef, 'kind');
    return {
      chart: getString(template, 'chart') ?? '',
      version: getString(template, 'version'),
      sourceKind,
      sourceName: getString(sourceRef, 'name'),
      sourceNamespace: getString(sourceRef, 'namespace') ?? ownNamespace,
      isPath: sourceKind === 'GitRepository' || sourceKind === 'Bucket',
    };
  }
  const chartRef = get(spec, 'chartRef');
  if (!chartRef) return undefined;
  const kind = getString(chartRef, 'kind');
  const name = getString(chartRef, 'name');
  const target = docs.find(
    (d) => getString(d, 'kind') === kind && getString(get(d, 'metadata'), 'name') === name,
  );
  if (kind === 'OCIRepository') {
    const url = getString(get(target, 'spec'), 'url') ?? '';
    const ref = get(get(target, 'spec'), 'ref');
    return {
      chart: url.split('/').filter(Boolean).pop() ?? name ?? '',
      version: getString(ref, 'tag') ?? getString(ref, 'semver'),
      sourceKind: kind,
      sourceName: name,
      isPath: false,
    };
  }
  if (kind === 'HelmChart' && target) {
    const s = get(target, 'spec');
    const sk = getString(get(s, 'sourceRef'), 'kind');
    return {
      chart: getString(s, 'chart') ?? '',
      version: getString(s, 'version'),
      sourceKind: sk,
      sourceName: getString(get(s, 'sourceRef'), 'name'),
      // a HelmChart's source is in its own namespace
      sourceNamespace: getString(get(target, 'metadata'), 'namespace') ?? ownNamespace,
      isPath: sk === 'GitRepository' || sk === 'Bucket',
    };
  }
  return { chart: name ?? '', sourceKind: kind, sourceName: name, isPath: false };
}

/**
 * Folder or .tgz holding the chart, how it was found, and the file system to read it through;
 * undefined when not available offline.
 */
export function locateChart(
  ref: ChartRef,
  fs: FileSystem,
  options: ChartOptions,
  /** The file declaring the release (path charts: the repository it sits in may be found by name). */
  near?: string,
): { path: string; how: string; fs: FileSystem } | undefined {
  const name = ref.isPath ? path.posix.basename(ref.chart) : ref.chart;
  for (const c of options.charts ?? []) {
    if (c.name !== undefined && c.name !== name) continue;
    if (c.version !== undefined && ref.version !== undefined && c.version !== ref.version) continue;
    return { path: c.path, how: 'configured chart', fs: options.chartFs ?? fs };
  }
  if (ref.isPath) {
    const inRoot = (root: string) => {
      // The path names a folder of the source's repository (Flux joins it inside the artifact):
      // neither `..` nor a symbolic link may take it, or a file of the chart, out of the root.
      const inside = new BoundedFileSystem(fs, () => [root]);
      const dir = path.posix.join(root, ref.chart);
      return inside.stat(path.posix.join(dir, 'Chart.yaml')) === 'file'
        ? { path: dir, how: `chart folder of ${ref.sourceKind}/${ref.sourceName}`, fs: inside }
        : undefined;
    };
    // The folder the cluster maps the source to, when it knows the source: Flux reads it there.
    if (options.sourceFolder && ref.sourceKind && ref.sourceName) {
      const folder = options.sourceFolder(
        ref.sourceKind,
        ref.sourceNamespace ?? '',
        ref.sourceName,
      );
      if (folder !== undefined) return inRoot(folder);
    }
    const roots = options.sourceRoots;
    for (const root of roots ?? []) {
      const found = inRoot(root);
      if (found) return found;
    }
    // A repository inside a root (the bundled example inside this project, a vendored copy):
    // the folder above the release's file named after the GitRepository is its root.
    if (!near || !ref.sourceName) return undefined;
    const within = (d: string) =>
      roots === undefined || roots.some((r) => d.startsWith(r.endsWith('/') ? r : r + '/'));
    for (let d = path.posix.dirname(near); path.posix.dirname(d) !== d; d = path.posix.dirname(d)) {
      if (path.posix.basename(d) !== ref.sourceName || !within(d)) continue;
      const found = inRoot(d);
      if (found) return found;
    }
    return undefined;
  }
  const cache = options.helmRepositoryCache;
  if (!cache || !name) return undefined;
  const cacheFs = options.chartFs ?? fs;
  if (ref.version && parseVersion(ref.version)) {
    const exact = path.posix.join(cache, `${name}-${ref.version.replace(/^v/, '')}.tgz`);
    if (cacheFs.stat(exact) === 'file')
      return { path: exact, how: 'Helm repository cache', fs: cacheFs };
  }
  const prefix = `${name}-`;
  const versions = cacheFs
    .readDir(cache)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.tgz'))
    .map((f) => f.slice(prefix.length, -4))
    .filter((v) => parseVersion(v));
  const best = maxSatisfying(versions, ref.version ?? '*');
  return best
    ? {
        path: path.posix.join(cache, `${prefix}${best}.tgz`),
        how: 'Helm repository cache',
        fs: cacheFs,
      }
    : undefined;
}
