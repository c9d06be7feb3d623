// Sprig's lists, dicts (with mergo's merge rules), defaults and flow, and math.

import { FuncMap } from '../exec';
import { asList, strval, toFloat64, toInt64 } from '../convert';
import {
  GoMap,
  GoStruct,
  GoValue,
  JsonNumber,
  deepCopy,
  empty,
  isMap,
  newMap,
  sortedKeys,
  stringList,
  typeOf,
} from '../value';

function needMap(v: GoValue, fn: string): GoMap {
  if (v instanceof Map) return v;
  throw new Error(`wrong type for value; expected map[string]interface {}; got ${typeOf(v)}`);
  void fn;
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a instanceof Map && b instanceof Map)
    return a.size === b.size && [...a].every(([k, x]) => b.has(k) && deepEqual(x, b.get(k)!));
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return false;
}

/** mergo.Merge / mergo.Merge(WithOverride) of map src into map dst, in place. */
export function mergoMerge(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [key, s] of src) {
    const has = dst.has(key);
    const d = has ? dst.get(key)! : null;
    if (s === null) {
      if (overwrite) dst.set(key, null);
      continue;
    }
    if (s instanceof Map) {
      if (d instanceof Map) {
        mergoMerge(d, s, overwrite);
        if (d.size > 0) continue;
      }
      if (overwrite || !has || empty(d)) dst.set(key, s);
      continue;
    }
    if (Array.isArray(s)) {
      if (overwrite || !has || empty(d)) dst.set(key, s);
      continue;
    }
    if (overwrite || !has || empty(d)) dst.set(key, s);
  }
}

function dig(args: GoValue[]): GoValue {
  if (args.length < 3)
    throw new Error(`wrong number of args for dig: want at least 3 got ${args.length}`);
  const dict = needMap(args[args.length - 1], 'dig');
  const def = args[args.length - 2];
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string')
      throw new Error(`wrong type for value; expected string; got ${typeOf(k)}`);
    return k;
  });
  let cur: GoMap = dict;
  for (let i = 0; i < keys.length; i++) {
    if (!cur.has(keys[i])) return def;
    const v = cur.get(keys[i])!;
    if (i === keys.length - 1) return v;
    if (!(v instanceof Map))
      throw new Error(
        `interface conversion: interface {} is ${typeOf(v)}, not map[string]interface {}`,
      );
    cur = v;
  }
  return def;
}

function uniq(l: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const x of l) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function seq(params: GoValue[]): string {
  const p = params.map((x) => Number(toInt64(x)));
  let start = 1;
  let end: number;
  let step = 1;
  if (p.length === 0) return '';
  if (p.length === 1) end = p[0];
  else if (p.length === 2) {
    start = p[0];
    end = p[1];
    if (end < start) step = -1;
  } else if (p.length === 3) {
    start = p[0];
    step = p[1];
    end = p[2];
    if (end < start && step > 0) return '';
    if (end > start && step < 0) return '';
    if (step === 0) return '';
  } else return '';
  tooMany('seq', Math.floor((end - start) / step) + 1);
  const out: number[] = [];
  if (step > 0) for (let i = start; i <= end; i += step) out.push(i);
  else for (let i = start; i >= end; i += step) out.push(i);
  return out.join(' ');
}

/**
 * Lists a template builds by count (until, untilStep, seq) stop at this many items: a value
 * typed by mistake (`replicaCount: 3000000000` under redis' `until`) would take Go's memory
 * too, and here it would take the language server down. Helm has no such limit; no chart
 * needs one near it.
 */
export const MAX_BUILT_ITEMS = 1_000_000;

function tooMany(fn: string, n: number): void {
  if (n > MAX_BUILT_ITEMS)
    throw new Error(
      `${fn} would build ${n} items, more than the ${MAX_BUILT_ITEMS} flux-overlays renders`,
    );
}

function untilStep(start: number, stop: number, step: number, fn = 'untilStep'): GoValue[] {
  const out: GoValue[] = [];
  if (step === 0) return out;
  if ((stop - start) / step > 0) tooMany(fn, Math.ceil((stop - start) / step));
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(BigInt(i));
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) out.push(BigInt(i));
  return out;
}

