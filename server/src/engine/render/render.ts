// Renders a chart to the objects Helm installs, in process: Helm's engine (every template of
// the chart tree parsed into one set, deepest paths first so the parent's defines win; each
// file executed with its chart's scoped values), NOTES.txt left out, then Helm's manifest
// sorting: CRDs from crds/ first (install.crds), resources in install order by kind, hooks
// after them marked with their events, test hooks only when asked.

import * as path from 'path';
import { Chart, ChartFile } from './chart';
import { capabilitiesStruct, chartStruct, filesStruct } from './builtins';
import { coalesceChartValues, processDependencies } from './coalesce';
import { INSTALL_ORDER } from './kindOrder';
import {
  OriginReader,
  OutputSpan,
  TemplateSet,
  ValuePath,
  isStackOverflow,
  samePath,
  valueTracker,
} from '../template/exec';
import { helmFuncs } from '../template/funcs';
import { GoMap, TemplateError, newMap } from '../template/value';
import { parseYaml } from '../yaml/parse';
import { YNode, toJS } from '../yaml/node';

export interface RenderOptions {
  releaseName: string;
  namespace: string;
  kubeVersion?: string;
  apiVersions?: readonly string[];
  /** Output crds/ files first (helm template --include-crds; helm-controller install.crds != Skip). */
  includeCrds?: boolean;
  /** Keep test hooks (helm-controller spec.test.enable); helm template --skip-tests drops them. */
  includeTests?: boolean;
  isUpgrade?: boolean;
  revision?: number;
  /** Record which template line (and .Values path) wrote each rendered line (lineOrigins). */
  origins?: boolean;
}

/** Where a rendered line came from: a template file's line, and the value it printed if any. */
export interface LineOrigin {
  /** Template name as in `# Source:` (`podinfo/templates/deployment.yaml`). */
  template: string;
  line: number;
  /** .Values path the line printed, as its template reads it (a subchart's own .Values). */
  values?: ValuePath;
  /**
   * The same place in the release's values when that differs: a subchart's `.Values.x` is
   * `<name or alias>.x` of its parent's values.
   */
  releaseValues?: ValuePath;
  /** Other values the line printed after the first, as paths of the release's values. */
  also?: ValuePath[];
}

/** A values path as templates write it: `.Values.resources.limits.cpu`, `.Values.hosts[0].host`. */
export function valuesPathText(p: readonly (string | number)[]): string {
  return '.Values' + p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
}

/**
 * The path of each line of a map or list an action printed as YAML (`toYaml .Values.x | nindent
 * 4`), from `base`: a key's line is that key's (`limits:` is `x.limits`, `cpu: 100m` is
 * `x.limits.cpu`), a list item's the item's, the further lines of a block scalar their key's.
 * Undefined when the text does not read as one YAML document.
 */
function piecePaths(piece: string, base: ValuePath): (ValuePath | undefined)[] | undefined {
  const parsed = parseYaml(piece, 'printed');
  const root = parsed.documents[0]?.root;
  if (parsed.documents.length !== 1 || !root || parsed.problems.some((p) => p.severity === 'error'))
    return undefined;
  const lines: (ValuePath | undefined)[] = [];
  // Pre-order, so the deepest node starting on a line names it (`- name: a` is `[0].name`).
  const mark = (line: number | undefined, p: ValuePath) => {
    if (line !== undefined) lines[line - 1] = p;
  };
  const walk = (n: YNode, at: ValuePath): void => {
    mark(n.origin?.line, at);
    if (n.kind === 'map')
      for (const pair of n.pairs) {
        const p = [...at, pair.key];
        mark(pair.keyOrigin?.line, p);
        walk(pair.value, p);
      }
    else if (n.kind === 'seq') n.items.forEach((x, i) => walk(x, [...at, i]));
  };
  walk(root, base);
  let last: ValuePath | undefined;
  return piece.split('\n').map((text, i) => {
    if (lines[i]) last = lines[i];
    return text.trim() === '' ? undefined : last;
  });
}

