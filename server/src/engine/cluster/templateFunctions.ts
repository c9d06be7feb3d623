// The functions a ResourceSet template can call: Go's text/template builtins, the slim-sprig
// functions ResourceSets use, `slugify` (gosimple/slug with MaxLength 63 and smart truncation,
// as the Flux Operator configures it) and `toYaml`. Values are decoded JSON (numbers are
// float64 in Go: `int` truncates them).

import { createHash } from 'crypto';
import { emitYaml } from '../yaml/emit';
import { fromJS } from '../yaml/node';
import { TemplateFunction, goType, printValue, truth } from './gotemplate';

type V = unknown;

function str(v: V): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : printValue(v);
}

function toInt(v: V): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }
  return 0;
}

function toFloat(v: V): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : 0;
  }
  return typeof v === 'boolean' ? (v ? 1 : 0) : 0;
}

/** sigs.k8s.io/yaml Marshal (keys sorted), without the final newline, as the operator's toYaml. */
export function toYaml(v: V): string {
  if (v === null || v === undefined) return 'null';
  const n = fromJS(v);
  return emitYaml(n).replace(/\n$/, '');
}

function indent(n: V, s: V): string {
  const pad = ' '.repeat(toInt(n));
  return pad + str(s).replace(/\n/g, '\n' + pad);
}

function equalValues(a: V, b: V): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null || a === undefined || b === undefined)
    return (a ?? null) === (b ?? null);
  if (typeof a !== typeof b)
    throw new Error(`incompatible types for comparison: ${goType(a)} and ${goType(b)}`);
  if (typeof a === 'object') throw new Error('non-comparable type');
  return a === b;
}

function compare(a: V, b: V): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`incompatible types for comparison: ${goType(a)} and ${goType(b)}`);
}

const EN_SUBSTITUTIONS: Record<string, string> = { '&': 'and', '@': 'at' };

/** gosimple/slug Make with MaxLength 63 and EnableSmartTruncate (the operator's settings). */
export function slugify(v: V): string {
  let s = str(v);
  s = [...s]
    .map((c) => (EN_SUBSTITUTIONS[c] !== undefined ? ` ${EN_SUBSTITUTIONS[c]} ` : c))
    .join('');
  s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s
    .toLowerCase()
    .replace(/[^a-z0-9-_]+/g, '-')
    .replace(/[-_]{2,}/g, (m) => (m.includes('_') && !m.includes('-') ? '_' : '-'));
  s = s.replace(/^[-_]+|[-_]+$/g, '');
  if (s.length > 63) {
    let out = '';
    for (const word of s.split('-')) {
      const next = out ? `${out}-${word}` : word;
      if (next.length > 63) break;
      out = next;
    }
    s = out || s.slice(0, 63);
  }
  return s;
}

