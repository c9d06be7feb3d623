// What each HelmRelease of an evaluated overlay installs: its chart rendered in process with the
// user's values (Helm coalesces them over the chart's defaults itself), then post-rendered as
// helm-controller does. The views (template CLI, diff --manifests, promotion diff) read this.
// Releases whose chart is not at hand are reported, not rendered.

import { FileSystem } from '../fs';
import { Problem } from '../problem';
import { Chart, loadChartArchive, loadChartDir } from '../render/chart';
import { postRender } from '../render/postRender';
import { releaseSettings } from '../render/release';
import { RenderedObject, renderChart } from '../render/render';
import { effectiveValuesToGo } from '../template/chartValues';
import { GoMap } from '../template/value';
import {
  EffectiveValuesOptions,
  chartUnreadable,
  computeEffectiveValues,
} from '../values/effective';
import { emitYaml } from '../yaml/emit';
import { YMap, YNode, clone, get, getString, isMap, isSeq, scalar, set } from '../yaml/node';
import { OverlayRun } from './pipeline';
import { crdApiVersions } from '../schema/crd';

export { crdApiVersions };

export interface ReleaseManifestsOptions extends EffectiveValuesOptions {
  kubeVersion?: string;
  /** API versions the cluster serves besides the built-in ones (the overlay's CRDs are added). */
  apiVersions?: readonly string[];
  /** Charts loaded once per file system and source across calls (two git trees are two file systems). */
  chartCache?: WeakMap<FileSystem, Map<string, Chart>>;
  /** Record the template line of every rendered line (RenderedObject.lineOrigins). */
  origins?: boolean;
  /**
   * The packaged chart behind a chart source that is no path (a fetched chart, whose source is
   * its label: ChartService.archive).
   */
  chartArchive?: (source: string) => Uint8Array | undefined;
  /** Render this HelmRelease of the overlay only (the others are left out of the answer). */
  only?: YMap;
}

export interface ReleaseManifests {
  /** `namespace/name` of the HelmRelease. */
  key: string;
  release: YMap;
  /** Helm's release name and namespace, as helm-controller derives them. */
  releaseName: string;
  namespace: string;
  chartSource?: string;
  /** Post-rendered objects in install order; empty when rendering failed or the chart is absent. */
  objects: RenderedObject[];
  /** Render and post-render errors (step `render`, `render/postRenderers`), chart not readable. */
  problems: Problem[];
  /** Set when the chart is not on disk: nothing rendered, not an error of the release. */
  notRendered?: string;
  warnings: string[];
  /**
   * The release's values with the chart's defaults (subcharts' under their names or aliases),
   * with their origins as `values --show-origin` gives them: where a printed value was set.
   */
  values?: YMap;
}

function renderProblem(message: string, code: string, release: YMap): Problem {
  const o = release.origin;
  return {
    message,
    severity: 'error',
    code,
    step: 'render',
    ...(o
      ? { span: { file: o.file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol } }
      : {}),
  };
}

function loadChart(fs: FileSystem, source: string, options: ReleaseManifestsOptions): Chart {
  // A chart outside `fs` (a --chart folder while `fs` is a git tree) is read where it was found.
  const from = fs.stat(source) === undefined && options.chartFs ? options.chartFs : fs;
  const cache = options.chartCache;
  let charts = cache?.get(from);
  if (cache && !charts) cache.set(from, (charts = new Map()));
  const cached = charts?.get(source);
  if (cached) return cached;
  const archive = from.stat(source) === undefined ? options.chartArchive?.(source) : undefined;
  const chart = archive ? loadChartArchive(archive, source) : loadChartDir(from, source);
  charts?.set(source, chart);
  return chart;
}

