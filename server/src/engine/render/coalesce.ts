// Helm's value coalescing over a chart tree (pkg/chartutil coalesce.go) in template data form:
// user values over chart defaults (null deletes), then for each subchart its section of the
// values over its own defaults, with the parent's `global` copied in. Also the dependency
// conditions/tags that disable subcharts. Kept behind coalesceChartValues() so the shared
// implementation (charts issue) can replace it.

import { Chart } from './chart';
import { GoMap, GoValue, deepCopy, newMap } from '../template/value';

function isMap(v: GoValue | undefined): v is GoMap {
  return v instanceof Map;
}

/** coalesceTablesFullKey: fill `dst` (authoritative) from `src`. */
function coalesceTables(dst: GoMap, src: GoMap, warnings: string[], prefix: string): void {
  for (const [key, sv] of src) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (dst.has(key) && dst.get(key) === null) {
      dst.delete(key);
    } else if (!dst.has(key)) {
      dst.set(key, sv);
    } else if (isMap(sv)) {
      const dv = dst.get(key);
      if (isMap(dv)) coalesceTables(dv, sv, warnings, full);
      else
        warnings.push(`warning: cannot overwrite table with non table for ${full} (${String(sv)})`);
    } else if (isMap(dst.get(key)) && sv !== null) {
      warnings.push(
        `warning: destination for ${full} is a table. Ignoring non-table value (${String(sv)})`,
      );
    }
  }
}

/** coalesceValues: chart defaults under `v` (user values), user nulls delete. */
function coalesceDefaults(defaults: GoMap, v: GoMap, warnings: string[], prefix: string): void {
  const copy = deepCopy(defaults) as GoMap;
  for (const [key, val] of copy) {
    if (v.has(key)) {
      const value = v.get(key)!;
      if (value === null) v.delete(key);
      else if (isMap(value) && isMap(val))
        coalesceTables(value, val, warnings, prefix ? `${prefix}.${key}` : key);
      else if (isMap(value) && val !== null)
        warnings.push(
          `warning: skipped value for ${prefix ? prefix + '.' : ''}${key}: Not a table.`,
        );
    } else {
      v.set(key, val);
    }
  }
}

/** coalesceGlobals: the parent's `global` into the subchart's. */
function coalesceGlobals(dest: GoMap, src: GoMap, warnings: string[]): void {
  const dg = isMap(dest.get('global')) ? (dest.get('global') as GoMap) : newMap();
  const sg = isMap(src.get('global')) ? (src.get('global') as GoMap) : newMap();
  for (const [key, val] of sg) {
    if (isMap(val)) {
      const dv = dg.get(key);
      if (isMap(dv)) coalesceTables(dv, deepCopy(val) as GoMap, warnings, `global.${key}`);
      else dg.set(key, deepCopy(val));
    } else {
      dg.set(key, val);
    }
  }
  dest.set('global', dg);
}

function coalesceTree(chart: Chart, dest: GoMap, warnings: string[], prefix: string): void {
  coalesceDefaults(chart.values, dest, warnings, prefix);
  for (const sub of chart.dependencies) {
    const name = sub.name;
    if (!isMap(dest.get(name))) {
      if (dest.has(name) && dest.get(name) !== null)
        warnings.push(`warning: skipped value for ${name}: Not a table.`);
      dest.set(name, newMap());
    }
    const sv = dest.get(name) as GoMap;
    coalesceGlobals(sv, dest, warnings);
    coalesceTree(sub, sv, warnings, prefix ? `${prefix}.${name}` : name);
  }
}

/** The values templates see: `user` (not modified) coalesced over the chart tree's defaults. */
export function coalesceChartValues(chart: Chart, user: GoMap, warnings: string[] = []): GoMap {
  const dest = deepCopy(user) as GoMap;
  coalesceTree(chart, dest, warnings, '');
  return dest;
}

function pathValue(v: GoMap, p: string): GoValue | undefined {
  let cur: GoValue = v;
  for (const k of p.split('.')) {
    if (!isMap(cur) || !cur.has(k)) return undefined;
    cur = cur.get(k)!;
  }
  return cur;
}

/**
 * Helm's ProcessDependencies: subcharts renamed by alias, disabled by `condition` (first path
 * that holds a bool) or `tags`; undeclared subcharts in charts/ stay. Returns a pruned copy.
 */
export function processDependencies(chart: Chart, user: GoMap): Chart {
  const cvals = coalesceChartValues(chart, user);
  return prune(chart, cvals, '');
}

function prune(chart: Chart, cvals: GoMap, prefix: string): Chart {
  const kept: Chart[] = [];
  for (const sub of chart.dependencies) {
    const decl = chart.declared.filter((d) => d.name === sub.name);
    if (decl.length === 0) {
      kept.push(sub);
      continue;
    }
    for (const d of decl) {
      const name = d.alias ?? sub.name;
      let enabled = true;
      let decided = false;
      if (d.condition) {
        for (const c of d.condition
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)) {
          const v = pathValue(cvals, prefix + c);
          if (typeof v === 'boolean') {
            enabled = v;
            decided = true;
            break;
          }
        }
      }
      if (!decided && d.tags && d.tags.length) {
        const tags = cvals.get('tags');
        const vals = d.tags
          .map((t) => (isMap(tags) ? tags.get(t) : undefined))
          .filter((x) => typeof x === 'boolean');
        if (vals.length) enabled = vals.some((x) => x === true);
      }
      if (!enabled) continue;
      const renamed: Chart = { ...sub, name, metadata: { ...sub.metadata, name } };
      kept.push(renamed);
    }
  }
  return {
    ...chart,
    dependencies: kept.map((k) =>
      prune(k, (isMap(cvals.get(k.name)) ? cvals.get(k.name) : newMap()) as GoMap, ''),
    ),
  };
}
