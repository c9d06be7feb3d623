// Entry point of the values engine: for every HelmRelease in a build output, the values Helm
// will render with, each node carrying where it was written and which layer set it
// (origin.by: 'chart default', 'valuesFrom[0] ConfigMap/x', 'values',
// 'targetPath valuesFrom[1] Secret/y', or 'substitution ${VAR}' from the substitute step), and
// the values it replaced (`overrides`).
//
// Order (helm-controller, then Helm): valuesFrom layers and spec.values composed as
// fluxCompose.ts describes, then coalesced over the chart's values.yaml when the chart is
// available offline. References the build cannot satisfy are skipped with a problem saying
// Flux would fail the release, so the user still sees everything else.

import { FileSystem } from '../fs';
import { maskSecretValues } from '../secrets';
import { Origin, YMap, YNode, clone, get, getString } from '../yaml/node';
import { ChartOptions, chartRefOf, locateChart } from './chart';
import { loadChartCached } from '../charts/load';
import { Chart } from '../charts/model';
import { helmValues } from './dependencies';
import { ResolvedLayer, composeFluxValues } from './fluxCompose';
import { stampLayer } from './provenance';
import { dataEntry, findObject, parseValuesText } from './sources';
import { Problem } from '../problem';

export interface ExternalObject {
  object: YMap;
  /** Where it was found, shown in origins, e.g. `keos-system-services (/repos/keos-system-services)`. */
  source: string;
}

export interface EffectiveValuesOptions extends ChartOptions {
  /** Show values that come from Secrets; by default their leaves are replaced by marks (engine/secrets.ts). */
  showSecrets?: boolean;
  /** Looks up a ConfigMap/Secret the build does not contain (values kept in another repository). */
  externalLookup?: (
    kind: string,
    namespace: string | undefined,
    name: string,
  ) => ExternalObject | undefined;
  /**
   * The chart of a release from elsewhere (the chart cache, fetched charts: engine/charts/):
   * a chart, an error to report on the chart line, or undefined to look on disk (locateChart).
   */
  chartLookup?: (
    release: YMap,
    docs: readonly YMap[],
  ) => Chart | { error: string; offline?: boolean } | undefined;
  /** Only releases for which this returns true (namespace is '' when the release has none). */
  releaseFilter?: (namespace: string, name: string) => boolean;
}

export interface EffectiveRelease {
  /** '' when the HelmRelease has no namespace. */
  namespace: string;
  name: string;
  /** The HelmRelease object itself (from the input documents). */
  release: YMap;
  values: YMap;
  /** `subcharts`: the enabled subcharts' paths (`parent.sub`, aliases applied); `subchartTrees` the same with their charts. */
  chart: {
    name: string;
    version?: string;
    found: boolean;
    source?: string;
    schema?: unknown;
    tree?: Chart;
    subcharts?: string[];
    subchartTrees?: { path: string; chart: Chart }[];
  };
  problems: Problem[];
}

export function isHelmRelease(doc: YMap): boolean {
  return (
    getString(doc, 'kind') === 'HelmRelease' &&
    (getString(doc, 'apiVersion') ?? '').startsWith('helm.toolkit.fluxcd.io/')
  );
}

/** Effective values of every HelmRelease in `docs` (a kustomize build output). Never throws. */
export function computeEffectiveValues(
  docs: readonly YMap[],
  fs: FileSystem,
  options: EffectiveValuesOptions = {},
): EffectiveRelease[] {
  const out: EffectiveRelease[] = [];
  for (const doc of docs) {
    if (doc.kind !== 'map' || !isHelmRelease(doc)) continue;
    const meta = get(doc, 'metadata');
    const namespace = getString(meta, 'namespace') ?? '';
    const name = getString(meta, 'name') ?? '';
    if (options.releaseFilter && !options.releaseFilter(namespace, name)) continue;
    out.push(releaseValues(doc, namespace, name, docs, fs, options));
  }
  return out;
}

/** Values problems are placed at a line and column (a range would underline whole maps). */
function at(origin: Origin | undefined): Pick<Problem, 'span' | 'step'> {
  return origin
    ? { span: { file: origin.file, line: origin.line, col: origin.col }, step: 'values' }
    : { step: 'values' };
}

