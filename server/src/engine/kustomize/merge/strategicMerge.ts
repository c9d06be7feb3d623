// Strategic merge of a patch into an object, with kustomize v5's rules: maps merge recursively,
// `null` deletes a key, lists with a merge key (built-in kinds only) merge element by element
// (patch elements first, in patch order, then the object's other elements), all other lists are
// replaced, `$patch: delete|replace` directives act on maps and list elements.
// Nodes taken from the patch keep their origin and are stamped with `by` (the patch's label).

import { BuildError } from '../errors';
import {
  YMap,
  YNode,
  YSeq,
  clone,
  get,
  isMap,
  isNull,
  isScalar,
  isSeq,
  stamp,
} from '../../yaml/node';
import { TypeInfo, fieldType } from './builtinSchema';

const PATCH_DIRECTIVE = '$patch';

function directive(n: YNode | undefined): string | undefined {
  if (!isMap(n)) return undefined;
  const d = get(n, PATCH_DIRECTIVE);
  return isScalar(d) && typeof d.value === 'string' ? d.value : undefined;
}

/** A copy of a patch subtree without its directives, stamped with `by`. */
function fromPatch(n: YNode, by: string): YNode {
  const c = clone(n);
  stripDirectives(c);
  stamp(c, by);
  return c;
}

function stripDirectives(n: YNode): void {
  if (isMap(n)) {
    n.pairs = n.pairs.filter((p) => p.key !== PATCH_DIRECTIVE);
    for (const p of n.pairs) stripDirectives(p.value);
  } else if (isSeq(n)) {
    n.items = n.items.filter(
      (i) => !(isMap(i) && i.pairs.length === 1 && directive(i) !== undefined),
    );
    for (const i of n.items) stripDirectives(i);
  }
}

/**
 * A patch subtree added where the target had nothing: kyaml still walks it against the empty
 * target, so `null` values inside its maps (and inside items of keyed lists) are dropped, as
 * they would be when merging. Lists without a merge key are taken as they are.
 */
function added(n: YNode, by: string, type: TypeInfo | undefined): YNode {
  const c = clone(n);
  pruneAdded(c, type);
  stripDirectives(c);
  stamp(c, by);
  return c;
}

/** Drops what merging into nothing drops: null values, and `$patch: delete` items of keyed lists. */
function pruneAdded(n: YNode, type: TypeInfo | undefined): void {
  if (!isMap(n)) return;
  n.pairs = n.pairs.filter((p) => !isNull(p.value));
  for (const p of n.pairs) {
    const ft = fieldType(type, p.key);
    if (isSeq(p.value)) {
      if (!ft?.keys) continue;
      p.value.items = p.value.items.filter((item) => directive(item) !== 'delete');
      for (const item of p.value.items) pruneAdded(item, ft.type);
    } else pruneAdded(p.value, ft?.type);
  }
}

function kindName(n: YNode): string {
  return n.kind === 'map' ? 'a map' : n.kind === 'seq' ? 'a list' : 'a scalar';
}

/**
 * Merges `patch` into `dest` (neither is modified) and returns the result, or undefined when the
 * patch deletes the whole node. `type` is the built-in schema at this point (undefined = none).
 */
export function strategicMerge(
  dest: YNode | undefined,
  patch: YNode,
  by: string,
  type: TypeInfo | undefined,
  path: string[] = [],
): YNode | undefined {
  if (dest === undefined || isNull(dest)) {
    if (directive(patch) === 'delete') return undefined;
    if (isNull(patch)) return undefined;
    return added(patch, by, type);
  }
  if (isNull(patch)) return undefined;
  if (isMap(patch)) {
    const d = directive(patch);
    if (d === 'delete') return undefined;
    if (d === 'replace') return fromPatch(patch, by);
    if (!isMap(dest))
      throw new BuildError(
        `strategic merge: ${path.join('.') || 'the object'} is ${kindName(dest)} in the target but a map in the patch`,
      );
    return mergeMaps(dest, patch, by, type, path);
  }
  if (isSeq(patch)) {
    if (!isSeq(dest))
      throw new BuildError(
        `strategic merge: ${path.join('.') || 'the object'} is ${kindName(dest)} in the target but a list in the patch`,
      );
    return mergeLists(dest, patch, by, undefined, undefined, path);
  }
  if (!isScalar(dest))
    throw new BuildError(
      `strategic merge: ${path.join('.') || 'the object'} is ${kindName(dest)} in the target but a scalar in the patch`,
    );
  return fromPatch(patch, by);
}

