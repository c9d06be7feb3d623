// Hover, go to definition, document links, document symbols, references and code lenses, as
// plain data (1-based origins for places in files, 0-based characters on the cursor's line).

import * as path from 'path';
import { isRemote } from '../engine/kustomize/loader';
import { schemaAt } from '../engine/schema';
import { Origin, get, getPath, getString, isSeq } from '../engine/yaml/node';
import { EvaluatedCluster, clusterValuesMarkdown } from './clusters';
import { chartsOf, keyDocMarkdown } from './completion';
import { keyDoc } from '../engine/charts/docs';
import {
  DocHeader,
  OverlayRelease,
  describeWhere,
  docHeader,
  isKustomizationFile,
  releasesFor,
  schemaOf,
  shortValue,
  type Target,
  valuesPlace,
} from './context';
import { PathSeg, keyPathAt, lineEntries, tokenAt } from './yamlText';
import { WorkspaceIndex } from './workspaceIndex';
import { templateReadTargets, templateReadsMarkdown } from './valueReads';
import { RenderedFieldsOptions, renderedFieldsMarkdown } from './renderedFields';

export interface HoverResult {
  markdown: string;
  /** 0-based characters on the cursor's line. */
  start: number;
  end: number;
}

/** `clusters` (when a fleet is open): what each cluster gets, to name the clusters where a value differs. */
export function hover(
  index: WorkspaceIndex,
  file: string,
  text: string,
  line: number,
  character: number,
  root: string,
  clusters?: () => readonly EvaluatedCluster[],
  /** Given when charts may be rendered (a trusted workspace): list the fields a key produced. */
  rendered?: RenderedFieldsOptions,
): HoverResult | undefined {
  const kp = keyPathAt(text, line, character);
  if (!kp) return undefined;
  const header = docHeader(text, line);
  const parts: string[] = [];
  const schema = schemaOf(index, file, header);
  const at = schema ? schemaAt(schema.schema, kp.path) : undefined;
  if (at && (at.markdownDescription || at.description))
    parts.push(`**${kp.key}** (${schema?.label})\n\n${at.markdownDescription ?? at.description}`);
  const place = valuesPlace(file, header, kp.path);
  if (place) {
    const rels = releasesFor(index, file, place);
    if (rels.length) parts.push(valuesTable(rels, place.valuesPath, file, root));
    const reads = place.valuesPath.length ? templateReadsMarkdown(index, file, place) : '';
    if (reads) parts.push(reads);
    const fields =
      rendered && rels.length
        ? renderedFieldsMarkdown(index, file, rels, place.valuesPath, rendered)
        : '';
    if (fields) parts.push(fields);
    const component = index.componentOf(file);
    const evaluated = component && clusters ? clusters() : [];
    const onClusters =
      component && evaluated.length
        ? clusterValuesMarkdown(
            evaluated,
            component.dir,
            new Set(rels.map((r) => r.release.name)),
            place.valuesPath,
            root,
          )
        : undefined;
    if (onClusters) parts.push(onClusters);
    for (const c of chartsOf(index, file, place)) {
      const d = keyDoc(c, place.valuesPath);
      if (d) {
        parts.push(keyDocMarkdown(d));
        break;
      }
    }
  }
  if (parts.length === 0) return undefined;
  return {
    markdown: parts.join('\n\n---\n\n'),
    start: kp.keyStart,
    end: Math.max(kp.keyEnd, kp.keyStart + kp.key.length),
  };
}

/**
 * The value a key ends with in every overlay of the component (base included), and where it
 * comes from: this file, the overlay's own files, inherited from the base, the chart's default,
 * or not set. Several releases per overlay (a shared values file) get a row each.
 */
