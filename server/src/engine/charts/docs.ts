// What a chart says about a values key, for completion and hover: the helm-docs comment above
// the key in values.yaml (`# -- text`, continued by following `#` lines; a plain comment block
// right above the key when there is no `# --`), the default, and the values.schema.json node
// (type, enum, description), subcharts included: a path under a subchart's name (or alias) is
// looked up in that subchart.

import { schemaAt } from '../schema/schemaAt';
import type { JsonSchema } from '../schema/types';
import { YNode, getPath } from '../yaml/node';
import { Chart } from './model';

export interface KeyDoc {
  doc?: string;
  default?: YNode;
  schema?: { types: string[]; enum?: unknown[]; description?: string };
  /** The chart that declares the key: `podinfo`, `redis:common`. */
  chart: string;
}

const docCache = new WeakMap<Chart, Map<string, string>>();

/** helm-docs comments of a values.yaml text, by dotted key path. */
export function helmDocComments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const stack: { indent: number; key: string }[] = [];
  let pending: string[] = [];
  let helmDocs = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    const t = line.trimStart();
    if (t === '') {
      if (!helmDocs) pending = [];
      continue;
    }
    if (t.startsWith('#')) {
      const body = t.replace(/^#+\s?/, '');
      if (/^--(\s|$)/.test(body)) {
        pending = [body.replace(/^--\s*/, '')];
        helmDocs = true;
      } else if (helmDocs) {
        if (/^@(default|section|ignored|raw)/.test(body)) continue;
        pending.push(body);
      } else pending.push(body);
      continue;
    }
    const m = /^(\s*)(?:-\s+)?(["']?)([^"':#][^:#]*?)\2\s*:(\s|$)/.exec(line);
    if (m && !/^\s*-\s/.test(line)) {
      const indent = m[1].length;
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      stack.push({ indent, key: m[3] });
      const doc = pending.join('\n').trim();
      if (doc && !/^[a-zA-Z0-9_.-]+:\s/.test(doc)) out.set(stack.map((s) => s.key).join('.'), doc); // skip commented-out YAML
    }
    pending = [];
    helmDocs = false;
  }
  return out;
}

function docsOf(c: Chart): Map<string, string> {
  let d = docCache.get(c);
  if (!d) {
    d = helmDocComments(c.valuesText);
    docCache.set(c, d);
  }
  return d;
}

/** The chart (and its chain) a values path belongs to, with the path inside it. */
/** `inside`: the path names a map whose keys are wanted (a bare subchart name enters the subchart). */
export function chartFor(
  root: Chart,
  path: readonly (string | number)[],
  inside = false,
): { chart: Chart; path: (string | number)[]; chain: string } {
  let chart = root;
  let rest = [...path];
  let chain = root.name;
  for (;;) {
    const head = rest[0];
    if (typeof head !== 'string') break;
    const name = aliasMap(chart).get(head) ?? head;
    const sub = chart.subcharts.find((s) => s.name === name);
    if (!sub || rest.length < (inside ? 1 : 2)) break;
    chart = sub;
    chain += `:${sub.name}`;
    rest = rest.slice(1);
  }
  return { chart, path: rest, chain };
}

function aliasMap(c: Chart): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of c.dependencies ?? []) if (d.alias) m.set(d.alias, d.name);
  return m;
}

/** What the chart says about the values key at `path` (undefined when it says nothing). */
export function keyDoc(root: Chart, path: readonly (string | number)[]): KeyDoc | undefined {
  const { chart, path: rel, chain } = chartFor(root, path);
  const dotted = rel.filter((s) => typeof s === 'string').join('.');
  const doc = docsOf(chart).get(dotted);
  const def = getPath(chart.values, rel);
  const at =
    chart.schema && typeof chart.schema === 'object'
      ? schemaAt(chart.schema as JsonSchema, rel)
      : undefined;
  let schema: KeyDoc['schema'];
  if (at) {
    const types = at.schemas
      .map((s) => s.type)
      .flat()
      .filter((x): x is string => typeof x === 'string');
    schema = { types: [...new Set(types)] };
    if (at.enum) schema.enum = at.enum;
    const description = at.markdownDescription ?? at.description;
    if (description) schema.description = description;
  }
  if (doc === undefined && def === undefined && !schema) return undefined;
  const out: KeyDoc = { chart: chain };
  if (doc !== undefined) out.doc = doc;
  if (def !== undefined) out.default = def;
  if (schema) out.schema = schema;
  return out;
}

/** Keys the chart knows under `path`: values.yaml keys, schema properties, subchart names. */
export function chartKeys(root: Chart, path: readonly (string | number)[]): string[] {
  const keys = new Set<string>();
  const { chart, path: rel } = chartFor(root, path, true);
  const n = rel.length ? getPath(chart.values, rel) : chart.values;
  if (n && n.kind === 'map') for (const p of n.pairs) keys.add(p.key);
  const at =
    chart.schema && typeof chart.schema === 'object'
      ? schemaAt(chart.schema as JsonSchema, rel)
      : undefined;
  if (at) for (const k of Object.keys(at.properties)) keys.add(k);
  if (rel.length === 0) {
    for (const s of chart.subcharts) keys.add(s.name);
    for (const d of chart.dependencies ?? []) if (d.alias) keys.add(d.alias);
  }
  return [...keys];
}
