// values-unknown-key: keys a file sets that the release's chart does not know (a hint).

import { chartFor, chartKeys } from '../../engine/charts/docs';
import { EffectiveRelease } from '../../engine/values/effective';
import { YNode, getPath, isMap } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic, at } from './types';
import { nearKey } from './valuesKeyTypos';

export function unknownValuesKeysCheck(ctx: CheckContext): FileDiagnostic[] {
  return ctx.isKust ? [] : unknownValuesKeys(ctx.index, ctx.file);
}

/**
 * Keys this file sets that the release's chart does not know: not in the chart's defaults at
 * that place (subcharts included), not a property of its values.schema.json. Only under maps
 * whose defaults list keys: an empty default map (`annotations: {}`, `nodeSelector: {}`) is
 * free-form, and so is anything below a key the chart does not know. Charts also read keys they
 * do not declare (`.Values.x` in a template), so this is a hint, never an error; with a
 * near-identical known key it offers it as a quick fix.
 */
function unknownValuesKeys(index: WorkspaceIndex, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  for (const { dir } of index.overlaysOf(file)) {
    for (const r of index.effectiveValues(dir)) {
      const chart = r.chart.tree;
      if (!chart) continue;
      const walk = (n: YNode, p: string[]) => {
        if (!isMap(n)) return;
        const known = chartKeys(chart, p);
        const def = p.length ? getPathOf(chart, p) : chart.values;
        const open = !isMap(def) || def.pairs.length === 0;
        for (const pair of n.pairs) {
          const mine =
            pair.keyOrigin?.file === file &&
            !(pair.value.origin?.by ?? '').startsWith('chart default');
          if (!open && mine && !known.includes(pair.key) && pair.key !== 'global') {
            const near = nearKey(pair.key, known);
            out.push({
              ...at(pair.keyOrigin, file),
              severity: 'hint',
              code: 'values-unknown-key',
              message: `\`${pair.key}\` is not a value of chart ${r.chart.name}${p.length ? ` under ${p.join('.')}` : ''}${near ? `; did you mean \`${near}\`?` : ' (its templates may still read it)'}`,
              ...(near ? { data: { suggestion: near } } : {}),
            });
            continue;
          }
          if (known.includes(pair.key)) walk(pair.value, [...p, pair.key]);
        }
      };
      walk(r.values, []);
    }
  }
  return out;
}

function getPathOf(
  chart: NonNullable<EffectiveRelease['chart']['tree']>,
  p: string[],
): YNode | undefined {
  const { chart: c, path: rel } = chartFor(chart, p, true);
  return rel.length ? getPath(c.values, rel) : c.values;
}
