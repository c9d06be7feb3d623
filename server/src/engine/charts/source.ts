// Where a HelmRelease's chart comes from, resolved as helm-controller and source-controller do:
// `spec.chart.spec` with a HelmRepository (HTTP index.yaml, or `type: oci`), `spec.chartRef` to
// an OCIRepository (digest, else semver, else tag, default `latest`; `layerSelector`) or to a
// HelmChart (its own spec.chart/version/sourceRef). GitRepository/Bucket charts are paths in a
// checkout (values/chart.ts locateChart), not fetched here.

import { Origin, YMap, get, getString } from '../yaml/node';
import { parseVersion } from '../values/semver';
import { parseOciUrl } from './oci';

export type ChartSource =
  | { kind: 'helm'; repoUrl: string; chart: string; version: string; repository: string }
  | {
      kind: 'oci';
      url: string;
      tag?: string;
      semver?: string;
      digest?: string;
      mediaType?: string;
      insecure: boolean;
      repository: string;
      chart: string;
    };

export interface SourceResult {
  source?: ChartSource;
  /** Why the chart cannot be fetched (unsubstituted variables, missing source object...). */
  error?: string;
  /** The node problems go on (the chart line). */
  origin?: Origin;
  /** The source cannot be known offline (unsubstituted `${VAR}`s): not a failure of the source. */
  unresolved?: boolean;
  /** A path chart (GitRepository/Bucket): not ours. */
  local?: boolean;
}

function find(
  docs: readonly YMap[],
  kind: string,
  name: string | undefined,
  namespace: string | undefined,
): YMap | undefined {
  const all = docs.filter(
    (d) => getString(d, 'kind') === kind && getString(get(d, 'metadata'), 'name') === name,
  );
  return (
    all.find((d) => (getString(get(d, 'metadata'), 'namespace') ?? '') === (namespace ?? '')) ??
    all[0]
  );
}

const hasVar = (s: string) => /\$\{[^}]+\}/.test(s);

/** Is `v` one exact version (not a constraint)? */
export function isExactVersion(v: string): boolean {
  return /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/.test(v.trim()) && parseVersion(v) !== undefined;
}

