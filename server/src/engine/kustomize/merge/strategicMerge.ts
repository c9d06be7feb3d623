// Strategic merge of a patch into an object, with kustomize v5's rules: maps merge recursively,
// `null` deletes a key, lists with a merge key (built-in kinds only) merge element by element
// (patch elements first, in patch order, then the object's other elements), all other lists are
// replaced, `$patch: delete|replace` directives act on maps and list elements.
// Nodes taken from the patch keep their origin and are stamped with `by` (the patch's label).

import { BuildError } from '../errors';
import { YMap, YNode, YSeq, clone, get, isMap, isNull, isScalar, isSeq, stamp } from '../../yaml/node';
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
    n.items = n.items.filter((i) => !(isMap(i) && i.pairs.length === 1 && directive(i) !== undefined));
    for (const i of n.items) stripDirectives(i);
  }
}

function kindName(n: YNode): string {
  return n.kind === 'map' ? 'a map' : n.kind === 'seq' ? 'a list' : 'a scalar';
}

/**
 * Merges `patch` into `dest` (neither is modified) and returns the result, or undefined when the
 * patch deletes the whole node. `type` is the built-in schema at this point (undefined = none).
 */
export function strategicMerge(dest: YNode | undefined, patch: YNode, by: string, type: TypeInfo | undefined, path: string[] = []): YNode | undefined {
  if (dest === undefined || isNull(dest)) {
    if (directive(patch) === 'delete') return undefined;
    if (isNull(patch)) return undefined;
    return fromPatch(patch, by);
  }
  if (isNull(patch)) return undefined;
  if (isMap(patch)) {
    const d = directive(patch);
    if (d === 'delete') return undefined;
    if (d === 'replace') return fromPatch(patch, by);
    if (!isMap(dest)) throw new BuildError(`strategic merge: ${path.join('.') || 'the object'} is ${kindName(dest)} in the target but a map in the patch`);
    return mergeMaps(dest, patch, by, type, path);
  }
  if (isSeq(patch)) {
    if (!isSeq(dest)) throw new BuildError(`strategic merge: ${path.join('.') || 'the object'} is ${kindName(dest)} in the target but a list in the patch`);
    return patch === undefined ? dest : mergeLists(dest, patch, by, undefined, undefined, path);
  }
  if (!isScalar(dest)) throw new BuildError(`strategic merge: ${path.join('.') || 'the object'} is ${kindName(dest)} in the target but a scalar in the patch`);
  return fromPatch(patch, by);
}

function mergeMaps(dest: YMap, patch: YMap, by: string, type: TypeInfo | undefined, path: string[]): YMap {
  const out: YMap = { kind: 'map', pairs: dest.pairs.map((p) => ({ ...p })) };
  if (dest.origin) out.origin = dest.origin;
  for (const pp of patch.pairs) {
    if (pp.key === PATCH_DIRECTIVE) continue;
    const i = out.pairs.findIndex((p) => p.key === pp.key);
    const current = i >= 0 ? out.pairs[i].value : undefined;
    const ft = fieldType(type, pp.key);
    let merged: YNode | undefined;
    if (isSeq(pp.value) && isSeq(current)) {
      merged = mergeLists(current, pp.value, by, ft?.type, ft?.mergeKey, [...path, pp.key]);
    } else {
      merged = strategicMerge(current, pp.value, by, ft?.type, [...path, pp.key]);
    }
    if (merged === undefined) {
      if (i >= 0) out.pairs.splice(i, 1);
    } else if (i >= 0) {
      out.pairs[i] = { ...out.pairs[i], value: merged };
    } else {
      out.pairs.push(pp.keyOrigin ? { key: pp.key, keyOrigin: pp.keyOrigin, value: merged } : { key: pp.key, value: merged });
    }
  }
  return out;
}

function mergeLists(dest: YSeq, patch: YSeq, by: string, elemType: TypeInfo | undefined, mergeKey: string | undefined, path: string[]): YSeq {
  const replaceAll = patch.items.some((i) => directive(i) === 'replace' && isMap(i) && i.pairs.length === 1);
  if (!mergeKey || replaceAll) {
    const out = fromPatch(patch, by) as YSeq;
    return out;
  }
  const keyOf = (n: YNode): string | undefined => {
    const k = get(n, mergeKey);
    return isScalar(k) && k.value !== null ? String(k.value) : undefined;
  };
  const out: YNode[] = [];
  const used = new Set<number>();
  const deleted = new Set<string>();
  for (const pi of patch.items) {
    const k = keyOf(pi);
    if (directive(pi) === 'delete') {
      if (k !== undefined) deleted.add(k);
      continue;
    }
    const di = k === undefined ? -1 : dest.items.findIndex((d, idx) => !used.has(idx) && keyOf(d) === k);
    if (di >= 0) {
      used.add(di);
      const m = strategicMerge(dest.items[di], pi, by, elemType, [...path, `[${mergeKey}=${k}]`]);
      if (m) out.push(m);
    } else {
      out.push(fromPatch(pi, by));
    }
  }
  dest.items.forEach((d, idx) => {
    if (used.has(idx)) return;
    const k = keyOf(d);
    if (k !== undefined && deleted.has(k)) return;
    out.push(d);
  });
  const res: YSeq = { kind: 'seq', items: out };
  if (dest.origin) res.origin = dest.origin;
  return res;
}