/** Renders every HelmRelease of `overlay` (already evaluated with `fs`). Never throws. */
export function renderReleaseManifests(
  fs: FileSystem,
  overlay: OverlayRun,
  options: ReleaseManifestsOptions = {},
): ReleaseManifests[] {
  if (overlay.failed) return [];
  const docs = overlay.objects.map((o) => o.node);
  // The user's layers alone (no chart, so nothing coalesced): Helm coalesces them over the
  // chart's defaults itself, with its own typing and null rules.
  let userOnly: Map<string, YMap>;
  try {
    const user = computeEffectiveValues(docs, fs, {
      ...options,
      charts: undefined,
      helmRepositoryCache: undefined,
      sourceRoots: [],
      sourceFolder: undefined,
      chartLookup: undefined,
      showSecrets: true,
    });
    userOnly = new Map(user.map((u) => [`${u.namespace}/${u.name}`, u.values]));
  } catch {
    userOnly = new Map();
  }
  const apis = [...(options.apiVersions ?? []), ...crdApiVersions(docs)];
  const out: ReleaseManifests[] = [];
  for (const rel of overlay.releases) {
    if (options.only && rel.release !== options.only) continue;
    const key = `${rel.namespace}/${rel.name}`;
    const settings = releaseSettings(rel.release);
    const entry: ReleaseManifests = {
      key,
      release: rel.release,
      releaseName: settings.releaseName,
      namespace: settings.namespace,
      objects: [],
      problems: [],
      warnings: [],
    };
    out.push(entry);
    const unreadable = rel.problems.find((p) => p.code === 'chart-unreadable');
    if (unreadable) {
      entry.problems.push(
        renderProblem(
          chartUnreadable(
            String(unreadable.data?.chart ?? 'of this release'),
            String(unreadable.data?.error ?? ''),
          ),
          'chart-unreadable',
          rel.release,
        ),
      );
      continue;
    }
    if (!rel.chart.found || !rel.chart.source) {
      entry.notRendered = `chart ${rel.chart.name}${rel.chart.version ? ' ' + rel.chart.version : ''} is not on disk: not rendered`;
      continue;
    }
    entry.chartSource = rel.chart.source;
    let chart: Chart;
    try {
      chart = loadChart(fs, rel.chart.source, options);
    } catch (e) {
      entry.problems.push(renderProblem((e as Error).message, 'chart-unreadable', rel.release));
      continue;
    }
    const user = userOnly.get(key);
    entry.values = rel.values;
    const rendered = renderChart(chart, (user ? effectiveValuesToGo(user) : new Map()) as GoMap, {
      ...settings,
      kubeVersion: options.kubeVersion,
      apiVersions: apis,
      origins: options.origins,
    });
    entry.warnings.push(...rendered.warnings);
    if (rendered.errors.length) {
      for (const e of rendered.errors)
        entry.problems.push(renderProblem(`${chart.source}: ${e}`, 'render-failed', rel.release));
      continue;
    }
    const post = postRender(
      fs,
      rel.release,
      rendered.objects.filter((o) => o.object !== null),
    );
    entry.problems.push(...post.problems);
    entry.objects = post.objects;
  }
  return out;
}

const NOT_REPRODUCIBLE = '(not reproducible)';

/**
 * The object with the leaves that differ between two renders (random passwords, dates) replaced
 * by a mark: they differ on every render, so a diff would always show them.
 */
function withoutRandom(o: RenderedObject): YNode {
  const paths = o.nonReproduciblePaths ?? [];
  if (paths.length === 0) return o.node!;
  if (paths.some((p) => p.length === 0)) return scalar(NOT_REPRODUCIBLE);
  const copy = clone(o.node!);
  for (const p of paths) {
    let parent: YNode | undefined = copy;
    for (const step of p.slice(0, -1))
      parent =
        typeof step === 'number'
          ? isSeq(parent)
            ? parent.items[step]
            : undefined
          : get(parent, step);
    const last = p[p.length - 1];
    if (isMap(parent) && typeof last === 'string' && get(parent, last))
      set(parent, last, scalar(NOT_REPRODUCIBLE));
    else if (isSeq(parent) && typeof last === 'number' && parent.items[last])
      parent.items[last] = scalar(NOT_REPRODUCIBLE);
  }
  return copy;
}

/**
 * Texts of the rendered objects for diffs, keyed `HelmRelease ns/name: Kind ns/name` (Secrets
 * masked unless asked); a release that failed to render shows its errors as its text, so a
 * promotion that breaks rendering shows up in the diff.
 */
export function releaseManifestTexts(
  releases: readonly ReleaseManifests[],
  showSecrets = false,
): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of releases) {
    if (r.problems.length) {
      m.set(
        `HelmRelease ${r.key}: render errors`,
        r.problems.map((p) => p.message).join('\n') + '\n',
      );
      continue;
    }
    for (const o of r.objects) {
      if (!o.node) continue;
      const meta = get(o.node, 'metadata');
      const base = `HelmRelease ${r.key}: ${getString(o.node, 'kind') ?? '?'} ${getString(meta, 'namespace') ?? ''}/${getString(meta, 'name') ?? ''}`;
      const k = m.has(base) ? `${base} (${getString(o.node, 'apiVersion')})` : base;
      const marks = [
        o.hook ? `# hook: ${o.hook.join(',')}\n` : '',
        o.nonReproducible ? `# not reproducible: ${o.nonReproducible.join(', ')}\n` : '',
      ].join('');
      m.set(k, `# Source: ${o.source}\n${marks}${emitYaml(withoutRandom(o), { showSecrets })}`);
    }
  }
  return m;
}