function fromRepository(
  repo: YMap | undefined,
  repoName: string,
  chart: string,
  version: string,
): SourceResult {
  if (!repo) return {}; // defined by another Flux Kustomization: nothing to fetch from here
  const spec = get(repo, 'spec');
  const url = getString(spec, 'url') ?? '';
  const type = getString(spec, 'type') ?? (url.startsWith('oci://') ? 'oci' : 'default');
  if (hasVar(url) || hasVar(type) || hasVar(chart) || hasVar(version))
    return {
      unresolved: true,
      error: `HelmRepository ${repoName} url \`${url}\` has \${VAR}s no cluster profile sets (pass --profile, or select a cluster profile)`,
    };
  if (!url) return { error: `HelmRepository ${repoName} has no spec.url` };
  const insecure =
    get(spec, 'insecure')?.kind === 'scalar' &&
    (get(spec, 'insecure') as { value: unknown }).value === true;
  if (type === 'oci') {
    if (!parseOciUrl(`${url.replace(/\/+$/, '')}/${chart}`))
      return { error: `HelmRepository ${repoName}: \`${url}\` is not an oci:// URL` };
    const ociUrl = `${url.replace(/\/+$/, '')}/${chart}`;
    const v = version === '' ? '*' : version;
    return {
      source: isExactVersion(v)
        ? {
            kind: 'oci',
            url: ociUrl,
            tag: v.replace(/\+/g, '_'),
            insecure,
            repository: `HelmRepository/${repoName}`,
            chart,
          }
        : {
            kind: 'oci',
            url: ociUrl,
            semver: v,
            insecure,
            repository: `HelmRepository/${repoName}`,
            chart,
          },
    };
  }
  if (!/^https?:\/\//.test(url))
    return { error: `HelmRepository ${repoName}: \`${url}\` is not an http(s) URL` };
  return {
    source: {
      kind: 'helm',
      repoUrl: url.replace(/\/+$/, ''),
      chart,
      version,
      repository: `HelmRepository/${repoName}`,
    },
  };
}

/** The fetchable source of a release's chart. */
export function chartSourceOf(release: YMap, docs: readonly YMap[]): SourceResult {
  const spec = get(release, 'spec');
  const ns = getString(get(release, 'metadata'), 'namespace');
  const tmpl = get(get(spec, 'chart'), 'spec');
  if (tmpl) {
    const origin = get(spec, 'chart')?.origin;
    const sourceRef = get(tmpl, 'sourceRef');
    const kind = getString(sourceRef, 'kind') ?? 'HelmRepository';
    const name = getString(sourceRef, 'name') ?? '';
    if (kind !== 'HelmRepository') return { local: true, origin };
    const r = fromRepository(
      find(docs, 'HelmRepository', name, getString(sourceRef, 'namespace') ?? ns),
      name,
      getString(tmpl, 'chart') ?? '',
      getString(tmpl, 'version') ?? '',
    );
    return { ...r, origin };
  }
  const chartRef = get(spec, 'chartRef');
  if (!chartRef) return {};
  const origin = chartRef.origin;
  const kind = getString(chartRef, 'kind');
  const name = getString(chartRef, 'name') ?? '';
  const target = find(docs, kind ?? '', name, getString(chartRef, 'namespace') ?? ns);
  if (kind === 'OCIRepository') {
    if (!target) return { origin };
    const s = get(target, 'spec');
    const url = getString(s, 'url') ?? '';
    if (hasVar(url))
      return {
        unresolved: true,
        error: `OCIRepository ${name} url \`${url}\` has \${VAR}s no cluster profile sets`,
        origin,
      };
    if (!parseOciUrl(url))
      return { error: `OCIRepository ${name}: \`${url}\` is not an oci:// URL`, origin };
    const ref = get(s, 'ref');
    const insecure =
      get(s, 'insecure')?.kind === 'scalar' &&
      (get(s, 'insecure') as { value: unknown }).value === true;
    const digest = getString(ref, 'digest');
    const semver = getString(ref, 'semver');
    const tag = getString(ref, 'tag');
    const source: ChartSource = {
      kind: 'oci',
      url,
      insecure,
      repository: `OCIRepository/${name}`,
      chart: url.split('/').pop() ?? name,
    };
    if (digest) source.digest = digest;
    else if (semver) source.semver = semver;
    else source.tag = tag ?? 'latest';
    const mediaType = getString(get(s, 'layerSelector'), 'mediaType');
    if (mediaType) source.mediaType = mediaType;
    return { source, origin };
  }
  if (kind === 'HelmChart') {
    if (!target) return { origin };
    const s = get(target, 'spec');
    const sk = getString(get(s, 'sourceRef'), 'kind') ?? 'HelmRepository';
    const sn = getString(get(s, 'sourceRef'), 'name') ?? '';
    if (sk !== 'HelmRepository') return { local: true, origin };
    return {
      ...fromRepository(
        find(docs, 'HelmRepository', sn, ns),
        sn,
        getString(s, 'chart') ?? '',
        getString(s, 'version') ?? '',
      ),
      origin,
    };
  }
  return { error: `chartRef kind ${kind ?? '(none)'} is not OCIRepository or HelmChart`, origin };
}

/** A stable text for a source (cache keys, de-duplication). */
export function sourceKey(s: ChartSource): string {
  return s.kind === 'helm'
    ? `helm ${s.repoUrl} ${s.chart} ${s.version}`
    : `oci ${s.url} ${s.digest ?? s.semver ?? s.tag}${s.mediaType ? ` ${s.mediaType}` : ''}`;
}

/** How messages name a source: `podinfo 6.7.1 from https://...`. */
export function describeSource(s: ChartSource): string {
  return s.kind === 'helm'
    ? `${s.chart}${s.version ? ` ${s.version}` : ''} from ${s.repoUrl}`
    : `${s.url}${s.digest ? `@${s.digest}` : `:${s.tag ?? s.semver}`}`;
}