function mergeMaps(
  dest: YMap,
  patch: YMap,
  by: string,
  type: TypeInfo | undefined,
  path: string[],
): YMap {
  const out: YMap = { kind: 'map', pairs: dest.pairs.map((p) => ({ ...p })) };
  if (dest.origin) out.origin = dest.origin;
  for (const pp of patch.pairs) {
    if (pp.key === PATCH_DIRECTIVE) continue;
    const i = out.pairs.findIndex((p) => p.key === pp.key);
    const current = i >= 0 ? out.pairs[i].value : undefined;
    const ft = fieldType(type, pp.key);
    let merged: YNode | undefined;
    if (isSeq(pp.value) && isSeq(current)) {
      merged = mergeLists(current, pp.value, by, ft?.type, ft?.keys, [...path, pp.key]);
    } else {
      merged = strategicMerge(current, pp.value, by, ft?.type, [...path, pp.key]);
    }
    if (merged === undefined) {
      if (i >= 0) out.pairs.splice(i, 1);
    } else if (i >= 0) {
      out.pairs[i] = { ...out.pairs[i], value: merged };
    } else {
      out.pairs.push(
        pp.keyOrigin
          ? { key: pp.key, keyOrigin: pp.keyOrigin, value: merged }
          : { key: pp.key, value: merged },
      );
    }
  }
  return out;
}

/**
 * The identity of a keyed list's items. With several keys (container ports: containerPort and
 * protocol), only keys some item sets count, and a missing one reads as empty, as kyaml does.
 */
function itemKey(keys: string[], items: YNode[]): (n: YNode) => string | undefined {
  const valueOf = (n: YNode, k: string): string => {
    const v = get(n, k);
    return isScalar(v) && v.value !== null ? String(v.value) : '';
  };
  if (keys.length === 1)
    return (n) =>
      isScalar(get(n, keys[0])) && (get(n, keys[0]) as { value: unknown }).value !== null
        ? valueOf(n, keys[0])
        : undefined;
  const used = keys.filter((k) => items.some((i) => valueOf(i, k) !== ''));
  return (n) => {
    const vs = used.map((k) => valueOf(n, k));
    return vs.every((v) => v === '') ? undefined : JSON.stringify(vs);
  };
}

function mergeLists(
  dest: YSeq,
  patch: YSeq,
  by: string,
  elemType: TypeInfo | undefined,
  keys: string[] | undefined,
  path: string[],
): YSeq {
  const replaceAll = patch.items.some(
    (i) => directive(i) === 'replace' && isMap(i) && i.pairs.length === 1,
  );
  if (!keys || replaceAll) {
    const out = fromPatch(patch, by) as YSeq;
    return out;
  }
  const keyOf = itemKey(keys, [...dest.items, ...patch.items]);
  const merged = new Map<number, YNode | undefined>();
  const addedItems: YNode[] = [];
  const patchOrder: YNode[] = [];
  const deleted = new Set<string>();
  for (const pi of patch.items) {
    const k = keyOf(pi);
    if (directive(pi) === 'delete') {
      if (k !== undefined) deleted.add(k);
      continue;
    }
    const di =
      k === undefined ? -1 : dest.items.findIndex((d, idx) => !merged.has(idx) && keyOf(d) === k);
    if (di >= 0) {
      const m = strategicMerge(dest.items[di], pi, by, elemType, [...path, `[${k}]`]);
      merged.set(di, m);
      if (m) patchOrder.push(m);
    } else {
      const a = added(pi, by, elemType);
      addedItems.push(a);
      patchOrder.push(a);
    }
  }
  const destItems: YNode[] = [];
  dest.items.forEach((d, idx) => {
    if (merged.has(idx)) {
      const m = merged.get(idx);
      if (m) destItems.push(m);
      return;
    }
    const k = keyOf(d);
    if (k !== undefined && deleted.has(k)) return;
    destItems.push(d);
  });
  // kyaml's order: with one merge key, the patch's items first (in patch order) and then the
  // target's other items; with several keys, the patch's new items and then every target item
  // in place.
  const unmatched = destItems.filter((d) => !patchOrder.includes(d));
  const out = keys.length === 1 ? [...patchOrder, ...unmatched] : [...addedItems, ...destItems];
  const items = collapseByKey(out, keyOf);
  const res: YSeq = { kind: 'seq', items };
  if (dest.origin) res.origin = dest.origin;
  return res;
}

/**
 * kyaml rebuilds a keyed list by its merge key: items sharing a key collapse into one (the later
 * one, at the place of the first).
 */
function collapseByKey(list: YNode[], keyOf: (n: YNode) => string | undefined): YNode[] {
  const at = new Map<string, number>();
  const items: YNode[] = [];
  for (const item of list) {
    const k = keyOf(item);
    if (k === undefined) items.push(item);
    else if (at.has(k)) items[at.get(k)!] = item;
    else {
      at.set(k, items.length);
      items.push(item);
    }
  }
  return items;
}

/**
 * A strategic merge walks the whole object, not only what the patch names: every keyed list of
 * a built-in kind comes out collapsed by its merge key. Applied once to a merge's result.
 */
export function normalizeKeyedLists(n: YNode, type: TypeInfo | undefined): void {
  if (!type || !isMap(n)) return;
  for (const p of n.pairs) {
    const ft = fieldType(type, p.key);
    if (!ft) continue;
    if (isSeq(p.value)) {
      if (ft.keys) p.value.items = collapseByKey(p.value.items, itemKey(ft.keys, p.value.items));
      for (const item of p.value.items) normalizeKeyedLists(item, ft.type);
    } else {
      normalizeKeyedLists(p.value, ft.type);
    }
  }
}
