// Helm's values with subcharts (helm v3 pkg/chartutil: dependencies.go, coalesce.go), as
// `helm install/upgrade/template` and helm-controller compute them:
// 1. ProcessDependenciesWithMerge: per chart, top-down, the Chart.yaml dependencies are matched
//    to the vendored charts (name and version constraint; `alias` renames a copy), `tags` then
//    `condition` (first path holding a boolean; conditions win over tags) decide which stay;
//    then bottom-up, every chart that declares dependencies gets as its new defaults its values
//    merged with its subcharts' (nulls kept) and, below its own values, the `import-values`
//    taken from the children (`exports.<name>` or `{child, parent}`).
// 2. CoalesceValues: the user's values over the chart's defaults (coalesce.ts rules), then each
//    subchart under its name: the parent's `global` copied in (the parent wins), the
//    subchart's defaults coalesced under what the parent says. Keys of a subchart's map merge
//    with nulls kept at the parent level; the subchart's own pass deletes them.
// Library charts are subcharts like any other. Nodes keep their origins: a subchart default
// says `chart default parent:sub`.

import { Chart, ChartDependency } from '../charts/model';
import { YMap, YNode, clone, get, getPair, isMap, isNull, remove, set } from '../yaml/node';
import { coalesceTablesFullKey, coalesceTopLevel } from './coalesce';
import { satisfies } from './semver';

/** A chart being processed: Helm mutates its chart objects; we work on these copies. */
interface WChart {
  name: string;
  chart: Chart;
  values: YMap;
  /** Dependencies metadata; undefined like Helm's nil (then nothing is processed). */
  meta?: (ChartDependency & { enabled: boolean })[];
  deps: WChart[];
}

function work(c: Chart, name = c.name): WChart {
  return {
    name,
    chart: c,
    values: c.values,
    meta: c.dependencies?.map((d) => ({
      ...d,
      tags: [...d.tags],
      importValues: [...d.importValues],
      enabled: true,
    })),
    deps: c.subcharts.map((s) => work(s)),
  };
}

function compatible(constraint: string | undefined, version: string | undefined): boolean {
  if (version === undefined) return false;
  return satisfies(version, constraint ?? '');
}

