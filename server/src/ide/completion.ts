// Completion candidates at a cursor, in editor terms but without LSP types: schema keys (with
// docs and required children as snippets), enum values, apiVersion/kind, file and folder paths
// in kustomization fields, ConfigMap/Secret names for valuesFrom, source names for sourceRef,
// HelmRelease names for dependsOn, and Helm values keys from the base layer of the release.

import * as path from 'path';
import { JsonSchema, schemaAt } from '../engine/schema';
import { YNode, getPath } from '../engine/yaml/node';
import {
  docHeader,
  isKustomizationFile,
  releasesFor,
  schemaOf,
  shortValue,
  valuesPlace,
} from './context';
import { cursorContext, lineEntries, PathSeg, documentAt } from './yamlText';
import { WorkspaceIndex } from './workspaceIndex';
import { chartKeys, keyDoc, KeyDoc } from '../engine/charts/docs';
import { chartFileRole } from '../engine/charts/layout';
import { loadChartTree } from '../engine/charts/load';
import { Chart } from '../engine/charts/model';

export type CandidateKind =
  'property' | 'value' | 'enum' | 'file' | 'folder' | 'reference' | 'module';

export interface Candidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  documentation?: string;
  /** Text to insert; a snippet (with $1 placeholders) when `snippet`. */
  insertText: string;
  snippet?: boolean;
  /** 0-based characters on the cursor's line replaced by the insertion. */
  replaceStart: number;
  replaceEnd: number;
  sortText?: string;
}

const PATH_LIST_FIELDS = new Set([
  'resources',
  'components',
  'bases',
  'crds',
  'patchesStrategicMerge',
]);

function samePath(a: PathSeg[], pattern: (string | '#')[]): boolean {
  return (
    a.length === pattern.length &&
    pattern.every((p, i) => (p === '#' ? typeof a[i] === 'number' : a[i] === p))
  );
}