function releaseValues(
  release: YMap,
  namespace: string,
  name: string,
  docs: readonly YMap[],
  fs: FileSystem,
  options: EffectiveValuesOptions,
): EffectiveRelease {
  const problems: Problem[] = [];
  const spec = get(release, 'spec');
  const specValues = get(spec, 'values');
  let inline: YMap | undefined;
  if (specValues && specValues.kind === 'map') {
    inline = clone(specValues);
    stampLayer(inline, 'values');
  } else if (specValues && !(specValues.kind === 'scalar' && specValues.value === null)) {
    problems.push({
      severity: 'error',
      message: 'spec.values must be a map',
      ...at(specValues.origin),
      code: 'values-not-a-map',
    });
  }

  const layers: ResolvedLayer[] = [];
  const refs = get(spec, 'valuesFrom');
  const entries: YNode[] = refs && refs.kind === 'seq' ? refs.items : [];
  entries.forEach((ref, index) => {
    const layer = resolveReference(ref, index, namespace, docs, fs, options, problems);
    if (layer) layers.push(layer);
  });

  const composed = composeFluxValues(layers, inline);
  for (const p of composed.problems) {
    // The composer knows the entry's index, the release knows where the entry is written.
    const { data, ...problem } = p;
    const index = data?.index as number;
    const ref = entries[index];
    problems.push({
      ...problem,
      message: `valuesFrom[${index}]: ${p.message}; Flux would fail the release`,
      ...at((get(ref, 'targetPath') ?? ref)?.origin),
    });
  }
  let values = composed.values;

  const ref = chartRefOf(release, docs);
  const chart: EffectiveRelease['chart'] = {
    name: ref?.chart ?? '',
    version: ref?.version,
    found: false,
  };
  // a chart the user points at, a chart folder of a GitRepository, or Helm's own cache first;
  // then the fetched charts
  const located = ref ? locateChart(ref, fs, options, release.origin?.file) : undefined;
  const looked = located ? undefined : options.chartLookup?.(release, docs);
  const loaded = looked ?? (located ? loadChartCached(located.path, located.fs) : undefined);
  if (loaded && !('error' in loaded)) {
    Object.assign(chart, {
      name: loaded.name,
      version: loaded.version ?? chart.version,
      found: true,
      source: loaded.source,
      schema: loaded.schema,
      tree: loaded,
    });
    const collect = (c: Chart): Problem[] => [...c.problems, ...c.subcharts.flatMap(collect)];
    problems.push(...collect(loaded));
    const warnings: string[] = [];
    const r = helmValues(loaded, values, warnings);
    values = r.values;
    chart.subcharts = r.enabled;
    chart.subchartTrees = r.subcharts;
    for (const w of warnings)
      problems.push({
        severity: 'warning',
        message: `Helm: ${w}`,
        ...at(release.origin),
        code: 'helm-coalesce',
      });
  } else {
    const why = loaded && 'error' in loaded ? `: ${loaded.error}` : '';
    const label = ref ? `${ref.chart}${ref.version ? ` ${ref.version}` : ''}` : 'of this release';
    const where = at((get(spec, 'chart') ?? get(spec, 'chartRef') ?? release)?.origin);
    // the chart named, so a run can say it once (a release without a chart name is said each time)
    const about = ref ? { data: { chart: label } } : {};
    if (located && loaded && 'error' in loaded)
      problems.push({
        severity: 'warning',
        message: `${chartUnreadable(label, loaded.error)}; showing the release's own values without the chart's defaults`,
        ...where,
        code: 'chart-unreadable',
        // the reason too, so the render step says it without the values step's last words
        data: { ...about.data, error: loaded.error },
      });
    else if (looked && 'error' in looked && looked.offline)
      problems.push({
        severity: 'info',
        message: `chart ${label} is not available offline: ${looked.error}; showing the release's own values without the chart's defaults`,
        ...where,
        code: 'chart-not-found',
        // the reason too: a consumer tells "looked and could not" from "not looked yet" by it
        data: { ...about.data, error: looked.error },
      });
    else if (looked && 'error' in looked)
      problems.push({
        severity: 'warning',
        message: `chart ${label} is not available: ${looked.error}; showing the release's own values without the chart's defaults`,
        ...where,
        code: 'chart-fetch',
        data: { ...about.data, error: looked.error },
      });
    else
      problems.push({
        severity: 'info',
        message: `chart ${label} is not available offline${why}; showing the release's own values without the chart's defaults`,
        ...where,
        code: 'chart-not-found',
        ...(loaded && 'error' in loaded ? { data: { ...about.data, error: loaded.error } } : about),
      });
  }
  if (!options.showSecrets) maskSecretValues(values);
  return { namespace, name, release, values, chart, problems };
}

