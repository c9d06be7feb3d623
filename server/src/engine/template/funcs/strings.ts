// Sprig's string, conversion and regex functions.

import { FuncMap } from '../exec';
import { goQuote } from '../fmt';
import { strslice, strval, toFloat64, toInt64 } from '../convert';
import { GoValue, goStringCompare, newMap, stringList } from '../value';

const s = (v: GoValue): string => strval(v);
const n = (v: GoValue): number => Number(toInt64(v));

/** Go's strings.Title: upper-case the first letter of each word. */
function title(str: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of str) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function untitle(str: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of str) {
    out += /\s/.test(prev) ? ch.toLowerCase() : ch;
    prev = ch;
  }
  return out;
}

/** Go RE2 pattern to a JS RegExp (named groups, flags prefix). */
export function goRegex(pattern: string, global = false): RegExp {
  let p = pattern.replace(/\(\?P</g, '(?<');
  let flags = global ? 'gu' : 'u';
  const m = /^\(\?([imsU]+)\)/.exec(p);
  if (m) {
    p = p.slice(m[0].length);
    for (const f of m[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  p = p.replace(/\\z/g, '$(?![\\s\\S])').replace(/\\A/g, '^');
  try {
    return new RegExp(p, flags);
  } catch {
    try {
      return new RegExp(p, flags.replace('u', ''));
    } catch (e) {
      throw new Error(`error parsing regexp: ${(e as Error).message}: \`${pattern}\``, {
        cause: e,
      });
    }
  }
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
function expandGo(
  repl: string,
  m: RegExpExecArray | string[],
  groups?: Record<string, string>,
): string {
  return repl.replace(
    /\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g,
    (_all, tok: string, braced?: string, bare?: string) => {
      if (tok === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
      return groups?.[name] ?? '';
    },
  );
}

function regexReplaceAll(re: string, str: string, repl: string, literal: boolean): string {
  const r = goRegex(re, true);
  return str.replace(r, (...args) => {
    if (literal) return repl;
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string>) : undefined;
    const caps = args.slice(0, hasGroups ? -3 : -2) as string[];
    return expandGo(repl, caps, groups);
  });
}

function regexFindAll(re: string, str: string, count: number): GoValue[] {
  const r = goRegex(re, true);
  const out: string[] = [];
  for (const m of str.matchAll(r)) {
    if (count >= 0 && out.length >= count) break;
    out.push(m[0]);
  }
  return stringList(out);
}

function regexSplit(re: string, str: string, count: number): GoValue[] {
  if (count === 0) return stringList([]);
  const r = goRegex(re, true);
  const parts: string[] = [];
  let last = 0;
  for (const m of str.matchAll(r)) {
    if (count > 0 && parts.length === count - 1) break;
    if (m[0] === '' && (m.index === 0 || m.index === str.length)) continue;
    parts.push(str.slice(last, m.index));
    last = m.index! + m[0].length;
  }
  parts.push(str.slice(last));
  return stringList(parts);
}

function substr(start: number, end: number, str: string): string {
  const b = Buffer.from(str, 'utf8');
  if (start < 0) return b.subarray(0, end).toString('utf8');
  if (end < 0 || end > b.length) return b.subarray(start).toString('utf8');
  return b.subarray(start, end).toString('utf8');
}

function isAscii(str: string): boolean {
  for (let i = 0; i < str.length; i++) if (str.charCodeAt(i) > 127) return false;
  return true;
}

function trunc(c: number, str: string): string {
  // Bytes are characters in ASCII (names, mostly shorter than the limit): no buffer.
  if (isAscii(str)) {
    if (c < 0) return str.length + c > 0 ? str.slice(str.length + c) : str;
    return str.length > c ? str.slice(0, c) : str;
  }
  const b = Buffer.from(str, 'utf8');
  if (c < 0 && b.length + c > 0) return b.subarray(b.length + c).toString('utf8');
  if (c >= 0 && b.length > c) return b.subarray(0, c).toString('utf8');
  return str;
}

function abbrev(width: number, str: string): string {
  if (width < 4 || str.length <= width) return str;
  return str.slice(0, width - 3) + '...';
}

function wrap(width: number, str: string, newline = '\n'): string {
  // Word wrapping as goutils.WrapCustom (wrapLongWords false).
  const lines = str.split('\n');
  return lines
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      for (const w of line.split(' ')) {
        if (cur === '') cur = w;
        else if (cur.length + 1 + w.length <= width) cur += ' ' + w;
        else {
          out.push(cur);
          cur = w;
        }
      }
      out.push(cur);
      return out.join(newline);
    })
    .join(newline);
}

function trimCutset(str: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set([...cutset]);
  const chars = [...str];
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a])) a++;
  if (right) while (b > a && set.has(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

const goSpace =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function swapcase(str: string): string {
  return [...str].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

function camelcase(str: string): string {
  // xstrings.ToCamelCase: split on _ (and spaces), capitalise each part.
  return str
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function snakecase(str: string, sep = '_'): string {
  let out = '';
  const chars = [...str];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const isUpper = /\p{Lu}/u.test(c);
    if (/[\s_\-.]/.test(c)) {
      if (out && !out.endsWith(sep)) out += sep;
      continue;
    }
    if (isUpper) {
      const prev = chars[i - 1];
      const next = chars[i + 1];
      if (
        out &&
        !out.endsWith(sep) &&
        ((prev && /[\p{Ll}\p{N}]/u.test(prev)) ||
          (prev && /\p{Lu}/u.test(prev) && next && /\p{Ll}/u.test(next)))
      )
        out += sep;
      out += c.toLowerCase();
    } else out += c;
  }
  return out.replace(new RegExp(`\\${sep}+$`), '');
}

function quoteAll(args: GoValue[], q: (x: string) => string): string {
  return args
    .filter((a) => a !== null)
    .map((a) => q(strval(a)))
    .join(' ');
}

function plural(one: string, many: string, count: GoValue): string {
  return toInt64(count) === 1n ? one : many;
}

export const stringFuncs: FuncMap = {
  trim: { fn: ([a]) => s(a).replace(goSpace, ''), arity: [1, 1] },
  trimAll: { fn: ([c, a]) => trimCutset(s(a), s(c), true, true), arity: [2, 2] },
  trimPrefix: {
    fn: ([p, a]) => (s(a).startsWith(s(p)) ? s(a).slice(s(p).length) : s(a)),
    arity: [2, 2],
  },
  trimSuffix: {
    fn: ([p, a]) =>
      s(p) !== '' && s(a).endsWith(s(p)) ? s(a).slice(0, s(a).length - s(p).length) : s(a),
    arity: [2, 2],
  },
  upper: { fn: ([a]) => s(a).toUpperCase(), arity: [1, 1] },
  lower: { fn: ([a]) => s(a).toLowerCase(), arity: [1, 1] },
  title: { fn: ([a]) => title(s(a)), arity: [1, 1] },
  untitle: { fn: ([a]) => untitle(s(a)), arity: [1, 1] },
  repeat: { fn: ([c, a]) => s(a).repeat(Math.max(0, n(c))), arity: [2, 2] },
  substr: { fn: ([a, b, c]) => substr(n(a), n(b), s(c)), arity: [3, 3] },
  nospace: { fn: ([a]) => s(a).replace(/\s/g, ''), arity: [1, 1] },
  trunc: { fn: ([c, a]) => trunc(n(c), s(a)), arity: [2, 2] },
  abbrev: { fn: ([w, a]) => abbrev(n(w), s(a)), arity: [2, 2] },
  abbrevboth: { fn: ([_l, w, a]) => abbrev(n(w), s(a)), arity: [3, 3] },
  initials: {
    fn: ([a]) =>
      s(a)
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => [...w][0])
        .join(''),
    arity: [1, 1],
  },
  wrap: { fn: ([w, a]) => wrap(n(w), s(a)), arity: [2, 2] },
  wrapWith: { fn: ([w, nl, a]) => wrap(n(w), s(a), s(nl)), arity: [3, 3] },
  contains: { fn: ([sub, a]) => s(a).includes(s(sub)), arity: [2, 2] },
  hasPrefix: { fn: ([p, a]) => s(a).startsWith(s(p)), arity: [2, 2] },
  hasSuffix: { fn: ([p, a]) => s(a).endsWith(s(p)), arity: [2, 2] },
  quote: { fn: (args) => quoteAll(args, (x) => goQuote(x)) },
  squote: { fn: (args) => quoteAll(args, (x) => `'${x}'`) },
  cat: {
    fn: (args) =>
      args
        .filter((a) => a !== null)
        .map(strval)
        .join(' '),
  },
  indent: {
    fn: ([c, a]) => {
      const pad = ' '.repeat(Math.max(0, n(c)));
      return (
        pad +
        s(a)
          .split('\n')
          .join('\n' + pad)
      );
    },
    arity: [2, 2],
  },
  nindent: {
    fn: ([c, a]) => {
      const pad = ' '.repeat(Math.max(0, n(c)));
      return (
        '\n' +
        pad +
        s(a)
          .split('\n')
          .join('\n' + pad)
      );
    },
    arity: [2, 2],
  },
  replace: { fn: ([o, nw, a]) => s(a).split(s(o)).join(s(nw)), arity: [3, 3] },
  plural: { fn: ([o, m, c]) => plural(s(o), s(m), c), arity: [3, 3] },
  snakecase: { fn: ([a]) => snakecase(s(a)), arity: [1, 1] },
  kebabcase: { fn: ([a]) => snakecase(s(a), '-'), arity: [1, 1] },
  camelcase: { fn: ([a]) => camelcase(s(a)), arity: [1, 1] },
  swapcase: { fn: ([a]) => swapcase(s(a)), arity: [1, 1] },
  shuffle: {
    fn: ([a]) => [...s(a)].sort(() => Math.random() - 0.5).join(''),
    arity: [1, 1] as [number, number],
    nonReproducible: true,
  },
  ['toString']: { fn: (args: GoValue[]) => strval(args[0]), arity: [1, 1] as [number, number] },
  toStrings: { fn: ([a]) => stringList(strslice(a)), arity: [1, 1] },
  join: { fn: ([sep, a]) => strslice(a).join(s(sep)), arity: [2, 2] },
  splitList: { fn: ([sep, a]) => stringList(s(a).split(s(sep))), arity: [2, 2] },
  split: {
    fn: ([sep, a]) =>
      newMap(
        s(a)
          .split(s(sep))
          .map((p, i) => [`_${i}`, p]),
      ),
    arity: [2, 2],
  },
  splitn: {
    fn: ([sep, c, a]) => {
      const parts = s(a).split(s(sep));
      const k = n(c);
      const res =
        k > 0 && parts.length > k
          ? [...parts.slice(0, k - 1), parts.slice(k - 1).join(s(sep))]
          : parts;
      return newMap(res.map((p, i) => [`_${i}`, p]));
    },
    arity: [3, 3],
  },
  sortAlpha: { fn: ([a]) => stringList(strslice(a).sort(goStringCompare)), arity: [1, 1] },
  atoi: { fn: ([a]) => (/^[+-]?\d+$/.test(s(a)) ? BigInt(s(a)) : 0n), arity: [1, 1] },
  int: { fn: ([a]) => toInt64(a), arity: [1, 1] },
  int64: { fn: ([a]) => toInt64(a), arity: [1, 1] },
  float64: { fn: ([a]) => toFloat64(a), arity: [1, 1] },
  toDecimal: {
    fn: ([a]) => {
      const t = strval(a);
      return /^[0-7]+$/.test(t) ? BigInt('0o' + t) : 0n;
    },
    arity: [1, 1],
  },
  regexMatch: { fn: ([re, a]) => goRegex(s(re)).test(s(a)), arity: [2, 2] },
  mustRegexMatch: { fn: ([re, a]) => goRegex(s(re)).test(s(a)), arity: [2, 2] },
  regexFind: { fn: ([re, a]) => goRegex(s(re)).exec(s(a))?.[0] ?? '', arity: [2, 2] },
  mustRegexFind: { fn: ([re, a]) => goRegex(s(re)).exec(s(a))?.[0] ?? '', arity: [2, 2] },
  regexFindAll: { fn: ([re, a, c]) => regexFindAll(s(re), s(a), n(c)), arity: [3, 3] },
  mustRegexFindAll: { fn: ([re, a, c]) => regexFindAll(s(re), s(a), n(c)), arity: [3, 3] },
  regexReplaceAll: { fn: ([re, a, r]) => regexReplaceAll(s(re), s(a), s(r), false), arity: [3, 3] },
  mustRegexReplaceAll: {
    fn: ([re, a, r]) => regexReplaceAll(s(re), s(a), s(r), false),
    arity: [3, 3],
  },
  regexReplaceAllLiteral: {
    fn: ([re, a, r]) => regexReplaceAll(s(re), s(a), s(r), true),
    arity: [3, 3],
  },
  mustRegexReplaceAllLiteral: {
    fn: ([re, a, r]) => regexReplaceAll(s(re), s(a), s(r), true),
    arity: [3, 3],
  },
  regexSplit: { fn: ([re, a, c]) => regexSplit(s(re), s(a), n(c)), arity: [3, 3] },
  mustRegexSplit: { fn: ([re, a, c]) => regexSplit(s(re), s(a), n(c)), arity: [3, 3] },
  regexQuoteMeta: { fn: ([a]) => s(a).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'), arity: [1, 1] },
};
