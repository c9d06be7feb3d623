// The data behind the custom requests (fluxOverlays/listOverlays, effectiveValues,
// renderOverlay): components and overlays, effective values and rendered manifests as YAML text
// with the origin of every line. Places are engine origins (1-based); the server converts.

import * as path from 'path';
import { Problem } from '../engine/problem';
import { redactTree } from '../engine/secrets';
import { Variables, loadProfile } from '../engine/substitute/postBuild';
import { OverlayRun } from '../engine/workspace/pipeline';
import { Origin, YMap, YNode, get, getString, scalar } from '../engine/yaml/node';
import { emitDocuments, emitYaml } from '../engine/yaml/emit';
import { WorkspaceIndex } from './workspaceIndex';
import type { PlainLineOrigin } from './context';
import { ChartObjects, ChartObjectsOptions, chartObjects } from './chartObjects';
import { EffectiveValuesOptions } from '../engine/values/effective';

export interface PlainRendered {
  content: string;
  origins: PlainLineOrigin[];
  problems: Problem[];
  release?: string;
}

export interface PlainRelease {
  name: string;
  namespace?: string;
  /** Same for the same release in every overlay: where its `kind` is in the base (file:line). */
  key?: string;
  /** The file asked about patches this release or feeds its values. */
  fedByFile?: boolean;
}

export interface PlainComponent {
  name: string;
  dir: string;
  /** The workspace root the component is in. */
  root?: string;
  overlays: { name: string; dir: string; releases: PlainRelease[] }[];
}

/** Whether any node of the trees was read from `file` (or set by a patch in it). */
function readFrom(nodes: YNode[], file: string): boolean {
  const stack = [...nodes];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.origin?.file === file) return true;
    if (n.kind === 'map') for (const p of n.pairs) stack.push(p.value);
    else if (n.kind === 'seq') stack.push(...n.items);
  }
  return false;
}

/**
 * Components with their overlays and releases; with `file` only its component, and each release
 * says whether that file patches it or feeds its values (so commands start from the release the
 * user is editing, and compare pairs it across overlays through `key`).
 */
export function listOverlays(
  index: WorkspaceIndex,
  file?: string,
): { components: PlainComponent[]; problems: Problem[] } {
  const comps = file
    ? [index.componentOf(file)].filter((c) => c !== undefined)
    : index.components();
  const isFile = file !== undefined && index.fs.stat(file) === 'file';
  const roots = [...index.roots].sort((a, b) => b.length - a.length);
  const components = comps.map((c) => {
    const root = roots.find((r) => c.dir === r || c.dir.startsWith(r + '/'));
    return {
      name: c.name,
      dir: c.dir,
      ...(root ? { root } : {}),
      overlays: c.overlays.map((o) => {
        const build = index.build(o.dir);
        const fed = isFile && build.filesRead.includes(file) ? index.effectiveValues(o.dir) : [];
        return {
          name: o.name,
          dir: o.dir,
          releases: build.objects
            .filter((b) => getString(b.node, 'kind') === 'HelmRelease')
            .map((b) => {
              const meta = get(b.node, 'metadata');
              const ns = getString(meta, 'namespace');
              const name = getString(meta, 'name') ?? '';
              const kindOrigin = get(b.node, 'kind')?.origin;
              const eff = fed.find(
                (r) => r.release === b.node || (r.name === name && r.namespace === (ns ?? '')),
              );
              const feeds =
                isFile &&
                (readFrom([b.node], file) || (eff !== undefined && readFrom([eff.values], file)));
              return {
                name,
                ...(ns ? { namespace: ns } : {}),
                ...(kindOrigin ? { key: `${kindOrigin.file}:${kindOrigin.line}` } : {}),
                ...(feeds ? { fedByFile: true } : {}),
              };
            }),
        };
      }),
    };
  });
  const problems: Problem[] = [];
  if (file && components.length === 0)
    problems.push({
      severity: 'info',
      code: 'not-in-component',
      step: 'workspace',
      message: `${file} is not inside a component (a folder with base/ and overlay folders)`,
    });
  return { components, problems };
}

function overlayDir(index: WorkspaceIndex, file: string, overlay: string): string | undefined {
  const c = index.componentOf(file);
  const o = c?.overlays.find((x) => x.name === overlay);
  if (o) return o.dir;
  const k = index.kustomizationDirOf(file);
  return k && path.posix.basename(k) === overlay ? k : undefined;
}

function layerOf(o: Origin, root: string): string {
  const rel = path.posix.relative(root, o.file);
  return o.by ? `${o.by} (${rel})` : rel;
}

/** Emits nodes with a marker per line, then strips the markers into an origins table. */
export function renderWithOrigins(
  shown: YNode[],
  root: string,
  multi: boolean,
): { content: string; origins: PlainLineOrigin[] } {
  // Redacted first, so the overridden values listed per line are redacted too.
  const nodes = shown.map((n) => redactTree(n));
  const byOrigin = new Map<Origin, YNode>();
  const walk = (n: YNode) => {
    if (n.origin) byOrigin.set(n.origin, n);
    if (n.kind === 'map') n.pairs.forEach((p) => walk(p.value));
    else if (n.kind === 'seq') n.items.forEach(walk);
  };
  nodes.forEach(walk);
  const table: Origin[] = [];
  const opts = {
    showOrigin: true,
    showSecrets: true,
    describeOrigin: (o: Origin) => `@@${table.push(o) - 1}@@`,
  };
  const text = multi ? emitDocuments(nodes, opts) : nodes.length ? emitYaml(nodes[0], opts) : '';
  const origins: PlainLineOrigin[] = [];
  const lines = text.split('\n').map((l, i) => {
    const m = /\s*# @@(\d+)@@$/.exec(l);
    if (!m) return l;
    const o = table[Number(m[1])];
    const entry: PlainLineOrigin = { line: i, origin: o, layer: layerOf(o, root) };
    const n = byOrigin.get(o);
    if (n?.overrides?.length)
      entry.overridden = n.overrides
        .filter((x) => x.origin)
        .map((x) => ({
          value: x.kind === 'scalar' ? String(x.value) : x.kind,
          origin: x.origin as Origin,
          layer: layerOf(x.origin as Origin, root),
        }));
    origins.push(entry);
    return l.slice(0, m.index);
  });
  return { content: lines.join('\n'), origins };
}