/** What a `chart-unreadable` problem says: the chart (`label`: name and version) and why. */
export function chartUnreadable(label: string, error: string): string {
  return `chart ${label} is not available: it cannot be read: ${error}`;
}

function resolveReference(
  ref: YNode,
  index: number,
  namespace: string,
  docs: readonly YMap[],
  fs: FileSystem,
  options: EffectiveValuesOptions,
  problems: Problem[],
): ResolvedLayer | undefined {
  const kind = getString(ref, 'kind') ?? '';
  const refName = getString(ref, 'name') ?? '';
  const key = getString(ref, 'valuesKey') ?? 'values.yaml';
  const optional =
    get(ref, 'optional')?.kind === 'scalar' &&
    (get(ref, 'optional') as { value: unknown }).value === true;
  const targetPath = getString(ref, 'targetPath');
  const literal =
    get(ref, 'literal')?.kind === 'scalar' &&
    (get(ref, 'literal') as { value: unknown }).value === true;
  const where = at(ref.origin);
  const label = `valuesFrom[${index}] ${kind}/${refName}`;
  const fluxName = `${namespace ? namespace + '/' : ''}${refName}`;
  if (kind !== 'ConfigMap' && kind !== 'Secret') {
    problems.push({
      severity: 'error',
      message: `${label}: unsupported kind (only ConfigMap and Secret); Flux would fail the release`,
      ...where,
      code: 'values-ref-kind',
    });
    return undefined;
  }
  let obj = findObject(docs, kind, namespace || undefined, refName);
  let by = label;
  if (!obj && options.externalLookup) {
    const ext = options.externalLookup(kind, namespace || undefined, refName);
    if (ext) {
      obj = ext.object;
      by = `${label} from ${ext.source}`;
    }
  }
  if (!obj) {
    if (optional)
      problems.push({
        severity: 'info',
        message: `${label} (optional) is not in this build: skipped, as Flux does when it does not exist`,
        ...where,
        code: 'values-ref-optional-missing',
      });
    else
      problems.push({
        severity: 'warning',
        message: `${label} is not in this build: values computed without it; unless it exists in the cluster, Flux would fail the release (could not resolve ${kind} chart values reference '${fluxName}' with key '${key}')`,
        ...where,
        code: 'values-ref-missing',
      });
    return undefined;
  }
  const entry = dataEntry(obj, key);
  if (!entry) {
    if (optional)
      problems.push({
        severity: 'info',
        message: `${label} (optional) has no key '${key}': skipped`,
        ...where,
        code: 'values-ref-optional-missing',
      });
    else
      problems.push({
        severity: 'error',
        message: `${label} has no key '${key}': values computed without it; Flux would fail the release`,
        ...where,
        code: 'values-ref-key-missing',
      });
    return undefined;
  }
  if (targetPath !== undefined && targetPath !== '') {
    const origin = entry.node.origin ?? ref.origin;
    const secret = entry.node.kind === 'scalar' && entry.node.shown !== undefined;
    return {
      kind: 'targetPath',
      index,
      path: targetPath,
      value: entry.text,
      literal,
      origin: origin && { ...origin, by: `targetPath ${by}`, ...(secret ? { secret } : {}) },
    };
  }
  const parsed = parseValuesText(entry, fs, by, `${label} key '${key}'`);
  problems.push(...parsed.problems);
  return parsed.values ? { kind: 'values', index, values: parsed.values } : undefined;
}
