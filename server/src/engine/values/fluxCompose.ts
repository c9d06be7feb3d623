// The order in which helm-controller composes a release's values (fluxcd/pkg chartutil
// ChartValuesFromReferences), on already-resolved layers:
//
//   result = {}
//   for each valuesFrom entry, in order:
//     targetPath set: result = merge(result, spec.values); set the path in result (`--set`)
//     otherwise:      result = merge(result, the entry's values)
//   return merge(result, spec.values)
//
// Merging spec.values before setting a path looks redundant, but because the merge shares
// spec.values' nested maps with the result, the path is written into spec.values itself
// whenever one of its parent maps came from spec.values alone; the final merge then keeps it.
// That is how "targetPath wins over everything" holds, and also where it does not: when every
// map along the path also existed in an earlier valuesFrom layer, spec.values wins.

import { Problem } from '../problem';
import { Origin, YMap } from '../yaml/node';
import { mergeLayers } from './layerMerge';
import { SetMode, escapeSetValue, parseSetInto } from './strvals';

export type ResolvedLayer =
  | { kind: 'values'; index: number; values: YMap }
  | {
      kind: 'targetPath';
      index: number;
      path: string;
      value: string;
      literal: boolean;
      origin?: Origin;
    };

/**
 * Composes resolved valuesFrom layers and spec.values. Takes ownership of every tree passed in
 * (they are merged and written in place, as helm-controller does with its maps).
 */
export function composeFluxValues(
  layers: readonly ResolvedLayer[],
  inline: YMap | undefined,
): { values: YMap; problems: Problem[] } {
  const values: YMap = inline ?? { kind: 'map', pairs: [] };
  let result: YMap = { kind: 'map', pairs: [] };
  const problems: Problem[] = [];
  for (const layer of layers) {
    if (layer.kind === 'values') {
      result = mergeLayers(result, layer.values);
      continue;
    }
    result = mergeLayers(result, values);
    const error = applyTargetPath(result, layer.path, layer.value, layer.literal, layer.origin);
    if (error)
      problems.push({
        severity: 'error',
        code: 'values-target-path',
        step: 'values',
        message: `targetPath "${layer.path}": ${error}`,
        data: { index: layer.index },
      });
  }
  return { values: mergeLayers(result, values), problems };
}

/**
 * Sets `path` to `value` the way helm-controller does (ReplacePathValue /
 * ReplacePathLiteralValue): a value wrapped in quotes is kept as a string (quotes stripped),
 * otherwise typed like `--set`; `literal` keeps the value verbatim as a string.
 * Returns an error message or undefined.
 */
export function applyTargetPath(
  values: YMap,
  path: string,
  value: string,
  literal: boolean,
  origin?: Origin,
): string | undefined {
  let line: string;
  let mode: SetMode;
  if (literal) {
    line = `${path}=${escapeSetValue(value)}`;
    mode = 'string';
  } else {
    const quoted =
      (value.startsWith("'") && value.endsWith("'")) ||
      (value.startsWith('"') && value.endsWith('"'));
    line = `${path}=${quoted ? trimQuotes(value) : value}`;
    mode = quoted ? 'string' : 'set';
  }
  return parseSetInto(line, values, mode, origin);
}

/** Go's strings.Trim(value, `'"`): every leading and trailing quote character. */
function trimQuotes(s: string): string {
  return s.replace(/^['"]+/, '').replace(/['"]+$/, '');
}

/** Checks a targetPath alone, without a value: the error Flux would report, or undefined. */
export function checkTargetPath(path: string): string | undefined {
  if (path.trim() === '') return 'empty targetPath';
  return parseSetInto(`${path}=x`, { kind: 'map', pairs: [] }, 'set');
}