/** The pipeline on `dir` with the cluster profile's variables; its problems and the profile's go to `problems`. */
function run(
  index: WorkspaceIndex,
  dir: string,
  clusterProfile: string | undefined,
  problems: Problem[],
): OverlayRun {
  let variables: Variables | undefined;
  if (clusterProfile) {
    const prof = loadProfile(index.fs, clusterProfile);
    // The profile's own problems are not placed: the preview is not about the profile file.
    for (const p of prof.problems)
      problems.push({
        severity: p.severity === 'error' ? 'error' : 'warning',
        code: p.code,
        message: p.message,
        step: 'substitute',
      });
    variables = prof.variables;
  }
  const r = index.overlay(dir, variables);
  // A release's problems are listed with the release shown (effectiveValues), not all of them.
  problems.push(...r.problems.filter((p) => p.release === undefined));
  return r;
}

export function effectiveValues(
  index: WorkspaceIndex,
  file: string,
  overlay: string,
  root: string,
  release?: string,
  clusterProfile?: string,
): PlainRendered {
  const problems: Problem[] = [];
  const dir = overlayDir(index, file, overlay);
  if (!dir)
    return {
      content: '',
      origins: [],
      problems: [
        { severity: 'error', code: 'no-overlay', message: `no overlay '${overlay}' for ${file}` },
      ],
    };
  const releases = run(index, dir, clusterProfile, problems).releases;
  const chosen = release ? releases.find((r) => r.name === release) : releases[0];
  if (!chosen)
    return {
      content: '',
      origins: [],
      problems: [
        ...problems,
        {
          severity: 'error',
          code: 'no-release',
          message: release
            ? `overlay '${overlay}' renders no HelmRelease '${release}'`
            : `overlay '${overlay}' renders no HelmRelease`,
        },
      ],
    };
  if (!release && releases.length > 1)
    problems.push({
      severity: 'info',
      code: 'several-releases',
      step: 'values',
      message: `overlay '${overlay}' renders ${releases.length} releases (${releases.map((r) => r.name).join(', ')}); showing ${chosen.name}`,
    });
  problems.push(...chosen.problems);
  const r = renderWithOrigins([chosen.values], root, false);
  return { ...r, problems, release: chosen.name };
}

/**
 * A SOPS-encrypted object's `sops:` block (keys, MACs, recipients: dozens of lines of noise in a
 * preview) as one line saying so; the encrypted values stay masked as secrets.
 */
export function collapseSops(n: YMap): YMap {
  const i = n.pairs.findIndex((p) => p.key === 'sops' && p.value.kind === 'map');
  if (i < 0) return n;
  const sops = n.pairs[i].value as YMap;
  const kinds = sops.pairs
    .filter(
      (p) =>
        ['kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'age', 'pgp'].includes(p.key) &&
        (p.value.kind !== 'seq' || p.value.items.length > 0),
    )
    .map((p) => p.key);
  const marker = scalar(
    `<encrypted with SOPS${kinds.length ? ` (${kinds.join(', ')})` : ''}: metadata hidden>`,
    sops.origin,
  );
  return { ...n, pairs: n.pairs.map((p, j) => (j === i ? { ...p, value: marker } : p)) };
}

/** The manifests `overlay` renders for `file`'s component, with the origin of every line. */
export function overlayManifests(
  index: WorkspaceIndex,
  file: string,
  overlay: string,
  root: string,
  clusterProfile?: string,
  /** Also each HelmRelease's chart objects (fluxOverlays/renderOverlay `releaseManifests`). */
  withCharts?: Omit<ChartObjectsOptions, keyof EffectiveValuesOptions>,
): PlainRendered {
  const problems: Problem[] = [];
  const dir = overlayDir(index, file, overlay);
  if (!dir)
    return {
      content: '',
      origins: [],
      problems: [
        { severity: 'error', code: 'no-overlay', message: `no overlay '${overlay}' for ${file}` },
      ],
    };
  const r = run(index, dir, clusterProfile, problems);
  const shown = renderWithOrigins(
    r.objects.map((o) => collapseSops(o.node)),
    root,
    true,
  );
  if (!withCharts) return { ...shown, problems };
  const charts = chartObjects(index.fs, r, {
    ...index.valuesOptions,
    ...withCharts,
    apiVersions: [...(withCharts.apiVersions ?? []), ...index.crdApiVersions()],
  });
  return { ...withChartObjects(shown, charts), problems: [...problems, ...charts.problems] };
}

/** The overlay's own documents followed by its releases' chart objects (origins shifted). */
export function withChartObjects(
  shown: { content: string; origins: PlainLineOrigin[] },
  charts: ChartObjects,
): { content: string; origins: PlainLineOrigin[] } {
  if (!charts.content) return shown;
  const head =
    !shown.content || shown.content.endsWith('\n') ? shown.content : shown.content + '\n';
  const offset = head ? head.split('\n').length - 1 : 0;
  return {
    content: head + charts.content,
    origins: [...shown.origins, ...charts.origins.map((o) => ({ ...o, line: o.line + offset }))],
  };
}