export function complete(
  index: WorkspaceIndex,
  file: string,
  text: string,
  line: number,
  character: number,
): Candidate[] {
  const ctx = cursorContext(text, line, character);
  const header = docHeader(text, line);
  const lineText = text.split(/\r?\n/)[line] ?? '';
  let end = character;
  while (end < lineText.length && /[^\s#]/.test(lineText[end])) end++;
  const range = { replaceStart: ctx.tokenStart, replaceEnd: ctx.inValue ? end : character };
  const isKust = isKustomizationFile(file);
  const schema = schemaOf(index, file, header);

  // file and folder paths
  if (isKust) {
    const full = ctx.inValue ? [...ctx.path, ctx.key as string] : ctx.path;
    const pathField =
      (typeof full[0] === 'string' &&
        PATH_LIST_FIELDS.has(full[0]) &&
        full.length === 2 &&
        typeof full[1] === 'number' &&
        !ctx.inValue) ||
      samePath(full, ['patches', '#', 'path']) ||
      samePath(full, ['patchesJson6902', '#', 'path']) ||
      (full.length === 4 &&
        (full[0] === 'configMapGenerator' || full[0] === 'secretGenerator') &&
        (full[2] === 'files' || full[2] === 'envs') &&
        !ctx.inValue) ||
      (full.length === 3 &&
        (full[0] === 'configMapGenerator' || full[0] === 'secretGenerator') &&
        full[2] === 'env' &&
        ctx.inValue);
    if (pathField && (ctx.inValue || ctx.listItem))
      return pathCandidates(
        index,
        path.posix.dirname(file),
        ctx.prefix,
        range,
        full[0] === 'resources' || full[0] === 'components' || full[0] === 'bases',
      );
  }

  if (ctx.inValue) {
    const key = ctx.key as string;
    const full = [...ctx.path, key];
    if (ctx.path.length === 0 && key === 'apiVersion') {
      const seen = new Set<string>();
      return index.registry
        .known()
        .filter((k) => !header.kind || k.kind === header.kind)
        .filter((k) => !seen.has(k.apiVersion) && seen.add(k.apiVersion))
        .map((k) => ({
          label: k.apiVersion,
          kind: 'value',
          detail: k.deprecated ? `${k.kind} (deprecated)` : k.kind,
          insertText: k.apiVersion,
          sortText: (k.deprecated ? '1' : '0') + k.apiVersion,
          ...range,
        }));
    }
    if (ctx.path.length === 0 && key === 'kind') {
      const seen = new Set<string>();
      return index.registry
        .known()
        .filter((k) => !header.apiVersion || k.apiVersion === header.apiVersion)
        .filter((k) => !seen.has(k.kind) && seen.add(k.kind))
        .map((k) => ({
          label: k.kind,
          kind: 'value',
          detail: k.apiVersion,
          insertText: k.kind,
          ...range,
        }));
    }
    if (header.kind === 'HelmRelease') {
      if (samePath(full, ['spec', 'valuesFrom', '#', 'name'])) {
        const refKind = siblingValue(text, line, 'kind') ?? 'ConfigMap';
        return names(objectNames(index, file, refKind), refKind, range);
      }
      if (
        samePath(full, ['spec', 'chart', 'spec', 'sourceRef', 'name']) ||
        samePath(full, ['spec', 'chartRef', 'name'])
      ) {
        const refKind = siblingValue(text, line, 'kind');
        const kinds = refKind
          ? [refKind]
          : ['HelmRepository', 'OCIRepository', 'GitRepository', 'Bucket'];
        return kinds.flatMap((k) => names(objectNames(index, file, k), k, range));
      }
      if (samePath(full, ['spec', 'dependsOn', '#', 'name']))
        return names(objectNames(index, file, 'HelmRelease'), 'HelmRelease', range);
    }
    const vplace = valuesPlace(file, header, ctx.path);
    if (vplace) {
      for (const c of chartsOf(index, file, vplace)) {
        const d = keyDoc(c, [...vplace.valuesPath, key]);
        if (d?.schema?.enum)
          return d.schema.enum.map((v) => ({
            label: String(v),
            kind: 'enum' as const,
            insertText: String(v),
            detail: `values.schema.json of ${d.chart}`,
            ...range,
          }));
        if (d?.schema?.types.length === 1 && d.schema.types[0] === 'boolean')
          return ['true', 'false'].map((v) => ({
            label: v,
            kind: 'enum' as const,
            insertText: v,
            ...range,
          }));
      }
    }
    if (schema) {
      const at = schemaAt(schema.schema, full);
      if (at?.enum)
        return at.enum.map((v) => ({
          label: String(v),
          kind: 'enum' as const,
          insertText: String(v),
          ...(at.description ? { documentation: at.description } : {}),
          ...range,
        }));
      const types = at?.schemas.map((s) => s.type).flat();
      if (types?.includes('boolean'))
        return ['true', 'false'].map((v) => ({
          label: v,
          kind: 'enum' as const,
          insertText: v,
          ...range,
        }));
    }
    return [];
  }

  // keys
  const out: Candidate[] = [];
  const present = siblingKeys(text, line, ctx.tokenStart);
  const place = valuesPlace(file, header, ctx.path);
  if (place) out.push(...valuesKeys(index, file, place, present, range));
  if (schema && !(place && header.kind !== 'HelmRelease')) {
    const at = schemaAt(schema.schema, ctx.path);
    if (at) {
      for (const [k, s] of Object.entries(at.properties)) {
        if (present.has(k)) continue;
        out.push(keyCandidate(k, s, at.required.includes(k), range));
      }
    }
  }
  return out;
}

function keyCandidate(
  key: string,
  s: JsonSchema,
  required: boolean,
  range: { replaceStart: number; replaceEnd: number },
): Candidate {
  const child = schemaAt(s, []);
  const types = (child?.schemas ?? [s])
    .map((x) => x.type)
    .flat()
    .filter(Boolean) as string[];
  let insertText = `${key}: $1`;
  if (types.includes('object') && child) {
    const req = child.required.filter((r) => r in child.properties);
    insertText = req.length
      ? `${key}:\n  ${req.map((r, i) => `${r}: $${i + 1}`).join('\n  ')}`
      : `${key}:\n  $1`;
  } else if (types.includes('array')) insertText = `${key}:\n  - $1`;
  else if (child?.enum && child.enum.length > 0)
    insertText = `${key}: \${1|${child.enum.map(String).join(',')}|}`;
  const doc = child?.markdownDescription ?? child?.description ?? s.description;
  return {
    label: key,
    kind: 'property',
    insertText,
    snippet: true,
    ...(doc ? { documentation: doc } : {}),
    detail: `${types.join(' | ') || 'any'}${required ? ' (required)' : ''}`,
    sortText: (required ? '0' : '1') + key,
    ...range,
  };
}

/** Markdown for a chart's word on a values key: helm-docs comment, default, schema type/enum. */
export function keyDocMarkdown(d: KeyDoc): string {
  const parts: string[] = [];
  if (d.doc) parts.push(d.doc);
  else if (d.schema?.description) parts.push(d.schema.description);
  const facts: string[] = [];
  if (d.default !== undefined) facts.push(`default \`${shortValue(d.default)}\``);
  if (d.schema?.types.length) facts.push(`type ${d.schema.types.join(' | ')}`);
  if (d.schema?.enum)
    facts.push(`one of ${d.schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  parts.push(`${facts.length ? facts.join(', ') + ' ' : ''}(chart ${d.chart})`);
  return parts.join('\n\n');
}

/** The charts whose values a values place sets: the releases' charts, or the chart a chart values file belongs to. */
export function chartsOf(
  index: WorkspaceIndex,
  file: string,
  place: { valuesPath: PathSeg[]; release?: string },
): Chart[] {
  const out: Chart[] = [];
  for (const r of releasesFor(index, file, place))
    if (r.release.chart.tree && !out.includes(r.release.chart.tree)) out.push(r.release.chart.tree);
  if (out.length === 0) {
    const role = chartFileRole(index.fs, file);
    if (role && (role.role === 'values' || role.role === 'ci-values')) {
      const c = loadChartTree(role.root, index.fs);
      if (!('error' in c)) out.push(c);
    }
  }
  return out;
}

function valuesKeys(
  index: WorkspaceIndex,
  file: string,
  place: { valuesPath: PathSeg[]; release?: string },
  present: Set<string>,
  range: { replaceStart: number; replaceEnd: number },
): Candidate[] {
  const out0: Candidate[] = [];
  const seen0 = new Set<string>();
  const role = chartFileRole(index.fs, file)?.role;
  for (const c of chartsOf(index, file, place)) {
    // a chart's own values.yaml: its own keys are what the user is writing; offer the subcharts' and the schema's
    const keys = chartKeys(c, place.valuesPath).filter(
      (k) =>
        role !== 'values' ||
        place.valuesPath.length > 0 ||
        c.subcharts.some((s) => s.name === k) ||
        (c.dependencies ?? []).some((d) => d.alias === k) ||
        getPath(c.values, [k]) === undefined,
    );
    for (const k of keys) {
      if (present.has(k) || seen0.has(k)) continue;
      seen0.add(k);
      const d = keyDoc(c, [...place.valuesPath, k]);
      const isMap =
        d?.default?.kind === 'map' ||
        d?.schema?.types.includes('object') ||
        c.subcharts.some((s) => s.name === k);
      out0.push({
        label: k,
        kind: 'property',
        detail: d?.default !== undefined ? `default: ${shortValue(d.default)}` : `chart ${c.name}`,
        ...(d ? { documentation: keyDocMarkdown(d) } : {}),
        insertText: isMap ? `${k}:\n  $1` : `${k}: $1`,
        snippet: true,
        sortText: '1' + k,
        ...range,
      });
    }
  }
  const fromReleases = releaseKeys(index, file, place, new Set([...present, ...seen0]), range);
  return [...fromReleases, ...out0];
}

function releaseKeys(
  index: WorkspaceIndex,
  file: string,
  place: { valuesPath: PathSeg[]; release?: string },
  present: Set<string>,
  range: { replaceStart: number; replaceEnd: number },
): Candidate[] {
  const releases = releasesFor(index, file, place);
  // the base layer first: what the release gets before any overlay
  const ordered = [
    ...releases.filter((r) => r.overlay === 'base'),
    ...releases.filter((r) => r.overlay !== 'base'),
  ];
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const r of ordered) {
    const n: YNode | undefined = place.valuesPath.length
      ? getPath(r.release.values, place.valuesPath)
      : r.release.values;
    if (!n || n.kind !== 'map') continue;
    for (const p of n.pairs) {
      if (present.has(p.key) || seen.has(p.key)) continue;
      seen.add(p.key);
      const isMapValue = p.value.kind === 'map';
      const d = r.release.chart.tree
        ? keyDoc(r.release.chart.tree, [...place.valuesPath, p.key])
        : undefined;
      out.push({
        label: p.key,
        kind: 'property',
        detail: `${r.overlay}: ${shortValue(p.value)}`,
        documentation: `Helm value of release \`${r.release.name}\` (from ${r.overlay})${d ? `\n\n${keyDocMarkdown(d)}` : ''}`,
        insertText: isMapValue ? `${p.key}:\n  $1` : `${p.key}: $1`,
        snippet: true,
        sortText: '0' + p.key,
        ...range,
      });
    }
  }
  return out;
}

