// Go-side conversions Sprig relies on: strval (fmt %v with Stringer), spf13/cast's ToInt64 /
// ToFloat64 / ToBool, and strslice.

import { formatFloatG, formatV } from './fmt';
import { GoStruct, GoValue, JsonNumber } from './value';

export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof GoStruct && v.stringer) return v.stringer();
  return formatV(v);
}

function parseGoInt(s: string): bigint | undefined {
  let t = s.trim();
  // cast trims a zero decimal part: "3.0" -> "3"
  t = t.replace(/\.0*$/, '');
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(t);
  if (!m) return undefined;
  let body = m[2].replace(/_/g, '');
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
  try {
    const n = BigInt(body);
    return m[1] === '-' ? -n : n;
  } catch {
    return undefined;
  }
}

/** cast.ToInt64: numbers truncate, strings parse with base prefixes (0 on failure), bools 1/0, nil 0. */
export function toInt64(v: GoValue): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof JsonNumber) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : 0n;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') return parseGoInt(v) ?? 0n;
  return 0n;
}

export function toFloat64(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof JsonNumber) return Number(v.text);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    return 0;
  }
  return 0;
}

export function toBool(v: GoValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  return false;
}

/** Sprig's strslice: a list of strings from a list (nil elements dropped) or one value. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(strval);
  if (v === null) return [];
  return [strval(v)];
}

export function asList(v: GoValue, fn: string): GoValue[] {
  if (Array.isArray(v)) return v;
  if (v === null) return [];
  throw new Error(`Cannot ${fn} on type ${typeNameForError(v)}`);
}

function typeNameForError(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (v instanceof Map) return 'map[string]interface {}';
  return typeof v;
}

export function floatString(f: number): string {
  return formatFloatG(f);
}
