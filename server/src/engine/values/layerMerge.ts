// Flux's layer merge: how helm-controller stacks spec.valuesFrom entries and spec.values
// (fluxcd/pkg chartutil MergeMaps, itself Helm's merge of `-f` files): maps merge key by key,
// recursively; anything else (scalars, lists, null, a map over a scalar, a scalar over a map)
// replaces. Nulls are kept here; Helm's coalesce with the chart defaults removes them later.
//
// Sharing is deliberate and mirrors the Go code: the result reuses the nodes of both inputs and
// only the maps that merge are new. helm-controller relies on that aliasing: it merges
// spec.values into the result before applying a targetPath, and the `--set` parser then writes
// into maps that spec.values still shares, which is why a targetPath survives the final merge
// of spec.values in most (not all) cases. Reproducing the aliasing reproduces those cases.

import { YMap, YNode, YPair } from '../yaml/node';
import { recordOverride } from './provenance';

/** Merges `b` over `a` into a new map (neither input map is modified; child nodes are shared). */
export function mergeLayers(a: YMap, b: YMap): YMap {
  const pairs: YPair[] = a.pairs.map((p) => ({ ...p }));
  const out: YMap = { kind: 'map', pairs };
  if (b.origin ?? a.origin) out.origin = b.origin ?? a.origin;
  for (const bp of b.pairs) {
    const i = pairs.findIndex((p) => p.key === bp.key);
    const existing = i >= 0 ? pairs[i].value : undefined;
    let value: YNode = bp.value;
    if (bp.value.kind === 'map' && existing && existing.kind === 'map') {
      value = mergeLayers(existing, bp.value);
    } else {
      recordOverride(bp.value, existing);
    }
    const pair: YPair = bp.keyOrigin
      ? { key: bp.key, keyOrigin: bp.keyOrigin, value }
      : { key: bp.key, value };
    if (i >= 0) pairs[i] = pair;
    else pairs.push(pair);
  }
  return out;
}