function names(
  list: { name: string; where: string }[],
  kind: string,
  range: { replaceStart: number; replaceEnd: number },
): Candidate[] {
  const seen = new Set<string>();
  return list
    .filter((n) => !seen.has(n.name) && seen.add(n.name))
    .map((n) => ({
      label: n.name,
      kind: 'reference' as const,
      detail: `${kind} (${n.where})`,
      insertText: n.name,
      ...range,
    }));
}

/** Names of objects of `kind` the overlay of `file` builds, then those defined anywhere in the workspace. */
export function objectNames(
  index: WorkspaceIndex,
  file: string,
  kind: string,
): { name: string; where: string }[] {
  const out: { name: string; where: string }[] = [];
  const dir = index.kustomizationDirOf(file);
  if (dir) {
    for (const o of index.build(dir).objects) {
      if (
        o.node.kind === 'map' &&
        String((getPath(o.node, ['kind']) as { value?: unknown } | undefined)?.value) === kind
      ) {
        const n = getPath(o.node, ['metadata', 'name']);
        if (n && n.kind === 'scalar')
          out.push({
            name: String(n.value),
            where: o.generatedBy ? `generated by ${o.generatedBy}` : 'built by this overlay',
          });
        const generated = o.generatedBy ? /Generator (\S+)/.exec(o.generatedBy) : null;
        if (generated && generated[1] !== String(n?.kind === 'scalar' ? n.value : ''))
          out.push({
            name: generated[1],
            where: `${o.generatedBy}; the build renames it ${n?.kind === 'scalar' ? String(n.value) : ''}`,
          });
      }
    }
  }
  for (const o of index.objects(kind))
    out.push({ name: o.name, where: path.posix.basename(o.file) });
  return out;
}

