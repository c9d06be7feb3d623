// The rendered fields a values key produced, for the hover on the key: the release's chart
// rendered in process with origins (engine renderReleaseManifests), and every scalar of the
// objects whose line printed that key or a key below it (render.ts renderedFields: through
// variables, include, tpl, toYaml, merges). Shown for the overlay of the hovered file (a base
// file: the first overlays that build it). Renders are kept per overlay run and release; an edit
// makes a new run. Secret values are not shown.

import { Chart } from '../engine/render/chart';
import { RenderedField, renderedFields } from '../engine/render/render';
import { FileSystem } from '../engine/fs';
import { ReleaseManifests, renderReleaseManifests } from '../engine/workspace/releaseManifests';
import { OverlayRun } from '../engine/workspace/pipeline';
import { YMap } from '../engine/yaml/node';
import { OverlayRelease, shortValue } from './context';
import { PathSeg } from './yamlText';
import { WorkspaceIndex } from './workspaceIndex';

export interface RenderedFieldsOptions {
  /** The packaged chart behind a fetched chart's source (ChartService.archive). */
  chartArchive?: (source: string) => Uint8Array | undefined;
  chartCache?: WeakMap<FileSystem, Map<string, Chart>>;
  kubeVersion?: string;
  apiVersions?: readonly string[];
}

/** Overlays listed at most, and fields per overlay. */
const MAX_OVERLAYS = 3;
const MAX_FIELDS = 10;

const renders = new WeakMap<OverlayRun, Map<YMap, ReleaseManifests | undefined>>();

function rendered(
  index: WorkspaceIndex,
  rel: OverlayRelease,
  options: RenderedFieldsOptions,
): ReleaseManifests | undefined {
  const run = index.overlay(rel.dir);
  let byRelease = renders.get(run);
  if (!byRelease) renders.set(run, (byRelease = new Map()));
  const release = rel.release.release;
  if (byRelease.has(release)) return byRelease.get(release);
  let r: ReleaseManifests | undefined;
  try {
    // No chart at hand: nothing to render (and no need for the workspace's CRDs).
    if (rel.release.chart.found)
      [r] = renderReleaseManifests(index.fs, run, {
        ...index.valuesOptions,
        ...options,
        apiVersions: [...(options.apiVersions ?? []), ...index.crdApiVersions()],
        only: release,
        origins: true,
      });
  } catch {
    r = undefined;
  }
  byRelease.set(release, r);
  return r;
}

/** Whether a rendered line printed the value at `key` or below it (release values paths). */
function printed(f: RenderedField, key: readonly PathSeg[]): boolean {
  const first = f.origin.releaseValues ?? f.origin.values;
  const below = (p: readonly PathSeg[]) =>
    p.length >= key.length && key.every((k, i) => p[i] === k);
  return (!!first && below(first)) || !!f.origin.also?.some(below);
}

/**
 * Markdown listing the rendered fields the key at `valuesPath` produced in the overlays of
 * `rels` (empty when no chart is at hand or nothing printed it).
 */
export function renderedFieldsMarkdown(
  index: WorkspaceIndex,
  file: string,
  rels: readonly OverlayRelease[],
  valuesPath: readonly PathSeg[],
  options: RenderedFieldsOptions,
): string {
  if (!valuesPath.length) return '';
  // The overlay the file is in; a base file feeds every overlay: the first few (the base
  // itself only when nothing else builds it).
  const own = rels.filter((r) => r.overlay !== 'base' && file.startsWith(r.dir + '/'));
  const overlays = rels.filter((r) => r.overlay !== 'base');
  const shown = (own.length ? own : overlays.length ? overlays : rels).slice(0, MAX_OVERLAYS);
  const parts: string[] = [];
  for (const rel of shown) {
    const r = rendered(index, rel, options);
    if (!r || !r.objects.length) continue;
    const rows: string[] = [];
    let more = 0;
    for (const o of r.objects)
      for (const f of renderedFields(o)) {
        if (!printed(f, valuesPath)) continue;
        if (rows.length >= MAX_FIELDS) {
          more++;
          continue;
        }
        const value = o.kind === 'Secret' ? '(secret)' : shortValue(f.node);
        const name = `${o.kind ?? '?'} ${o.name ?? '?'}`;
        rows.push(
          `- \`${name}\` \`${f.path}\`: ${value.replace(/\|/g, '\\|')} (\`${f.origin.template}:${f.origin.line}\`)`,
        );
      }
    if (more) rows.push(`- … ${more} more`);
    if (rows.length)
      parts.push(
        `**${valuesPath.join('.')}** renders in \`${rel.overlay}\` (HelmRelease ${r.key}) to:\n\n${rows.join('\n')}`,
      );
  }
  return parts.join('\n\n');
}