function round(a: GoValue, p: GoValue, r: GoValue = 0.5): number {
  const roundOn = toFloat64(r);
  const places = toFloat64(p);
  const val = toFloat64(a);
  const pow = Math.pow(10, places);
  const digit = pow * val;
  const [, div] = [Math.trunc(digit), digit - Math.trunc(digit)];
  const rounded = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return rounded / pow;
}

const i64 = toInt64;

export const collectionFuncs: FuncMap = {
  list: { fn: (args) => [...args] },
  tuple: { fn: (args) => [...args] },
  dict: {
    fn: (args) => {
      const m = newMap();
      for (let i = 0; i < args.length; i += 2)
        m.set(strval(args[i]), i + 1 < args.length ? args[i + 1] : '');
      return m;
    },
  },
  get: {
    fn: ([d, k]) => {
      const m = needMap(d, 'get');
      return m.has(strval(k)) ? m.get(strval(k))! : '';
    },
    arity: [2, 2],
  },
  set: {
    fn: ([d, k, v]) => {
      const m = needMap(d, 'set');
      m.set(strval(k), v);
      return m;
    },
    arity: [3, 3],
  },
  unset: {
    fn: ([d, k]) => {
      const m = needMap(d, 'unset');
      m.delete(strval(k));
      return m;
    },
    arity: [2, 2],
  },
  hasKey: { fn: ([d, k]) => needMap(d, 'hasKey').has(strval(k)), arity: [2, 2] },
  pluck: {
    fn: ([k, ...ds]) =>
      ds
        .map((d) => needMap(d, 'pluck'))
        .filter((m) => m.has(strval(k)))
        .map((m) => m.get(strval(k))!),
    arity: [1, Infinity],
  },
  keys: { fn: (ds) => stringList([...new Set(ds.flatMap((d) => sortedKeys(needMap(d, 'keys'))))]) },
  values: {
    fn: ([d]) => sortedKeys(needMap(d, 'values')).map((k) => needMap(d, 'values').get(k)!),
    arity: [1, 1],
  },
  pick: {
    fn: ([d, ...ks]) => {
      const m = needMap(d, 'pick');
      const out = newMap();
      for (const k of ks.map(strval)) if (m.has(k)) out.set(k, m.get(k)!);
      return out;
    },
    arity: [1, Infinity],
  },
  omit: {
    fn: ([d, ...ks]) => {
      const m = needMap(d, 'omit');
      const drop = new Set(ks.map(strval));
      return newMap([...m].filter(([k]) => !drop.has(k)));
    },
    arity: [1, Infinity],
  },
  merge: {
    fn: ([d, ...srcs]) => {
      const m = needMap(d, 'merge');
      for (const s of srcs) mergoMerge(m, needMap(s, 'merge'), false);
      return m;
    },
    arity: [1, Infinity],
  },
  mustMerge: {
    fn: ([d, ...srcs]) => {
      const m = needMap(d, 'merge');
      for (const s of srcs) mergoMerge(m, needMap(s, 'merge'), false);
      return m;
    },
    arity: [1, Infinity],
  },
  mergeOverwrite: {
    fn: ([d, ...srcs]) => {
      const m = needMap(d, 'merge');
      for (const s of srcs) mergoMerge(m, needMap(s, 'merge'), true);
      return m;
    },
    arity: [1, Infinity],
  },
  mustMergeOverwrite: {
    fn: ([d, ...srcs]) => {
      const m = needMap(d, 'merge');
      for (const s of srcs) mergoMerge(m, needMap(s, 'merge'), true);
      return m;
    },
    arity: [1, Infinity],
  },
  deepCopy: { fn: ([v]) => deepCopy(v), arity: [1, 1] },
  mustDeepCopy: { fn: ([v]) => deepCopy(v), arity: [1, 1] },
  dig: { fn: dig },
  append: { fn: ([l, v]) => [...asList(l, 'append'), v], arity: [2, 2] },
  push: { fn: ([l, v]) => [...asList(l, 'push'), v], arity: [2, 2] },
  mustAppend: { fn: ([l, v]) => [...asList(l, 'append'), v], arity: [2, 2] },
  mustPush: { fn: ([l, v]) => [...asList(l, 'push'), v], arity: [2, 2] },
  prepend: { fn: ([l, v]) => [v, ...asList(l, 'prepend')], arity: [2, 2] },
  mustPrepend: { fn: ([l, v]) => [v, ...asList(l, 'prepend')], arity: [2, 2] },
  first: {
    fn: ([l]) => {
      const a = asList(l, 'find first');
      return a.length ? a[0] : null;
    },
    arity: [1, 1],
  },
  mustFirst: {
    fn: ([l]) => {
      const a = asList(l, 'find first');
      return a.length ? a[0] : null;
    },
    arity: [1, 1],
  },
  last: {
    fn: ([l]) => {
      const a = asList(l, 'find last');
      return a.length ? a[a.length - 1] : null;
    },
    arity: [1, 1],
  },
  mustLast: {
    fn: ([l]) => {
      const a = asList(l, 'find last');
      return a.length ? a[a.length - 1] : null;
    },
    arity: [1, 1],
  },
  rest: {
    fn: ([l]) => {
      const a = asList(l, 'find rest');
      return a.length ? a.slice(1) : null;
    },
    arity: [1, 1],
  },
  mustRest: {
    fn: ([l]) => {
      const a = asList(l, 'find rest');
      return a.length ? a.slice(1) : null;
    },
    arity: [1, 1],
  },
  initial: {
    fn: ([l]) => {
      const a = asList(l, 'find initial');
      return a.length ? a.slice(0, -1) : null;
    },
    arity: [1, 1],
  },
  mustInitial: {
    fn: ([l]) => {
      const a = asList(l, 'find initial');
      return a.length ? a.slice(0, -1) : null;
    },
    arity: [1, 1],
  },
  reverse: { fn: ([l]) => [...asList(l, 'reverse')].reverse(), arity: [1, 1] },
  mustReverse: { fn: ([l]) => [...asList(l, 'reverse')].reverse(), arity: [1, 1] },
  uniq: { fn: ([l]) => uniq(asList(l, 'uniq')), arity: [1, 1] },
  mustUniq: { fn: ([l]) => uniq(asList(l, 'uniq')), arity: [1, 1] },
  without: {
    fn: ([l, ...o]) => asList(l, 'without').filter((x) => !o.some((y) => deepEqual(x, y))),
    arity: [1, Infinity],
  },
  mustWithout: {
    fn: ([l, ...o]) => asList(l, 'without').filter((x) => !o.some((y) => deepEqual(x, y))),
    arity: [1, Infinity],
  },
  has: {
    fn: ([needle, l]) => (l === null ? false : asList(l, 'has').some((x) => deepEqual(x, needle))),
    arity: [2, 2],
  },
  mustHas: {
    fn: ([needle, l]) => (l === null ? false : asList(l, 'has').some((x) => deepEqual(x, needle))),
    arity: [2, 2],
  },
  compact: { fn: ([l]) => asList(l, 'compact').filter((x) => !empty(x)), arity: [1, 1] },
  mustCompact: { fn: ([l]) => asList(l, 'compact').filter((x) => !empty(x)), arity: [1, 1] },
  concat: { fn: (ls) => ls.flatMap((l) => asList(l, 'concat')) },
  chunk: {
    fn: ([size, l]) => {
      const a = asList(l, 'chunk');
      const n = Number(i64(size));
      const out: GoValue[] = [];
      for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
      return out;
    },
    arity: [2, 2],
  },
  until: {
    fn: ([n]) => untilStep(0, Number(i64(n)), Number(i64(n)) >= 0 ? 1 : -1, 'until'),
    arity: [1, 1],
  },
  untilStep: {
    fn: ([a, b, c]) => untilStep(Number(i64(a)), Number(i64(b)), Number(i64(c))),
    arity: [3, 3],
  },
  seq: { fn: seq },
  default: {
    fn: ([d, ...given]) => (given.length === 0 || empty(given[0]) ? d : given[0]),
    arity: [1, Infinity],
  },
  empty: { fn: ([v]) => empty(v), arity: [1, 1] },
  coalesce: { fn: (args) => args.find((a) => !empty(a)) ?? null },
  all: { fn: (args) => args.every((a) => !empty(a)) },
  any: { fn: (args) => args.some((a) => !empty(a)) },
  ternary: { fn: ([a, b, c]) => (c === true ? a : b), arity: [3, 3] },
  deepEqual: { fn: ([a, b]) => deepEqual(a, b), arity: [2, 2] },
  add1: { fn: ([a]) => i64(a) + 1n, arity: [1, 1] },
  add: { fn: (args) => args.reduce<bigint>((s, x) => s + i64(x), 0n) },
  sub: { fn: ([a, b]) => i64(a) - i64(b), arity: [2, 2] },
  div: {
    fn: ([a, b]) => {
      if (i64(b) === 0n) throw new Error('runtime error: integer divide by zero');
      return i64(a) / i64(b);
    },
    arity: [2, 2],
  },
  mod: {
    fn: ([a, b]) => {
      if (i64(b) === 0n) throw new Error('runtime error: integer divide by zero');
      return i64(a) % i64(b);
    },
    arity: [2, 2],
  },
  mul: { fn: ([a, ...v]) => v.reduce<bigint>((s, x) => s * i64(x), i64(a)), arity: [1, Infinity] },
  max: {
    fn: ([a, ...v]) => v.reduce<bigint>((m, x) => (i64(x) > m ? i64(x) : m), i64(a)),
    arity: [1, Infinity],
  },
  biggest: {
    fn: ([a, ...v]) => v.reduce<bigint>((m, x) => (i64(x) > m ? i64(x) : m), i64(a)),
    arity: [1, Infinity],
  },
  min: {
    fn: ([a, ...v]) => v.reduce<bigint>((m, x) => (i64(x) < m ? i64(x) : m), i64(a)),
    arity: [1, Infinity],
  },
  add1f: { fn: ([a]) => toFloat64(a) + 1, arity: [1, 1] },
  addf: { fn: (args) => args.reduce<number>((s, x) => s + toFloat64(x), 0) },
  subf: {
    fn: ([a, ...v]) => v.reduce<number>((s, x) => s - toFloat64(x), toFloat64(a)),
    arity: [1, Infinity],
  },
  mulf: {
    fn: ([a, ...v]) => v.reduce<number>((s, x) => s * toFloat64(x), toFloat64(a)),
    arity: [1, Infinity],
  },
  divf: {
    fn: ([a, ...v]) => v.reduce<number>((s, x) => s / toFloat64(x), toFloat64(a)),
    arity: [1, Infinity],
  },
  maxf: {
    fn: ([a, ...v]) => v.reduce<number>((m, x) => Math.max(m, toFloat64(x)), toFloat64(a)),
    arity: [1, Infinity],
  },
  minf: {
    fn: ([a, ...v]) => v.reduce<number>((m, x) => Math.min(m, toFloat64(x)), toFloat64(a)),
    arity: [1, Infinity],
  },
  floor: { fn: ([a]) => Math.floor(toFloat64(a)), arity: [1, 1] },
  ceil: { fn: ([a]) => Math.ceil(toFloat64(a)), arity: [1, 1] },
  round: { fn: ([a, p, r]) => round(a, p, r ?? 0.5), arity: [2, 3] },
  typeOf: { fn: ([v]) => typeOf(v), arity: [1, 1] },
  typeIs: { fn: ([t, v]) => strval(t) === typeOf(v), arity: [2, 2] },
  typeIsLike: {
    fn: ([t, v]) => {
      const tt = strval(t);
      const vt = typeOf(v);
      return tt === vt || tt === '*' + vt || tt === vt.replace(/^\*/, '');
    },
    arity: [2, 2],
  },
  kindOf: { fn: ([v]) => kindName(v), arity: [1, 1] },
  kindIs: { fn: ([k, v]) => strval(k) === kindName(v), arity: [2, 2] },
};

function kindName(v: GoValue): string {
  if (v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'string' || v instanceof JsonNumber) return 'string';
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (isMap(v)) return 'map';
  if (v instanceof GoStruct) return 'struct';
  return 'invalid';
}