const concat = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}.${name}`);

/** Values a release renders with: `user` (owned, modified) coalesced with the chart and its subcharts. */
export function helmValues(
  chart: Chart,
  user: YMap,
  warnings: string[] = [],
): { values: YMap; enabled: string[]; subcharts: { path: string; chart: Chart }[] } {
  const root = work(chart);
  processDependencyEnabled(root, user, '', warnings);
  processDependencyImportValues(root, warnings);
  const values = coalesce(root, user, '', false, warnings);
  const subcharts: { path: string; chart: Chart }[] = [];
  const walk = (c: WChart, prefix: string) =>
    c.deps.forEach(
      (d) => (
        subcharts.push({ path: prefix + d.name, chart: d.chart }),
        walk(d, `${prefix}${d.name}.`)
      ),
    );
  walk(root, '');
  return { values, enabled: subcharts.map((s) => s.path), subcharts };
}

/** Which subcharts (and under which names) a chart renders with these user values. */
export function enabledSubcharts(chart: Chart, user: YMap): { path: string; chart: Chart }[] {
  const root = work(chart);
  processDependencyEnabled(root, clone(user), '', []);
  const out: { path: string; chart: Chart }[] = [];
  const walk = (c: WChart, prefix: string) =>
    c.deps.forEach(
      (d) => (out.push({ path: prefix + d.name, chart: d.chart }), walk(d, `${prefix}${d.name}.`)),
    );
  walk(root, '');
  return out;
}

function coalesce(c: WChart, dest: YMap, prefix: string, merge: boolean, warnings: string[]): YMap {
  coalesceTopLevel(
    dest,
    c.values,
    concat(prefix, c.name),
    merge,
    (key) => c.deps.some((d) => d.name === key),
    warnings,
  );
  for (const sub of c.deps) {
    let dv = get(dest, sub.name);
    if (dv === undefined) {
      dv = { kind: 'map', pairs: [] };
      set(dest, sub.name, dv);
    } else if (!isMap(dv)) {
      warnings.push(
        `type mismatch on ${sub.name}: ${dv.kind === 'scalar' ? String(dv.value) : dv.kind}`,
      );
      continue;
    }
    const subPrefix = concat(prefix, c.name);
    coalesceGlobals(dv, dest, subPrefix, warnings);
    coalesce(sub, dv, subPrefix, merge, warnings);
  }
  return dest;
}

function coalesceGlobals(dest: YMap, src: YMap, prefix: string, warnings: string[]): void {
  const dg0 = get(dest, 'global');
  const sg0 = get(src, 'global');
  if (dg0 !== undefined && !isMap(dg0))
    return void warnings.push(
      'warning: skipping globals because destination global is not a table.',
    );
  if (sg0 !== undefined && !isMap(sg0))
    return void warnings.push('warning: skipping globals because source global is not a table.');
  const dg: YMap = dg0 ?? { kind: 'map', pairs: [] };
  for (const sp of sg0?.pairs ?? []) {
    const dp = getPair(dg, sp.key);
    if (isMap(sp.value)) {
      const vv = clone(sp.value);
      if (!dp) set(dg, sp.key, vv, sp.keyOrigin);
      else if (!isMap(dp.value))
        warnings.push(`Conflict: cannot merge map onto non-map for "${sp.key}". Skipping.`);
      else {
        coalesceTablesFullKey(vv, dp.value, concat(prefix, sp.key), true, warnings);
        dp.value = vv;
      }
    } else if (dp && isMap(dp.value)) {
      warnings.push(`key ${sp.key} is table. Skipping`);
    } else {
      set(dg, sp.key, clone(sp.value), sp.keyOrigin);
    }
  }
  if (!dg0) set(dest, 'global', dg);
}

function pathValue(v: YMap, p: string): YNode | undefined {
  const parts = p.split('.');
  let t: YNode | undefined = v;
  for (const k of parts.slice(0, -1)) {
    t = get(t, k);
    if (!isMap(t)) return undefined;
  }
  const last = get(t, parts[parts.length - 1]);
  return last && !isMap(last) ? last : undefined;
}

function table(v: YMap, p: string): YMap | undefined {
  let t: YNode | undefined = v;
  for (const k of p.split('.')) {
    t = get(t, k);
    if (!isMap(t)) return undefined;
  }
  return t as YMap;
}

function processDependencyEnabled(c: WChart, v: YMap, prefix: string, warnings: string[]): void {
  if (!c.meta) return;
  const chartDependencies: WChart[] = [];
  outer: for (const existing of c.deps) {
    for (const req of c.meta)
      if (existing.chart.name === req.name && compatible(req.version, existing.chart.version))
        continue outer;
    chartDependencies.push(existing);
  }
  for (const req of c.meta) {
    const found = c.deps.find(
      (d) => d.chart.name === req.name && compatible(req.version, d.chart.version),
    );
    if (found) chartDependencies.push(req.alias ? { ...work(found.chart, req.alias) } : found);
    else
      warnings.push(
        `dependency ${req.name}${req.version ? ` ${req.version}` : ''} is declared in Chart.yaml but missing in charts/ (helm dependency build)`,
      );
    if (req.alias) req.name = req.alias;
  }
  c.deps = chartDependencies;
  for (const r of c.meta) r.enabled = true;
  const cvals = coalesce(c, clone(v), '', false, []);
  // tags
  const tags = table(cvals, 'tags');
  if (tags) {
    for (const r of c.meta) {
      let hasTrue = false;
      let hasFalse = false;
      for (const k of r.tags) {
        const b = get(tags, k);
        if (b && b.kind === 'scalar' && typeof b.value === 'boolean') {
          if (b.value) hasTrue = true;
          else hasFalse = true;
        } else if (b)
          warnings.push(`Warning: Tag '${k}' for chart ${r.name} returned non-bool value`);
      }
      if (!hasTrue && hasFalse) r.enabled = false;
      else r.enabled = true;
    }
  }
  // conditions
  for (const r of c.meta) {
    for (const cond of (r.condition ?? '').trim().split(',')) {
      if (cond.length === 0) continue;
      const vv = pathValue(cvals, prefix + cond);
      if (vv === undefined) continue;
      if (vv.kind === 'scalar' && typeof vv.value === 'boolean') {
        r.enabled = vv.value;
        break;
      }
      warnings.push(
        `Warning: Condition path '${cond}' for chart ${r.name} returned non-bool value`,
      );
    }
  }
  const rm = new Set(c.meta.filter((r) => !r.enabled).map((r) => r.name));
  const cd = c.deps.filter((d) => !rm.has(d.name));
  const cdMeta = c.meta.filter((r) => !rm.has(r.name));
  for (const t of cd) processDependencyEnabled(t, cvals, `${prefix}${t.name}.`, warnings);
  c.meta = cdMeta.length > 0 ? cdMeta : undefined; // Go: append(nil, empty...) is nil
  c.deps = cd;
}

function processDependencyImportValues(c: WChart, warnings: string[]): void {
  for (const d of c.deps) processDependencyImportValues(d, warnings);
  if (!c.meta) return;
  const cvals = coalesce(c, { kind: 'map', pairs: [] }, '', true, []);
  let b: YMap = { kind: 'map', pairs: [] };
  for (const r of c.meta) {
    for (const iv of r.importValues) {
      if (typeof iv === 'string') {
        const vm = table(cvals, `${r.name}.exports.${iv}`);
        if (!vm) {
          warnings.push(`Warning: ImportValues missing table: ${r.name}.exports.${iv}`);
          continue;
        }
        b = coalesceTablesFullKey(b, clone(vm), '', true, warnings);
      } else {
        const vv = table(cvals, `${r.name}.${iv.child}`);
        if (!vv) {
          warnings.push(`Warning: ImportValues missing table from chart ${r.name}: ${iv.child}`);
          continue;
        }
        b = coalesceTablesFullKey(b, pathToMap(iv.parent, clone(vv)), '', true, warnings);
      }
    }
  }
  c.values = coalesceTablesFullKey(cvals, b, '', true, warnings);
}

function pathToMap(p: string, data: YMap): YMap {
  if (p === '.') return data;
  let cur: YMap = data;
  const parts = p.split('.');
  for (let i = parts.length - 1; i >= 0; i--)
    cur = { kind: 'map', pairs: [{ key: parts[i], value: cur }] };
  return cur;
}

export { isNull, remove };
