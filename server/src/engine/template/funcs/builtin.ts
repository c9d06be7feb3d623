// text/template's predefined functions: and, or, not, len, index, slice, print(f/ln), eq..ge,
// html, js, urlquery. Comparison follows Go: basic kinds only, int vs float is an error.

import { sprint, sprintf, sprintln } from '../fmt';
import { FuncMap } from '../exec';
import { GoStruct, GoValue, JsonNumber, truth, typeOf, utf8Length } from '../value';

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: GoValue): Kind {
  if (v === null) return 'invalid';
  if (v instanceof JsonNumber) return 'string';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  return 'other';
}

function plain(v: GoValue): GoValue {
  return v instanceof JsonNumber ? v.text : v;
}

function eq(a0: GoValue, others0: GoValue[]): boolean {
  const a = plain(a0);
  const others = others0.map(plain);
  if (others.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of others) {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (a !== null && b !== null) throw new Error('incompatible types for comparison');
      continue;
    }
    if (k1 === 'other') {
      if (Array.isArray(a) || a instanceof Map || a instanceof Uint8Array)
        throw new Error(`non-comparable type ${typeOf(a)}`);
      if (a === b) return true;
      continue;
    }
    if (k1 === 'invalid') return true;
    if (a === b) return true;
  }
  return false;
}

function lt(a0: GoValue, b0: GoValue): boolean {
  const a = plain(a0);
  const b = plain(b0);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool' || k1 === 'invalid' || k1 === 'other')
    throw new Error('invalid type for comparison');
  if (k1 === 'string')
    return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  return (a as number) < (b as number);
}

function indexArg(i: GoValue, len: number): number {
  if (typeof i !== 'bigint')
    throw new Error(
      i === null
        ? 'cannot index slice/array with nil'
        : `cannot index slice/array with type ${typeOf(i)}`,
    );
  if (i < 0n || i >= BigInt(len)) throw new Error(`index out of range: ${i}`);
  return Number(i);
}

function sliceArg(i: GoValue, cap: number): number {
  if (typeof i !== 'bigint') throw new Error(`cannot index slice/array with type ${typeOf(i)}`);
  if (i < 0n || i > BigInt(cap)) throw new Error(`index out of range: ${i}`);
  return Number(i);
}

export function goIndex(item: GoValue, indices: GoValue[]): GoValue {
  let v = item;
  for (const i of indices) {
    if (v === null) throw new Error('index of untyped nil');
    if (Array.isArray(v)) v = v[indexArg(i, v.length)];
    else if (typeof v === 'string') v = BigInt(Buffer.from(v, 'utf8')[indexArg(i, utf8Length(v))]);
    else if (v instanceof Uint8Array) v = BigInt(v[indexArg(i, v.length)]);
    else if (v instanceof Map) {
      if (typeof i !== 'string')
        throw new Error(
          i === null
            ? 'value is nil; should be of type string'
            : `value has type ${typeOf(i)}; should be string`,
        );
      const x = v.get(i);
      v = x === undefined ? null : x;
    } else throw new Error(`can't index item of type ${typeOf(v)}`);
  }
  return v;
}

function goLen(v: GoValue): bigint {
  if (v instanceof JsonNumber) return BigInt(v.text.length);
  if (typeof v === 'string') return BigInt(utf8Length(v));
  if (Array.isArray(v) || v instanceof Uint8Array) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  if (v === null) throw new Error('len of nil pointer');
  throw new Error(`len of type ${typeOf(v)}`);
}

function goSlice(item: GoValue, idx: GoValue[]): GoValue {
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  if (typeof item === 'string') {
    throw new Error('list should be type of slice or array but string');
  }
  if (typeof item === 'string') {
    if (idx.length === 3) throw new Error('cannot 3-index slice a string');
    const b = Buffer.from(item, 'utf8');
    const from = idx.length > 0 ? sliceArg(idx[0], b.length) : 0;
    const to = idx.length > 1 ? sliceArg(idx[1], b.length) : b.length;
    if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
    return b.subarray(from, to).toString('utf8');
  }
  if (Array.isArray(item)) {
    const from = idx.length > 0 ? sliceArg(idx[0], item.length) : 0;
    const to = idx.length > 1 ? sliceArg(idx[1], item.length) : item.length;
    if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
    return item.slice(from, to);
  }
  if (item === null) throw new Error('slice of untyped nil');
  throw new Error(`can't slice item of type ${typeOf(item)}`);
}

function htmlEscape(s: string): string {
  return s.replace(
    /[&'<>"\0]/g,
    (c) =>
      ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!,
  );
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

function evalArgsString(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

export const builtinFuncs: FuncMap = {
  and: {
    fn: () => null,
    arity: [1, Infinity],
    lazy: (thunks) => {
      let v: GoValue = null;
      for (const t of thunks) {
        v = t();
        if (!truth(v)) return v;
      }
      return v;
    },
  },
  or: {
    fn: () => null,
    arity: [1, Infinity],
    lazy: (thunks) => {
      let v: GoValue = null;
      for (const t of thunks) {
        v = t();
        if (truth(v)) return v;
      }
      return v;
    },
  },
  not: { fn: ([a]) => !truth(a), arity: [1, 1] },
  len: { fn: ([a]) => goLen(a), arity: [1, 1] },
  index: { fn: ([item, ...idx]) => goIndex(item, idx), arity: [1, Infinity] },
  print: { fn: (args) => sprint(args) },
  printf: {
    fn: ([f, ...args]) => {
      if (typeof f !== 'string')
        throw new Error(`wrong type for value; expected string; got ${typeOf(f)}`);
      return sprintf(f, args);
    },
    arity: [1, Infinity],
  },
  println: { fn: (args) => sprintln(args) },
  eq: { fn: ([a, ...b]) => eq(a, b), arity: [1, Infinity] },
  ne: { fn: ([a, b]) => !eq(a, [b]), arity: [2, 2] },
  lt: { fn: ([a, b]) => lt(a, b), arity: [2, 2] },
  le: { fn: ([a, b]) => lt(a, b) || eq(a, [b]), arity: [2, 2] },
  gt: { fn: ([a, b]) => !lt(a, b) && !eq(a, [b]), arity: [2, 2] },
  ge: { fn: ([a, b]) => !lt(a, b), arity: [2, 2] },
  html: { fn: (args) => htmlEscape(evalArgsString(args)) },
  js: { fn: (args) => jsEscape(evalArgsString(args)) },
  urlquery: { fn: (args) => encodeURIComponent(evalArgsString(args)).replace(/%20/g, '+') },
  slice: { fn: ([item, ...idx]) => goSlice(item, idx), arity: [1, Infinity] },
  call: {
    fn: () => {
      throw new Error('call of a function value is not supported');
    },
  },
};

export function isStruct(v: GoValue): v is GoStruct {
  return v instanceof GoStruct;
}