function printf(format: V, ...args: V[]): string {
  let i = 0;
  return str(format).replace(
    /%([-+# 0]*)(\d+)?(\.\d+)?([a-zA-Z%])/g,
    (m, _flags, _w, prec: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      const a = args[i++];
      switch (verb) {
        case 's':
        case 'v':
          return printValue(a);
        case 'd':
          return String(toInt(a));
        case 'q':
          return JSON.stringify(str(a));
        case 'f':
          return toFloat(a).toFixed(prec ? Number(prec.slice(1)) : 6);
        case 't':
          return String(truth(a));
        default:
          return m;
      }
    },
  );
}

export function templateFunctions(inputs: V): Record<string, TemplateFunction> {
  const f: Record<string, TemplateFunction> = {
    inputs: () => inputs,
    slugify,
    toYaml,
    mustToYaml: toYaml,
    toJson: (v) => JSON.stringify(v ?? null),
    mustToJson: (v) => JSON.stringify(v ?? null),
    toPrettyJson: (v) => JSON.stringify(v ?? null, null, 2),
    fromJson: (s) => {
      try {
        return JSON.parse(str(s));
      } catch {
        return {};
      }
    },
    quote: (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => JSON.stringify(str(x)))
        .join(' '),
    squote: (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => `'${str(x)}'`)
        .join(' '),
    default: (d, ...given) => (given.length && truth(given[0]) ? given[0] : d),
    empty: (v) => !truth(v),
    coalesce: (...a) => a.find((x) => truth(x)) ?? null,
    ternary: (a, b, c) => (truth(c) ? a : b),
    required: (msg, v) => {
      if (v === null || v === undefined || v === '') throw new Error(str(msg));
      return v;
    },
    int: toInt,
    int64: toInt,
    float64: toFloat,
    toString: str,
    toStrings: (l) => (Array.isArray(l) ? l.map(str) : []),
    atoi: toInt,
    upper: (s) => str(s).toUpperCase(),
    lower: (s) => str(s).toLowerCase(),
    title: (s) => str(s).replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
    trim: (s) => str(s).trim(),
    trimAll: (c, s) => {
      const cs = str(c);
      let t = str(s);
      while (t && cs.includes(t[0])) t = t.slice(1);
      while (t && cs.includes(t[t.length - 1])) t = t.slice(0, -1);
      return t;
    },
    trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    trimSuffix: (p, s) =>
      str(p) && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s),
    replace: (o, n, s) => str(s).split(str(o)).join(str(n)),
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (p, s) => str(s).startsWith(str(p)),
    hasSuffix: (p, s) => str(s).endsWith(str(p)),
    trunc: (n, s) => {
      const k = toInt(n);
      const t = str(s);
      return k >= 0 ? t.slice(0, k) : t.slice(Math.max(0, t.length + k));
    },
    repeat: (n, s) => str(s).repeat(Math.max(0, toInt(n))),
    indent,
    nindent: (n, s) => '\n' + indent(n, s),
    printf,
    print: (...a) => a.map(str).join(''),
    println: (...a) => a.map(str).join(' ') + '\n',
    join: (sep, l) => (Array.isArray(l) ? l.map(str).join(str(sep)) : str(l)),
    split: (sep, s) =>
      Object.fromEntries(
        str(s)
          .split(str(sep))
          .map((p, i) => [`_${i}`, p]),
      ),
    splitList: (sep, s) => str(s).split(str(sep)),
    list: (...a) => a,
    dict: (...a) => {
      const o: Record<string, V> = {};
      for (let i = 0; i < a.length; i += 2) o[str(a[i])] = a[i + 1] ?? '';
      return o;
    },
    get: (m, k) =>
      m &&
      typeof m === 'object' &&
      !Array.isArray(m) &&
      Object.prototype.hasOwnProperty.call(m, str(k))
        ? (m as Record<string, V>)[str(k)]
        : '',
    hasKey: (m, k) =>
      !!m && typeof m === 'object' && Object.prototype.hasOwnProperty.call(m, str(k)),
    keys: (...ms) =>
      ms.flatMap((m) => (m && typeof m === 'object' ? Object.keys(m as object) : [])),
    has: (needle, l) => Array.isArray(l) && l.some((x) => x === needle),
    first: (l) => (Array.isArray(l) && l.length ? l[0] : null),
    last: (l) => (Array.isArray(l) && l.length ? l[l.length - 1] : null),
    uniq: (l) => (Array.isArray(l) ? [...new Set(l)] : []),
    len: (v) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v && typeof v === 'object') return Object.keys(v).length;
      throw new Error(`len of type ${goType(v)}`);
    },
    index: (v, ...ks) => {
      let cur = v;
      for (const k of ks) {
        if (Array.isArray(cur)) {
          const i = toInt(k);
          if (i < 0 || i >= cur.length) throw new Error(`index out of range: ${i}`);
          cur = cur[i];
        } else if (cur && typeof cur === 'object') cur = (cur as Record<string, V>)[str(k)] ?? null;
        else throw new Error(`can't index item of type ${goType(cur)}`);
      }
      return cur;
    },
    eq: (a, ...bs) => bs.some((b) => equalValues(a, b)),
    ne: (a, b) => !equalValues(a, b),
    lt: (a, b) => compare(a, b) < 0,
    le: (a, b) => compare(a, b) <= 0,
    gt: (a, b) => compare(a, b) > 0,
    ge: (a, b) => compare(a, b) >= 0,
    and: () => undefined, // short-circuit handled by the evaluator
    or: () => undefined,
    not: (v) => !truth(v),
    add: (...a) => a.reduce<number>((s, x) => s + toInt(x), 0),
    add1: (a) => toInt(a) + 1,
    sub: (a, b) => toInt(a) - toInt(b),
    mul: (...a) => a.reduce<number>((s, x) => s * toInt(x), 1),
    div: (a, b) => Math.trunc(toInt(a) / toInt(b)),
    mod: (a, b) => toInt(a) % toInt(b),
    max: (...a) => Math.max(...a.map(toInt)),
    min: (...a) => Math.min(...a.map(toInt)),
    b64enc: (s) => Buffer.from(str(s), 'utf8').toString('base64'),
    b64dec: (s) => Buffer.from(str(s), 'base64').toString('utf8'),
    sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
    sha1sum: (s) => createHash('sha1').update(str(s)).digest('hex'),
    kebabcase: (s) =>
      str(s)
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .replace(/[\s_]+/g, '-')
        .toLowerCase(),
    snakecase: (s) =>
      str(s)
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[\s-]+/g, '_')
        .toLowerCase(),
  };
  return f;
}
