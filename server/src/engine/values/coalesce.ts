// Helm's coalesce of the user's values over the chart's values.yaml (helm pkg/chartutil
// coalesce.go, CoalesceValues with merge=false, as `helm install/upgrade/template` and
// helm-controller run it):
// - a key the user does not set takes the chart's value (a chart `null` stays null);
// - a user `null` deletes the key when the chart has it; a `null` for a key the chart lacks
//   stays null;
// - maps merge recursively; scalars and lists replace;
// - type clashes keep the user's value (a map over a scalar or list, a scalar or list over a
//   map), and Helm prints a warning that we return as text.
// Subcharts, globals, conditions and import-values: dependencies.ts.

import { YMap, YNode, clone, getPair, remove } from '../yaml/node';
import { recordShadowed } from './provenance';

/**
 * Coalesces `defaults` under `user`, modifying and returning `user` (pass a copy you own).
 * `defaults` is not modified: the nodes taken from it are cloned. A chart without subcharts;
 * dependencies.ts handles the rest.
 */
export function coalesceValues(
  user: YMap,
  defaults: YMap,
  chartName = 'chart',
  warnings: string[] = [],
): YMap {
  return coalesceTopLevel(user, defaults, chartName, false, () => false, warnings);
}

/**
 * Helm's coalesceValues: the chart's defaults under `user`. `merge` keeps nulls (MergeValues);
 * keys naming a subchart (`isSubchart`) merge their tables with nulls kept, as Helm does.
 */
export function coalesceTopLevel(
  user: YMap,
  defaults: YMap,
  prefix: string,
  merge: boolean,
  isSubchart: (key: string) => boolean,
  warnings: string[],
): YMap {
  for (const dp of defaults.pairs) {
    const up = getPair(user, dp.key);
    if (!up) {
      user.pairs.push(
        dp.keyOrigin
          ? { key: dp.key, keyOrigin: dp.keyOrigin, value: clone(dp.value) }
          : { key: dp.key, value: clone(dp.value) },
      );
      continue;
    }
    const u = up.value;
    if (u.kind === 'scalar' && u.value === null) {
      if (!merge) remove(user, dp.key);
    } else if (u.kind === 'map') {
      if (dp.value.kind === 'map')
        coalesceTablesFullKey(
          u,
          dp.value,
          `${prefix}.${dp.key}`,
          merge || isSubchart(dp.key),
          warnings,
        );
      else if (!isNullNode(dp.value)) {
        warnings.push(`warning: skipped value for ${prefix}.${dp.key}: Not a table.`);
        recordShadowed(u, dp.value);
      }
    } else {
      recordShadowed(u, dp.value);
    }
  }
  return user;
}

function isNullNode(n: YNode): boolean {
  return n.kind === 'scalar' && n.value === null;
}

/** Merges `src` (lower priority) into `dst` (authoritative), as Helm's coalesceTablesFullKey; returns `dst`. */
export function coalesceTablesFullKey(
  dst: YMap,
  src: YMap,
  prefix: string,
  merge: boolean,
  warnings: string[],
): YMap {
  for (const sp of src.pairs) {
    const fullKey = prefix === '' ? sp.key : `${prefix}.${sp.key}`;
    const dpair = getPair(dst, sp.key);
    if (dpair && !merge && isNullNode(dpair.value)) {
      remove(dst, sp.key);
    } else if (!dpair) {
      dst.pairs.push(
        sp.keyOrigin
          ? { key: sp.key, keyOrigin: sp.keyOrigin, value: clone(sp.value) }
          : { key: sp.key, value: clone(sp.value) },
      );
    } else if (sp.value.kind === 'map') {
      if (dpair.value.kind === 'map')
        coalesceTablesFullKey(dpair.value, sp.value, fullKey, merge, warnings);
      else {
        warnings.push(`warning: cannot overwrite table with non table for ${fullKey}`);
        recordShadowed(dpair.value, sp.value);
      }
    } else {
      if (dpair.value.kind === 'map' && !isNullNode(sp.value)) {
        warnings.push(
          `warning: destination for ${fullKey} is a table. Ignoring non-table value (${describe(sp.value)})`,
        );
      }
      recordShadowed(dpair.value, sp.value);
    }
  }
  return dst;
}

function describe(n: YNode): string {
  return n.kind === 'scalar' ? String(n.value) : n.kind;
}
