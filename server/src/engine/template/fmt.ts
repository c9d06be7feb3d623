// Go's fmt package as templates use it: Sprint/Sprintln/Sprintf with the verbs, flags, widths
// and precisions Go has, the %v forms of maps (sorted keys), slices, nil and structs, the
// `%!v(MISSING)` / `%!(EXTRA ...)` markers, and float64 in %g shortest form (1e+06).

import { GoStruct, GoValue, JsonNumber, sortedKeys, typeOf } from './value';

/** strconv.FormatFloat(f, 'g', -1, 64): what %v prints for a float64. */
export function formatFloatG(f: number, prec = -1, upper = false): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const neg = f < 0;
  const a = Math.abs(f);
  let digits: string;
  let exp: number;
  if (prec < 0) {
    const e = a.toExponential();
    const [m, x] = e.split('e');
    digits = m.replace('.', '');
    exp = Number(x);
  } else {
    const p = prec === 0 ? 1 : prec;
    const e = a.toExponential(p - 1);
    const [m, x] = e.split('e');
    digits = m.replace('.', '').replace(/0+$/, '') || '0';
    exp = Number(x);
  }
  const eprec = prec < 0 ? 6 : prec === 0 ? 1 : prec;
  let out: string;
  if (exp < -4 || exp >= (prec < 0 ? eprec : Math.max(eprec, 0))) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    out = `${mant}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${es}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

function formatFloatE(f: number, prec: number, upper: boolean): string {
  if (!Number.isFinite(f)) return formatFloatG(f);
  const s = f.toExponential(prec);
  const [m, x] = s.split('e');
  const n = Number(x);
  const es = Math.abs(n) < 10 ? `0${Math.abs(n)}` : String(Math.abs(n));
  return `${m}${upper ? 'E' : 'e'}${n < 0 ? '-' : '+'}${es}`;
}

function formatFloatF(f: number, prec: number): string {
  if (!Number.isFinite(f)) return formatFloatG(f);
  if (Math.abs(f) >= 1e21) {
    // toFixed switches to exponent form from 1e21; expand by hand.
    const big = BigInt(Math.round(f)).toString();
    return prec > 0 ? `${big}.${'0'.repeat(prec)}` : big;
  }
  return f.toFixed(prec);
}

/** strconv.Quote: Go's double-quoted string with escapes. */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if ((asciiOnly && c > 0x7e) || !isPrint(c))
      out +=
        c > 0xffff
          ? `\\U${c.toString(16).padStart(8, '0')}`
          : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function isPrint(c: number): boolean {
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return false;
  if (c === 0xad) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c === 0x2028 || c === 0x2029 || c === 0xfeff) return false;
  if (c >= 0xe000 && c <= 0xf8ff) return false;
  return true;
}

/** The %v form of a value (fmt.Sprint of one operand). `plus` = %+v (struct field names). */
export function formatV(v: GoValue, plus = false, top = true): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatFloatG(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return v;
  }
  if (v instanceof Uint8Array) return `[${[...v].join(' ')}]`;
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => formatV(x, plus, false)).join(' ')}]`;
  if (v instanceof Map)
    return `map[${sortedKeys(v)
      .map((k) => `${k}:${formatV(v.get(k)!, plus, false)}`)
      .join(' ')}]`;
  return formatStruct(v, plus, top);
}

function formatStruct(v: GoStruct, plus: boolean, _top: boolean): string {
  if (v.stringer) return v.stringer();
  const parts = Object.entries(v.fields).map(([k, x]) =>
    plus ? `${k}:${formatV(x, plus, false)}` : formatV(x, plus, false),
  );
  return `{${parts.join(' ')}}`;
}

function isStringKind(v: GoValue): boolean {
  return typeof v === 'string' || v instanceof JsonNumber;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && !isStringKind(args[i]) && !isStringKind(args[i - 1])) out += ' ';
    out += formatV(args[i]);
  }
  return out;
}