export interface RenderedObject {
  /** Template path (`podinfo/templates/deployment.yaml`) or CRD file (`crds/x.yaml`). */
  source: string;
  /** The document's YAML text as Helm outputs it. */
  text: string;
  /** Parsed document (null for a document of comments only); shared between renders: do not change it. */
  object: unknown;
  /** The same document as a tree with origins (into the rendered text), shared likewise. */
  node?: YNode;
  kind?: string;
  name?: string;
  /** Hook events (helm.sh/hook) when the object is a hook. */
  hook?: string[];
  crd?: boolean;
  /** Functions with random or time-dependent output that this object's template called. */
  nonReproducible?: string[];
  /** Where two renders of this object differed (keys and list indexes; [] for the whole object). */
  nonReproduciblePaths?: (string | number)[][];
  /**
   * With `origins`: per line of `text` (as rendered, before post-rendering), the template line
   * that wrote its first character; the nodes of `node` read from that text point at these
   * lines (origin.file === source, no origin.by). See fieldOrigins.
   */
  lineOrigins?: (LineOrigin | undefined)[];
}

/**
 * Origins of a rendered output: for each line of `text`, the span that wrote its first
 * non-blank character. Undefined when the spans do not add up to the text.
 */
function linesOf(
  raw: string,
  spans: readonly OutputSpan[],
  text: string,
  /** Where the template's chart's .Values sit in the release's values (a subchart's name). */
  prefix: ValuePath,
): (LineOrigin | undefined)[] | undefined {
  const out: (LineOrigin | undefined)[] = [undefined];
  let offset = 0;
  let built = '';
  let lineDone = false;
  for (const sp of spans) {
    // Helm removes `<no value>` from the whole output; actions print it whole.
    const piece = raw.slice(offset, offset + sp.len).replace(/<no value>/g, '');
    offset += sp.len;
    built += piece;
    let tline = sp.line;
    // A map or list printed as YAML: each line is its own key's (a one-line `a: 1` too).
    const perLine =
      sp.lines ??
      (sp.values && sp.collection && piece.includes(':')
        ? piecePaths(piece, sp.values)
        : undefined);
    // An include printed as is or through indent/nindent: its lines are the included template's.
    const inc = sp.included;
    const incLines = inc ? includedLines(inc, sp, prefix) : undefined;
    let k = 0;
    // Whether this span's part of the current line has been looked at (values are per part).
    let partDone = false;
    for (let i = 0; i < piece.length; i++) {
      const ch = piece[i];
      if (ch === '\n') {
        out.push(undefined);
        lineDone = false;
        partDone = false;
        if (sp.text) tline++;
        k++;
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r') continue;
      if (partDone) continue;
      partDone = true;
      const inner = incLines && k >= inc!.lead ? incLines[k - inc!.lead] : undefined;
      if (!lineDone) {
        out[out.length - 1] = inner ? { ...inner } : { template: sp.name, line: tline };
        lineDone = true;
        if (inner) continue;
      }
      // The line prints values (`replicas: {{ .Values.replicaCount }}`): the first one it
      // prints is `values`, the others `also` (`image: "{{ .Values.image.repository }}:{{
      // .Values.image.tag }}"`). An include continuing a started line (`name: {{ include
      // "x.fullname" . }}`): the values its own line printed.
      const cur = out[out.length - 1]!;
      if (inner) {
        const first = inner.releaseValues ?? inner.values;
        if (first) addValues(cur, first, prefix);
        for (const p of inner.also ?? []) addValues(cur, p, prefix);
      } else {
        const first = perLine ? perLine[k] : sp.values;
        if (first) addValues(cur, first, prefix);
        if (!perLine) for (const p of sp.also ?? []) addValues(cur, p, prefix);
      }
    }
  }
  return built === text ? out : undefined;
}

/** Adds a value a line printed: its first, or one more (`also`) unless it is there already. */
function addValues(o: LineOrigin, values: ValuePath, prefix: ValuePath): void {
  if (!o.values) return setValues(o, values, prefix);
  if (!values.length) return;
  const has = (p: ValuePath) => samePath(p, values);
  if (has(o.releaseValues ?? o.values) || o.also?.some(has)) return;
  (o.also ??= []).push(values);
}

/** Says that a line printed the value at `values` (the release's values path; see LineOrigin). */
function setValues(o: LineOrigin, values: ValuePath | undefined, prefix: ValuePath): void {
  if (!values || !values.length) return;
  const own = startsWith(values, prefix) ? values.slice(prefix.length) : values;
  if (!own.length) return;
  o.values = own;
  if (own !== values) o.releaseValues = values;
}

/**
 * The lines of an include or tpl an action printed (OutputSpan.included), by line of its own
 * output. A line tpl wrote from its text is the tpl call's line, and, unless an action in that
 * text printed a value of its own, the value the text came from: the key of that line when the
 * text was a map or list as YAML (`tpl (toYaml .Values.podLabels) $`), else the value's path.
 */
function includedLines(
  inc: NonNullable<OutputSpan['included']>,
  sp: OutputSpan,
  prefix: ValuePath,
): (LineOrigin | undefined)[] | undefined {
  const raw = inc.raw ?? inc.text;
  if (!inc.tpl && raw.includes('<no value>')) return undefined;
  const lines = linesOf(raw, inc.spans, inc.text, prefix);
  const tpl = inc.tpl;
  if (!lines || !tpl) return lines;
  const src = tpl.values;
  const srcLines = src && tpl.collection ? piecePaths(tpl.source, src) : undefined;
  return lines.map((lo) => {
    if (!lo || lo.template !== TPL_NAME) return lo;
    const o: LineOrigin = { template: sp.name, line: sp.line };
    if (lo.values) {
      o.values = lo.values;
      if (lo.releaseValues) o.releaseValues = lo.releaseValues;
      if (lo.also) o.also = lo.also;
    } else setValues(o, srcLines ? srcLines[lo.line - 1] : src, prefix);
    return o;
  });
}

/** How the template engine reads lines of what it builds from values (see ValueTracker). */
const ORIGIN_READER: OriginReader = {
  outputLines: (text, raw, spans) =>
    linesOf(raw, spans, text, [])?.map((o) => o?.releaseValues ?? o?.values),
  yamlLines: (text) => piecePaths(text, []),
};

/** The name Helm parses tpl's text under. */
const TPL_NAME = 'gotpl';

function startsWith(p: ValuePath, prefix: ValuePath): boolean {
  return prefix.length > 0 && prefix.length <= p.length && prefix.every((k, i) => p[i] === k);
}

/** A scalar of a rendered object, with where in the templates (and values) its line came from. */
export interface RenderedField {
  /** `spec.replicas`, `spec.template.spec.containers[0].image`. */
  path: string;
  node: YNode;
  origin: LineOrigin;
}

/** Every scalar of a rendered object read from its text whose line has an origin, in order. */
export function renderedFields(o: RenderedObject): RenderedField[] {
  const out: RenderedField[] = [];
  const walk = (n: YNode | undefined, at: string): void => {
    if (!n) return;
    if (n.kind === 'map') for (const p of n.pairs) walk(p.value, at ? `${at}.${p.key}` : p.key);
    else if (n.kind === 'seq') n.items.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (n.origin && !n.origin.by && n.origin.file === o.source) {
      const lo = o.lineOrigins?.[n.origin.line - 1];
      if (lo) out.push({ path: at, node: n, origin: lo });
    }
  };
  walk(o.node, '');
  return out;
}

/**
 * The template origin of every scalar of a rendered object read from its text, by path
 * (`spec.replicas`, `spec.template.spec.containers[0].image`): for views such as the editor.
 */
export function fieldOrigins(o: RenderedObject): Map<string, LineOrigin> {
  return new Map(renderedFields(o).map((f) => [f.path, f.origin]));
}

export interface RenderResult {
  objects: RenderedObject[];
  /** Errors (rendering stops at the first, as Helm's does). */
  errors: string[];
  warnings: string[];
}

interface Renderable {
  name: string;
  text: string;
  vals: GoMap;
  basePath: string;
  /** Where its chart's .Values sit in the root chart's (subchart names, aliases applied). */
  valuesPrefix: ValuePath;
}

// A file's text, decoded once: the same string on every render, so the parse cache finds it
// by a hash already computed.
const texts = new WeakMap<ChartFile, string>();

function fileText(f: ChartFile): string {
  let t = texts.get(f);
  if (t === undefined) texts.set(f, (t = f.data.toString('utf8')));
  return t;
}

const joins = new Map<string, string>();
const JOINS_MAX = 50000;

/** path.posix.join, remembered (the same few thousand names on every render). */
function joined(a: string, b: string): string {
  const key = `${a}\u0000${b}`;
  let j = joins.get(key);
  if (j === undefined) {
    if (joins.size >= JOINS_MAX) joins.clear();
    joins.set(key, (j = path.posix.join(a, b)));
  }
  return j;
}

function collect(
  chart: Chart,
  parentVals: GoMap,
  isRoot: boolean,
  parentPath: string,
  out: Renderable[],
  valuesPrefix: ValuePath = [],
): GoMap {
  const subcharts = newMap();
  const next = newMap([
    ['Chart', chartStruct(chart.metadata, isRoot)],
    ['Files', filesStruct(chart.files)],
    ['Release', parentVals.get('Release') ?? null],
    ['Capabilities', parentVals.get('Capabilities') ?? null],
    ['Values', newMap()],
    ['Subcharts', subcharts],
  ]);
  const pv = parentVals.get('Values');
  if (isRoot) next.set('Values', pv ?? newMap());
  else if (pv instanceof Map && pv.get(chart.name) instanceof Map)
    next.set('Values', pv.get(chart.name)!);
  const fullPath = isRoot ? chart.name : `${parentPath}/charts/${chart.name}`;
  for (const dep of chart.dependencies)
    subcharts.set(dep.name, collect(dep, next, false, fullPath, out, [...valuesPrefix, dep.name]));
  for (const t of chart.templates) {
    if (chart.isLibrary && !path.posix.basename(t.name).startsWith('_')) continue;
    out.push({
      name: joined(fullPath, t.name),
      text: fileText(t),
      vals: next,
      basePath: joined(fullPath, 'templates'),
      valuesPrefix,
    });
  }
  return next;
}

/** Helm's sortTemplates: more path segments first, then reverse lexical order. */
function sortTemplates(names: string[]): string[] {
  const depth = new Map<string, number>();
  for (const n of names) {
    let d = 1;
    for (let i = n.indexOf('/'); i >= 0; i = n.indexOf('/', i + 1)) d++;
    depth.set(n, d);
  }
  return [...names].sort((a, b) => {
    const da = depth.get(a)!;
    const db = depth.get(b)!;
    if (da !== db) return db - da;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

const WS_RE = /\s/;

function isWs(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return c < 128 ? c === 32 || (c >= 9 && c <= 13) : WS_RE.test(t[i]);
}

/**
 * releaseutil.SplitManifests: the trimmed text split at `(?:^|\s*\n)---\s*`, empty pieces
 * dropped, each trimmed. A scan for `\n---` (the regexp tried its whitespace run at every
 * offset of the text: a tenth of a render).
 */
export function splitManifests(text: string): string[] {
  const t = text.trim();
  const n = t.length;
  const out: string[] = [];
  const piece = (a: number, b: number) => {
    if (b > a) out.push(t.slice(a, b).trim());
  };
  let from = 0;
  if (t.startsWith('---')) {
    from = 3;
    while (from < n && isWs(t, from)) from++;
  }
  for (let i = from; ;) {
    const nl = t.indexOf('\n---', i);
    if (nl < 0) break;
    // The separator starts where the whitespace before the line break does (not before i).
    let s = nl;
    while (s > i && isWs(t, s - 1)) s--;
    let e = nl + 4;
    while (e < n && isWs(t, e)) e++;
    piece(from, s);
    from = i = e;
  }
  piece(from, n);
  return out;
}

const HOOK_EVENTS = new Set([
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'test',
  'test-success',
]);

function crdFiles(chart: Chart): { name: string; text: string }[] {
  const own = chart.files
    .filter((f) => f.name.startsWith('crds/') && /\.(ya?ml|json)$/.test(f.name))
    .map((f) => ({ name: path.posix.join(chart.name, f.name), text: f.data.toString('utf8') }));
  return [...own, ...chart.dependencies.flatMap(crdFiles)];
}

function kindRank(kind: string | undefined): number {
  const i = INSTALL_ORDER.indexOf(kind ?? '');
  return i < 0 ? INSTALL_ORDER.length : i;
}

/** sort.SliceStable with lessByKind. */
function sortByKind<T extends { kind?: string }>(items: T[]): T[] {
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => {
      const ra = kindRank(a.x.kind);
      const rb = kindRank(b.x.kind);
      if (ra !== rb) return ra - rb;
      if (ra === INSTALL_ORDER.length && a.x.kind !== b.x.kind)
        return (a.x.kind ?? '') < (b.x.kind ?? '') ? -1 : 1;
      return a.i - b.i;
    })
    .map((e) => e.x);
}

type ParsedDoc = { object: unknown; node?: YNode; error?: string };

// Rendered documents parsed once per (template, text): after a values edit most documents
// render to the same text, and reading YAML was a third of a re-render. The results are shared
// between renders: consumers copy before they change an object (postRender does).
// (By source, then text: no key joining the two to hash.)
const parsedDocs = new Map<string, Map<string, ParsedDoc>>();
let parsedCount = 0;
const PARSED_DOCS_MAX = 20000;

function parseDoc(text: string, source: string): ParsedDoc {
  let bySource = parsedDocs.get(source);
  const hit = bySource?.get(text);
  if (hit) return hit;
  // Helm writes each manifest followed by a newline (rel.Manifest), which block scalars keep.
  const parsed = parseYaml(text + '\n', source);
  const err = parsed.problems.find((p) => p.severity === 'error');
  const root = parsed.documents[0]?.root;
  const r: ParsedDoc = err
    ? {
        object: null,
        error: `YAML parse error on ${source}: line ${err.span?.line ?? 0}: ${err.message}`,
      }
    : { object: root ? toJS(root) : null, node: root };
  if (parsedCount >= PARSED_DOCS_MAX) {
    parsedDocs.clear();
    parsedCount = 0;
    bySource = undefined;
  }
  if (!bySource) parsedDocs.set(source, (bySource = new Map()));
  bySource.set(text, r);
  parsedCount++;
  return r;
}

/**
 * Renders `chart` with the user's values (already composed, not yet coalesced). Never throws.
 * When templates call random or time functions, the chart is rendered a second time and every
 * object whose text differs is marked nonReproducible (values can carry a random password from
 * the file that made it to others, as Bitnami's common.secrets.passwords.manage does).
 */
export function renderChart(chart: Chart, userValues: GoMap, options: RenderOptions): RenderResult {
  const calls = new Set<string>();
  const first = renderOnce(chart, userValues, options, calls);
  if (calls.size === 0 || first.errors.length) return first;
  const second = renderOnce(chart, userValues, options, new Set());
  first.objects.forEach((o, i) => {
    const again = second.objects[i];
    if (again?.text === o.text) return;
    o.nonReproducible ??= [...calls];
    o.nonReproduciblePaths =
      again && again.source === o.source ? differingPaths(o.object, again.object) : [[]];
  });
  return first;
}

/** Paths of the leaves where two renders of one object differ ([] is the whole object). */
function differingPaths(
  a: unknown,
  b: unknown,
  at: (string | number)[] = [],
): (string | number)[][] {
  if (a === b) return [];
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    if (Array.isArray(a) && a.length !== (b as unknown[]).length) return [at];
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) =>
      differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [
        ...at,
        Array.isArray(a) ? Number(k) : k,
      ]),
    );
  }
  return [at];
}