function valuesTable(
  rels: OverlayRelease[],
  valuesPath: PathSeg[],
  file: string,
  root: string,
): string {
  const perOverlay = new Map<string, number>();
  for (const r of rels) perOverlay.set(r.overlay, (perOverlay.get(r.overlay) ?? 0) + 1);
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const rows = rels.map((r) => {
    const n = getPath(r.release.values, valuesPath);
    const o = n?.origin;
    const from = !n
      ? 'not set'
      : !o
        ? 'chart default'
        : o.file === file
          ? `this file, line ${o.line}`
          : o.file.startsWith(r.dir + '/')
            ? describeWhere(o, root)
            : `inherited: ${describeWhere(o, root)}`;
    const label =
      (perOverlay.get(r.overlay) ?? 0) > 1 ? `${r.overlay} (${r.release.name})` : r.overlay;
    return `| ${cell(label)} | ${n ? `\`${cell(shortValue(n))}\`` : '—'} | ${cell(from)} |`;
  });
  const names = [...new Set(rels.map((r) => r.release.name))];
  const title = `**${valuesPath.join('.')}** in release ${names.map((n) => `\`${n}\``).join(' / ')}`;
  return `${title}\n\n| overlay | value | from |\n|---|---|---|\n${rows.join('\n')}`;
}

export type { Target };

export interface LinkResult {
  /** 0-based line and characters of the link text. */
  line: number;
  start: number;
  end: number;
  target: string;
}

const PATH_FIELDS = new Set(['resources', 'components', 'bases', 'crds', 'patchesStrategicMerge']);

/** A folder resolves to its kustomization file. */
function resolveTarget(index: WorkspaceIndex, dir: string, rel: string): string | undefined {
  const clean = rel.includes('=') ? rel.slice(rel.indexOf('=') + 1) : rel;
  if (isRemote(clean)) return undefined;
  const abs = path.posix.resolve(dir, clean);
  const t = index.fs.stat(abs);
  if (t === 'file') return abs;
  if (t === 'dir')
    for (const n of ['kustomization.yaml', 'kustomization.yml', 'Kustomization'])
      if (index.fs.stat(path.posix.join(abs, n)) === 'file') return path.posix.join(abs, n);
  return undefined;
}

/** Paths written in a kustomization file, as links. */
export function documentLinks(index: WorkspaceIndex, file: string): LinkResult[] {
  if (!isKustomizationFile(file)) return [];
  const parsed = index.parse(file);
  const out: LinkResult[] = [];
  const dir = path.posix.dirname(file);
  const add = (n: { value: unknown; origin?: Origin } | undefined) => {
    if (!n || typeof n.value !== 'string' || !n.origin || n.origin.line !== n.origin.endLine)
      return;
    const target = resolveTarget(index, dir, n.value);
    if (target)
      out.push({
        line: n.origin.line - 1,
        start: n.origin.col - 1,
        end: n.origin.endCol - 1,
        target,
      });
  };
  for (const d of parsed?.documents ?? []) {
    for (const f of PATH_FIELDS) {
      const list = get(d.root, f);
      if (isSeq(list)) for (const i of list.items) if (i.kind === 'scalar') add(i);
    }
    for (const f of ['patches', 'patchesJson6902']) {
      const list = get(d.root, f);
      if (isSeq(list))
        for (const i of list.items) {
          const p = get(i, 'path');
          if (p && p.kind === 'scalar') add(p);
        }
    }
    for (const f of ['configMapGenerator', 'secretGenerator']) {
      const list = get(d.root, f);
      if (isSeq(list))
        for (const g of list.items)
          for (const k of ['files', 'envs']) {
            const files = get(g, k);
            if (isSeq(files)) for (const i of files.items) if (i.kind === 'scalar') add(i);
          }
    }
  }
  return out;
}

export function definition(
  index: WorkspaceIndex,
  file: string,
  text: string,
  line: number,
  character: number,
): Target[] {
  const lineText = text.split(/\r?\n/)[line] ?? '';
  const link = documentLinks(index, file).find(
    (l) => l.line === line && character >= l.start && character <= l.end,
  );
  if (link) return [{ file: link.target }];
  const kp = keyPathAt(text, line, character);
  const tok = tokenAt(lineText, character);
  if (kp && !kp.onValue) {
    // A values key: the template lines of the chart that read it.
    const place = valuesPlace(file, docHeader(text, line), kp.path);
    if (place && place.valuesPath.length) return templateReadTargets(index, file, place);
  }
  if (!kp || !kp.onValue || !tok) return [];
  const header = docHeader(text, line);
  const p = kp.path
    .map(String)
    .map((s) => (/^\d+$/.test(s) ? '#' : s))
    .join('.');
  let kinds: string[] | undefined;
  if (header.kind === 'HelmRelease') {
    if (p === 'spec.valuesFrom.#.name') kinds = [siblingKind(text, line) ?? 'ConfigMap'];
    else if (p === 'spec.chart.spec.sourceRef.name' || p === 'spec.chartRef.name')
      kinds = siblingKind(text, line)
        ? [siblingKind(text, line) as string]
        : ['HelmRepository', 'OCIRepository', 'GitRepository'];
    else if (p === 'spec.dependsOn.#.name') kinds = ['HelmRelease'];
  }
  if (!kinds) return [];
  const out: Target[] = [];
  const dir = index.kustomizationDirOf(file);
  if (dir)
    for (const o of index.build(dir).objects) {
      if (
        kinds.includes(getString(o.node, 'kind') ?? '') &&
        getString(get(o.node, 'metadata'), 'name') === tok.text
      ) {
        const n = get(get(o.node, 'metadata'), 'name');
        const origin = n?.origin ?? o.node.origin;
        if (origin) out.push({ file: origin.file, origin });
      }
    }
  for (const o of index.objects())
    if (
      kinds.includes(o.kind) &&
      o.name === tok.text &&
      !out.some((t) => t.file === o.file && t.origin?.line === o.origin.line)
    )
      out.push({ file: o.file, origin: o.origin });
  return out;
}

function siblingKind(text: string, line: number): string | undefined {
  const lines = text.split(/\r?\n/);
  const col = lineEntries(lines[line]).find((e) => e.kind === 'key')?.col ?? 0;
  for (const dir of [-1, 1])
    for (let i = line + dir; i >= 0 && i < lines.length; i += dir) {
      const e = lineEntries(lines[i]);
      const k = e.find((x) => x.kind === 'key');
      if (!k) continue;
      if (k.col < col) break;
      if (k.col === col && k.key === 'kind')
        return k.rest?.replace(/["']/g, '').replace(/\s+#.*$/, '');
      if (k.col === col && e[0].kind === 'dash' && dir === -1) break;
    }
  return undefined;
}

export interface SymbolResult {
  name: string;
  detail: string;
  kind: 'object' | 'module' | 'key';
  origin: Origin;
  children: SymbolResult[];
}

export function documentSymbols(index: WorkspaceIndex, file: string): SymbolResult[] {
  const parsed = index.parse(file);
  const out: SymbolResult[] = [];
  for (const d of parsed?.documents ?? []) {
    const root = d.root;
    if (!root || root.kind !== 'map') continue;
    const kind =
      getString(root, 'kind') ?? (isKustomizationFile(file) ? 'Kustomization' : 'values');
    const name = getString(get(root, 'metadata'), 'name');
    const children: SymbolResult[] = root.pairs
      .filter((p) => p.keyOrigin)
      .map((p) => ({
        name: p.key,
        detail: shortValue(p.value),
        kind: 'key' as const,
        origin: {
          ...(p.keyOrigin as Origin),
          endLine: p.value.origin?.endLine ?? (p.keyOrigin as Origin).endLine,
          endCol: p.value.origin?.endCol ?? (p.keyOrigin as Origin).endCol,
        },
        children: [],
      }));
    out.push({
      name: name ? `${kind}/${name}` : kind,
      detail: getString(root, 'apiVersion') ?? '',
      kind: kind === 'Kustomization' ? 'module' : 'object',
      origin: root.origin ?? d.origin,
      children,
    });
  }
  return out;
}

/** From a ConfigMap/Secret name (its metadata.name or a generator's name) to the valuesFrom entries naming it. */
export function references(
  index: WorkspaceIndex,
  file: string,
  text: string,
  line: number,
  character: number,
): Origin[] {
  const kp = keyPathAt(text, line, character);
  if (!kp || kp.key !== 'name') return [];
  const header: DocHeader = docHeader(text, line);
  const lineText = text.split(/\r?\n/)[line] ?? '';
  const value = lineText
    .slice(kp.keyEnd + 1)
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\s+#.*$/, '');
  let kind: string | undefined;
  if (
    (header.kind === 'ConfigMap' || header.kind === 'Secret') &&
    kp.path.length === 2 &&
    kp.path[0] === 'metadata'
  )
    kind = header.kind;
  if (
    isKustomizationFile(file) &&
    kp.path.length === 3 &&
    (kp.path[0] === 'configMapGenerator' || kp.path[0] === 'secretGenerator')
  )
    kind = kp.path[0] === 'configMapGenerator' ? 'ConfigMap' : 'Secret';
  if (!kind || !value) return [];
  return index
    .valuesFromRefs()
    .filter((r) => r.kind === kind && r.name === value)
    .map((r) => r.origin);
}

export interface LensResult {
  title: string;
  command: string;
  args: { uri: string; overlay: string };
}

/** Code lenses on kustomization files and values files of a component: preview the effective values per overlay. */
export function codeLenses(
  index: WorkspaceIndex,
  file: string,
  productionOverlay: string,
): LensResult[] {
  const c = index.componentOf(file);
  if (!c) return [];
  const name = path.posix.basename(file);
  const text = index.fs.readFile(file) ?? '';
  const relevant =
    isKustomizationFile(file) || /values/i.test(name) || /kind:\s*HelmRelease\b/.test(text);
  if (!relevant) return [];
  const out: LensResult[] = [];
  const overlays = c.overlays.filter((o) => o.name !== 'base');
  // The first lens names its action; the next ones are the other overlays' names beside it.
  if (overlays.some((o) => o.name === productionOverlay))
    out.push({
      title: `Preview effective values (${productionOverlay})`,
      command: 'fluxOverlays.previewProductionValues',
      args: { uri: file, overlay: productionOverlay },
    });
  for (const o of overlays)
    if (o.name !== productionOverlay)
      out.push({
        title: out.length === 0 ? `Preview effective values (${o.name})` : o.name,
        command: 'fluxOverlays.previewEffectiveValues',
        args: { uri: file, overlay: o.name },
      });
  return out;
}