export function sprintln(args: GoValue[]): string {
  return args.map((a) => formatV(a)).join(' ') + '\n';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, spec: Spec, numeric = false): string {
  if (spec.width === undefined || [...s].length >= spec.width) return s;
  const n = spec.width - [...s].length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric) {
    const sign = /^[-+ ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  if (spec.zero && !numeric) return '0'.repeat(n) + s;
  return ' '.repeat(n) + s;
}

function bad(verb: string, v: GoValue, spec?: Spec): string {
  if (v === null) return `%!${verb}(<nil>)`;
  let text = formatV(v);
  if (spec?.prec !== undefined && isStringKind(v)) text = [...text].slice(0, spec.prec).join('');
  return `%!${verb}(${typeOf(v)}=${text})`;
}

function signed(s: string, spec: Spec, negative: boolean): string {
  if (negative) return s;
  if (spec.plus) return '+' + s;
  if (spec.space) return ' ' + s;
  return s;
}

function formatInt(n: bigint, verb: string, spec: Spec): string | undefined {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let s: string;
  switch (verb) {
    case 'd':
    case 'v':
      s = a.toString();
      break;
    case 'b':
      s = a.toString(2);
      break;
    case 'o':
      s = (spec.sharp ? '0' : '') + a.toString(8);
      break;
    case 'O':
      s = '0o' + a.toString(8);
      break;
    case 'x':
      s = (spec.sharp ? '0x' : '') + a.toString(16);
      break;
    case 'X':
      s = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase();
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(n)), spec);
    case 'q':
      return pad(`'${String.fromCodePoint(Number(n))}'`, spec);
    case 'U':
      return pad('U+' + a.toString(16).toUpperCase().padStart(4, '0'), spec);
    default:
      return undefined;
  }
  if (spec.prec !== undefined) s = s.padStart(spec.prec, '0');
  s = signed(neg ? '-' + s : s, spec, neg);
  return pad(s, spec, spec.prec === undefined);
}

function formatFloat(f: number, verb: string, spec: Spec): string | undefined {
  let s: string;
  switch (verb) {
    case 'v':
    case 'g':
      s = formatFloatG(f, spec.prec ?? -1);
      break;
    case 'G':
      s = formatFloatG(f, spec.prec ?? -1, true);
      break;
    case 'f':
    case 'F':
      s = formatFloatF(f, spec.prec ?? 6);
      break;
    case 'e':
    case 'E':
      s = formatFloatE(f, spec.prec ?? 6, verb === 'E');
      break;
    default:
      return undefined;
  }
  const neg = s.startsWith('-');
  if (!neg && f === f && !Number.isFinite(f)) s = s.replace(/^\+/, '');
  s = signed(s, spec, neg);
  return pad(s, spec, true);
}

function formatString(s: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
      return pad(s, spec);
    case 'q':
      return pad(spec.sharp && !s.includes('`') ? '`' + s + '`' : goQuote(s, spec.plus), spec);
    case 'x':
    case 'X': {
      let h = Buffer.from(s, 'utf8').toString('hex');
      if (verb === 'X') h = h.toUpperCase();
      return pad(h, spec);
    }
    default:
      return undefined;
  }
}

function formatOne(v: GoValue, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(typeOf(v), spec);
  if (verb === 'v' && v instanceof GoStruct) return pad(formatV(v, spec.plus), spec);
  if (v === null) return verb === 'v' ? pad('<nil>', spec) : bad(verb, v);
  if (typeof v === 'boolean')
    return verb === 't' || verb === 'v' ? pad(String(v), spec) : bad(verb, v);
  if (typeof v === 'bigint') return formatInt(v, verb, spec) ?? bad(verb, v);
  if (typeof v === 'number') return formatFloat(v, verb, spec) ?? bad(verb, v);
  if (typeof v === 'string') return formatString(v, verb, spec) ?? bad(verb, v);
  if (v instanceof JsonNumber) return formatString(v.text, verb, spec) ?? bad(verb, v, spec);
  if (v instanceof Uint8Array) {
    if (verb === 's') return pad(Buffer.from(v).toString('utf8'), spec);
    if (verb === 'x') return pad(Buffer.from(v).toString('hex'), spec);
  }
  if (v instanceof GoStruct && v.stringer && (verb === 's' || verb === 'q'))
    return formatOne(v.stringer(), verb, spec);
  if (Array.isArray(v))
    return `[${v.map((x) => formatOne(x, verb, { ...spec, width: undefined })).join(' ')}]`;
  if (v instanceof Map)
    return `map[${sortedKeys(v)
      .map((k) => `${formatOne(k, verb, spec)}:${formatOne(v.get(k)!, verb, spec)}`)
      .join(' ')}]`;
  if (v instanceof GoStruct)
    return `{${Object.values(v.fields)
      .map((x) => formatOne(x, verb, spec))
      .join(' ')}}`;
  return bad(verb, v);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else if (f === '0') spec.zero = !spec.minus;
      else break;
    }
    if (format[i] === '*') {
      const w = args[argi++];
      spec.width = typeof w === 'bigint' ? Number(w) : undefined;
      i++;
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        const p = args[argi++];
        spec.prec = typeof p === 'bigint' ? Number(p) : 0;
        i++;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argi++], verb, spec);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === null ? '<nil>' : `${typeOf(a)}=${formatV(a)}`))
      .join(', ')})`;
  }
  return out;
}
