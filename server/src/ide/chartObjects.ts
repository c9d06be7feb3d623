// What each HelmRelease of an overlay installs, for the manifests preview
// (fluxOverlays/renderOverlay with `releaseManifests`): the engine's releaseManifests, the same
// rendering and post-rendering as `diff --manifests` and `promotion-diff --manifests`, with the
// same texts (Secrets masked, non-reproducible leaves marked). One header comment per release
// says which chart rendered how many objects, or why nothing was rendered.

import { FileSystem } from '../engine/fs';
import { Problem } from '../engine/problem';
import { Chart } from '../engine/render/chart';
import { OverlayRun } from '../engine/workspace/pipeline';
import {
  ReleaseManifestsOptions,
  releaseManifestTexts,
  renderReleaseManifests,
} from '../engine/workspace/releaseManifests';
import { get } from '../engine/yaml/node';
import type { PlainLineOrigin } from './context';

export interface ChartObjectsOptions extends ReleaseManifestsOptions {
  /**
   * Said after "not rendered" when a chart is not at hand (restricted mode, charts.fetch):
   * `notFetched` when no fetch failed, `fetchFailed` after the failure's message.
   */
  notAtHandHint?: { notFetched?: string; fetchFailed?: string };
}

export interface ChartObjects {
  /** YAML documents (each starting with `---`), or '' when the overlay has no HelmRelease. */
  content: string;
  /** Origins of `content`'s lines: each release header points at its HelmRelease. */
  origins: PlainLineOrigin[];
  /** Render and post-render errors of the releases. */
  problems: Problem[];
}

/**
 * A chart cache for the workspace's file system across requests that keeps no chart inside the
 * workspace folders: those may be edited (a template on disk changes without any event the
 * server sees), so they are read afresh; charts outside (configured folders, Helm's cache,
 * fetched archives, whose source is their label) are not.
 */
export class ChartsOutside extends Map<string, Chart> {
  constructor(private readonly roots: () => readonly string[]) {
    super();
  }

  override set(source: string, chart: Chart): this {
    if (!this.roots().some((r) => source === r || source.startsWith(r.endsWith('/') ? r : r + '/')))
      super.set(source, chart);
    return this;
  }
}

/** The chart objects of every release of `run` (evaluated with `fs`), in Helm's install order. */
export function chartObjects(
  fs: FileSystem,
  run: OverlayRun,
  options: ChartObjectsOptions,
): ChartObjects {
  const { notAtHandHint, ...renderOptions } = options;
  const releases = renderReleaseManifests(fs, run, {
    ...renderOptions,
    showSecrets: true,
    chartCache: renderOptions.chartCache ?? new WeakMap<FileSystem, Map<string, Chart>>(),
  });
  const lines: string[] = [];
  const origins: PlainLineOrigin[] = [];
  const problems: Problem[] = [];
  for (const r of releases) {
    const evaluated = run.releases.find((x) => x.release === r.release);
    const chart = evaluated
      ? `${evaluated.chart.name}${evaluated.chart.version ? ' ' + evaluated.chart.version : ''}`
      : '?';
    const helmName = `${r.namespace}/${r.releaseName}`;
    const named = helmName === r.key ? '' : ` (Helm release ${helmName})`;
    let header: string;
    const body: string[] = [];
    if (r.notRendered) {
      // Why the chart is not at hand, as the values preview says it (fetch failed, offline).
      const said = evaluated?.problems.find(
        (p) => p.code === 'chart-fetch' || p.code === 'chart-not-found',
      );
      const why = said?.message.replace(/; showing the release's own values.*$/s, '');
      // A problem without data.error: no fetch said why (not tried yet, or under way).
      const failed = said?.data?.error !== undefined;
      const hint = failed ? notAtHandHint?.fetchFailed : notAtHandHint?.notFetched;
      header = `not rendered: ${why ?? r.notRendered.replace(/: not rendered$/, '')}${hint ? ` (${hint})` : ''}`;
    } else if (r.problems.length) {
      header = `not rendered: ${r.problems.length === 1 ? 'an error' : `${r.problems.length} errors`}`;
      for (const p of r.problems) body.push(...p.message.split('\n').map((l) => `#   ${l}`));
      problems.push(...r.problems);
    } else {
      header = `${r.objects.length} object${r.objects.length === 1 ? '' : 's'}`;
    }
    const origin = get(r.release, 'kind')?.origin ?? r.release.origin;
    lines.push('---');
    if (origin) origins.push({ line: lines.length, origin, layer: `HelmRelease ${r.key}${named}` });
    lines.push(`# HelmRelease ${r.key} -> chart ${chart}${named}: ${header}`, ...body);
    if (r.notRendered || r.problems.length) continue;
    for (const text of releaseManifestTexts([r], false).values())
      lines.push('---', ...text.replace(/\n$/, '').split('\n'));
  }
  return { content: lines.length ? lines.join('\n') + '\n' : '', origins, problems };
}