function renderOnce(
  chart: Chart,
  userValues: GoMap,
  options: RenderOptions,
  calls: Set<string>,
): RenderResult {
  const errors: string[] = [];
  const warnings: string[] = [...chart.problems];
  if (chart.isLibrary)
    return { objects: [], errors: ['library charts are not installable'], warnings };
  let pruned: Chart;
  let values: GoMap;
  try {
    pruned = processDependencies(chart, userValues);
    values = coalesceChartValues(pruned, userValues, warnings);
  } catch (e) {
    return { objects: [], errors: [`values: ${(e as Error).message}`], warnings };
  }
  const top = newMap([
    ['Values', values],
    [
      'Release',
      newMap([
        ['Name', options.releaseName],
        ['Namespace', options.namespace],
        ['IsUpgrade', options.isUpgrade ?? false],
        ['IsInstall', !(options.isUpgrade ?? false)],
        ['Revision', BigInt(options.revision ?? 1)],
        ['Service', 'Helm'],
      ]),
    ],
    ['Capabilities', capabilitiesStruct(options.kubeVersion, options.apiVersions ?? [])],
  ]);
  const renderables: Renderable[] = [];
  collect(pruned, top, true, '', renderables);
  const byName = new Map(renderables.map((r) => [r.name, r]));
  const set = new TemplateSet(helmFuncs);
  const tracker = options.origins ? valueTracker(values, ORIGIN_READER) : undefined;
  const order = sortTemplates([...byName.keys()]);
  for (const name of order) {
    try {
      set.add(name, byName.get(name)!.text);
    } catch (e) {
      return { objects: [], errors: [parseError(name, (e as Error).message)], warnings };
    }
  }
  const rendered = new Map<
    string,
    { text: string; nonReproducible: string[]; lines?: (LineOrigin | undefined)[] }
  >();
  for (const name of order) {
    if (path.posix.basename(name).startsWith('_')) continue;
    const r = byName.get(name)!;
    const vals = new Map(r.vals);
    vals.set(
      'Template',
      newMap([
        ['Name', name],
        ['BasePath', r.basePath],
      ]),
    );
    set.nonReproducibleCalls.clear();
    try {
      let text: string;
      let lines: (LineOrigin | undefined)[] | undefined;
      if (options.origins) {
        const x = set.executeWithOrigins(name, vals, tracker);
        text = x.text.replace(/<no value>/g, '');
        lines = linesOf(x.text, x.spans, text, r.valuesPrefix);
      } else text = set.execute(name, vals).replace(/<no value>/g, '');
      rendered.set(name, { text, nonReproducible: [...set.nonReproducibleCalls], lines });
      for (const f of set.nonReproducibleCalls) calls.add(f);
    } catch (e) {
      if (isStackOverflow(e)) {
        // {{ template }} or tpl calling itself: Go's 100000-deep limit is past what our stack holds.
        errors.push(
          execError(
            name,
            'exceeded maximum template depth: the templates nest deeper than the stack holds (a template calling itself?)',
          ),
        );
        return { objects: [], errors, warnings };
      }
      if (!(e instanceof TemplateError)) throw e;
      errors.push(execError(name, e.message));
      return { objects: [], errors, warnings };
    }
  }
  const objects: RenderedObject[] = [];
  if (options.includeCrds ?? true) {
    for (const c of crdFiles(pruned)) {
      for (const doc of splitManifests(c.text)) {
        const p = parseDoc(doc, c.name);
        const o = p.object as { kind?: string; metadata?: { name?: string } } | null;
        objects.push({
          source: c.name,
          text: doc,
          object: p.object,
          node: p.node,
          kind: o?.kind,
          name: o?.metadata?.name,
          crd: true,
        });
      }
    }
  }
  const generic: RenderedObject[] = [];
  const hooks: RenderedObject[] = [];
  for (const name of [...rendered.keys()].sort()) {
    if (name.endsWith('NOTES.txt')) continue;
    const { text, nonReproducible, lines } = rendered.get(name)!;
    if (text.trim() === '') continue;
    let cursor = 0;
    for (const doc of splitManifests(text)) {
      // Each document is a piece of the output: its lines' origins are the output's from there.
      let docLines: (LineOrigin | undefined)[] | undefined;
      if (lines) {
        const at = text.indexOf(doc, cursor);
        if (at >= 0) {
          cursor = at + doc.length;
          let first = 0;
          for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) first++;
          docLines = lines.slice(first, first + doc.split('\n').length);
        }
      }
      const p = parseDoc(doc, name);
      if (p.error) {
        errors.push(p.error);
        return { objects: [], errors, warnings };
      }
      const o = p.object as {
        kind?: string;
        metadata?: { name?: string; annotations?: Record<string, unknown> };
      } | null;
      const obj: RenderedObject = {
        source: name,
        text: doc,
        object: p.object,
        node: p.node,
        kind: o?.kind,
        name: o?.metadata?.name,
      };
      if (nonReproducible.length) obj.nonReproducible = nonReproducible;
      if (docLines) obj.lineOrigins = docLines;
      const hookAnn = o?.metadata?.annotations?.['helm.sh/hook'];
      if (typeof hookAnn === 'string') {
        const events = hookAnn.split(',').map((e) => e.trim().toLowerCase());
        if (events.some((e) => !HOOK_EVENTS.has(e))) continue;
        obj.hook = events;
        if (events.some((e) => e === 'test' || e === 'test-success') && !options.includeTests)
          continue;
        hooks.push(obj);
      } else generic.push(obj);
    }
  }
  objects.push(...sortByKind(generic), ...sortByKind(hooks));
  return { objects, errors, warnings };
}

function parseError(name: string, msg: string): string {
  const m = /^template: ([^:]+:\d+): (.*)$/s.exec(msg);
  return m ? `parse error at (${m[1]}): ${m[2]}` : `parse error in (${name}): ${msg}`;
}

function execError(name: string, msg: string): string {
  const m = /^template: ([^:]+:\d+:\d+): executing "[^"]*" at <[^>]*>: (.*)$/s.exec(msg);
  if (!m) return `execution error in (${name}): ${msg}`;
  return `execution error at (${m[1]}): ${m[2]}`;
}