function siblingValue(text: string, line: number, key: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const cur = lineEntries(lines[line] ?? '');
  const keyCol = cur.find((e) => e.kind === 'key')?.col;
  if (keyCol === undefined) return undefined;
  const d = documentAt(lines, line);
  for (const dir of [-1, 1]) {
    for (let i = line + dir; i >= d.start && i <= d.end; i += dir) {
      const e = lineEntries(lines[i]);
      const k = e.find((x) => x.kind === 'key');
      if (!k) continue;
      if (k.col < keyCol) break;
      if (k.col === keyCol && k.key === key)
        return k.rest?.replace(/^["']|["']$/g, '').replace(/\s+#.*$/, '');
      if (k.col === keyCol && e[0].kind === 'dash' && dir === -1) break;
    }
  }
  return undefined;
}

/** Keys already written at the cursor's level (so completion does not offer them again). */
function siblingKeys(text: string, line: number, col: number): Set<string> {
  const lines = text.split(/\r?\n/);
  const out = new Set<string>();
  const d = documentAt(lines, line);
  for (const dir of [-1, 1]) {
    for (let i = line + dir; i >= d.start && i <= d.end; i += dir) {
      const l = lines[i];
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      const e = lineEntries(l);
      const k = e.find((x) => x.kind === 'key');
      const first = e[0];
      const indent = l.length - l.trimStart().length;
      if (!k) {
        if (indent < col) break;
        continue;
      }
      if (k.col < col) break;
      if (k.col === col) {
        out.add(k.key as string);
        if (first.kind === 'dash') break;
      }
    }
  }
  return out;
}

function pathCandidates(
  index: WorkspaceIndex,
  dir: string,
  prefix: string,
  range: { replaceStart: number; replaceEnd: number },
  foldersFirst: boolean,
): Candidate[] {
  const typed = prefix.replace(/^["']/, '');
  const slash = typed.lastIndexOf('/');
  const parentRel = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const base = path.posix.resolve(dir, parentRel || '.');
  const out: Candidate[] = [];
  const entries = index.fs.readDir(base);
  if (parentRel === '' || /^(\.\.\/)+$/.test(parentRel))
    out.push({
      label: '../',
      kind: 'folder',
      insertText: parentRel + '../',
      ...range,
      sortText: '2..',
    });
  for (const name of entries.sort()) {
    if (name.startsWith('.')) continue;
    const full = path.posix.join(base, name);
    const t = index.fs.stat(full);
    if (t === 'dir')
      out.push({
        label: name + '/',
        kind: 'folder',
        insertText: parentRel + name,
        detail: index.kustomizationDirs.has(full) ? 'kustomization' : 'folder',
        ...range,
        sortText: (foldersFirst ? '0' : '1') + name,
      });
    else if (
      t === 'file' &&
      /\.(ya?ml|json|env|properties|txt|conf|tpl)$/i.test(name) &&
      !/^kustomization\.ya?ml$/.test(name)
    )
      out.push({
        label: name,
        kind: 'file',
        insertText: parentRel + name,
        ...range,
        sortText: (foldersFirst ? '1' : '0') + name,
      });
  }
  return out;
}
