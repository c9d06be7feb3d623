// What Helm's toYaml prints: sigs.k8s.io/yaml.Marshal, i.e. encoding/json then go-yaml v2's
// emitter: keys in go-yaml's natural order, block style with indentless sequences, strings plain
// when they read back as strings, else double quoted; single quotes when plain is not allowed;
// literal blocks (|, |-, |+) for multi-line text; long plain and quoted lines folded after column 80.

import { structToMap, jsonNumber } from './json';
import { GoStruct, GoValue, JsonNumber } from './value';

const BEST_WIDTH = 80;

/** yaml.v2's keyList.Less: digit runs compare as numbers, letters after non-letters. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = codePoints(a);
  const br = codePoints(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++)
      an = an * 10n + BigInt(ar[ai].charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++)
      bn = bn * 10n + BigInt(br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

const LETTER = /\p{L}/u;
const SURROGATE = /[\ud800-\udfff]/;

/** The text's code points: the text itself when each is one unit (no surrogates), else an array. */
function codePoints(s: string): string | string[] {
  return SURROGATE.test(s) ? [...s] : s;
}

function isLetter(c: string): boolean {
  const u = c.charCodeAt(0);
  if (u < 128) return (u >= 97 && u <= 122) || (u >= 65 && u <= 90);
  return LETTER.test(c);
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function yamlSortKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}

// go-yaml v2 resolve(): plain text that would not read back as a string.
const V2_BOOL =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const V2_NULL = /^(~|null|Null|NULL)$/;
function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  if (V2_BOOL.test(s) || V2_NULL.test(s)) return true;
  if (/^[-+]?(\.inf|\.Inf|\.INF)$/.test(s) || /^(\.nan|\.NaN|\.NAN)$/.test(s)) return true;
  const c = s[0];
  if (!/[-+.0-9]/.test(c)) return false;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain)) return true;
  if (/^[-+]?0[0-7]+$/.test(plain)) return true;
  if (/^[-+]?0x[0-9a-fA-F]+$/.test(plain)) return true;
  if (/^[-+]?0b[01]+$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (
    /^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?(Z|[-+]\d{1,2}(:\d{2})?)?)?$/.test(
      s,
    )
  )
    return true;
  // base 60 floats (1:20) are quoted by v2 too
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true;
  return false;
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** yaml_emitter_analyze_scalar, for block context. */
function analyze(s: string): Analysis {
  const res: Analysis = {
    multiline: false,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (s === '') {
    res.blockPlainAllowed = false;
    res.blockAllowed = false;
    return res;
  }
  if (s.startsWith('---') || s.startsWith('...')) res.blockPlainAllowed = false;
  // By code point without an array: ASCII and surrogate pairs alike (a lone surrogate is one
  // code point, as in go-yaml's reading of the bytes Go would give it).
  const n = s.length;
  let blockIndicators = false;
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWs = true;
  for (let i = 0; i < n;) {
    const c = s.codePointAt(i)!;
    const j = i + (c > 0xffff ? 2 : 1);
    const next = j < n ? s.codePointAt(j)! : -1;
    const followedByWs = next === -1 || next === 32 || next === 9 || next === 10 || next === 13;
    if (i === 0) {
      if (INDICATORS.has(c)) blockIndicators = true;
      if ((c === 63 /* ? */ || c === 58) /* : */ && followedByWs) blockIndicators = true;
      if (c === 45 /* - */ && followedByWs) blockIndicators = true;
    } else {
      if (c === 58 && followedByWs) blockIndicators = true;
      if (c === 35 /* # */ && precededByWs) blockIndicators = true;
    }
    if (!isPrintable(c) || c === 0xfeff) special = true;
    if (c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029) lineBreaks = true;
    if (c === 32) {
      if (i === 0) leadingSpace = true;
      if (j >= n) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (c === 10 || c === 13) {
      if (i === 0) leadingBreak = true;
      if (j >= n) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWs = c === 32 || c === 9 || c === 10 || c === 13;
    i = j;
  }
  res.multiline = lineBreaks;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) res.blockPlainAllowed = false;
  if (trailingSpace) res.blockAllowed = false;
  if (breakSpace) {
    res.blockPlainAllowed = false;
    res.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    res.blockPlainAllowed = false;
    res.singleQuotedAllowed = false;
    res.blockAllowed = false;
  }
  if (lineBreaks) res.blockPlainAllowed = false;
  if (blockIndicators) res.blockPlainAllowed = false;
  return res;
}

const INDICATORS = new Set([...'#,[]{}&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

type Style = 'plain' | 'single' | 'double' | 'literal';

function chooseStyle(s: string, simpleKey: boolean): Style {
  const a = analyze(s);
  let style: Style = s.includes('\n') ? 'literal' : resolvesToNonString(s) ? 'double' : 'plain';
  if (style === 'literal' && (simpleKey || !a.blockAllowed)) style = 'double';
  if (style === 'plain' && (!a.blockPlainAllowed || (simpleKey && a.multiline))) style = 'single';
  if (style === 'single' && (!a.singleQuotedAllowed || (simpleKey && a.multiline)))
    style = 'double';
  return style;
}

/** Writes text with folding at spaces past column 80, as go-yaml's plain/single-quoted writers do. */
function foldWrite(text: string, startCol: number, indent: number, quote: string): string {
  let out = quote;
  let col = startCol + quote.length;
  const chars = codePoints(text);
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === ' ') {
      if (
        !spaces &&
        col > BEST_WIDTH &&
        i !== 0 &&
        i !== chars.length - 1 &&
        chars[i + 1] !== ' '
      ) {
        out += '\n' + ' '.repeat(indent);
        col = indent;
      } else {
        out += ' ';
        col++;
      }
      spaces = true;
    } else {
      if (quote === "'" && ch === "'") {
        out += "''";
        col += 2;
      } else {
        out += ch;
        col++;
      }
      spaces = false;
    }
  }
  return out + quote;
}

function doubleQuoted(s: string, startCol: number, indent: number, simpleKey: boolean): string {
  let out = '"';
  let col = startCol + 1;
  const chars = codePoints(s);
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const c = ch.codePointAt(0)!;
    const printable =
      isPrintable(c) && c !== 0xfeff && ch !== '\n' && c !== 0x85 && c !== 0x2028 && c !== 0x2029;
    if (!printable || ch === '"' || ch === '\\') {
      let esc: string;
      switch (c) {
        case 0:
          esc = '\\0';
          break;
        case 7:
          esc = '\\a';
          break;
        case 8:
          esc = '\\b';
          break;
        case 9:
          esc = '\\t';
          break;
        case 10:
          esc = '\\n';
          break;
        case 11:
          esc = '\\v';
          break;
        case 12:
          esc = '\\f';
          break;
        case 13:
          esc = '\\r';
          break;
        case 27:
          esc = '\\e';
          break;
        case 0x22:
          esc = '\\"';
          break;
        case 0x5c:
          esc = '\\\\';
          break;
        case 0x85:
          esc = '\\N';
          break;
        case 0xa0:
          esc = '\\_';
          break;
        case 0x2028:
          esc = '\\L';
          break;
        case 0x2029:
          esc = '\\P';
          break;
        default:
          esc =
            c <= 0xff
              ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`
              : c <= 0xffff
                ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`
                : `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;
      }
      out += esc;
      col += esc.length;
      spaces = false;
    } else if (ch === ' ') {
      if (!simpleKey && !spaces && col > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
        out += '\n' + ' '.repeat(indent);
        col = indent;
        if (chars[i + 1] === ' ') {
          out += '\\';
          col++;
        }
      } else {
        out += ' ';
        col++;
      }
      spaces = true;
    } else {
      out += ch;
      col++;
      spaces = false;
    }
  }
  return out + '"';
}

function literal(s: string, indent: number): string {
  let chomp = '-';
  if (s.endsWith('\n')) chomp = /\n\n$/.test(s) || s === '\n' ? '+' : '';
  const hint = s.startsWith(' ') || s.startsWith('\n') ? String(2) : '';
  let body = s;
  if (chomp === '') body = s.slice(0, -1);
  else if (chomp === '+') body = s.slice(0, -1);
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((l) => (l === '' ? '' : pad + l));
  return `|${hint}${chomp}\n${lines.join('\n')}`;
}

function scalarText(v: GoValue, col: number, indent: number, simpleKey: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    const j = jsonNumber(v);
    if (/^-?\d+$/.test(j)) return j;
    return goYamlFloat(v);
  }
  const s = String(v);
  const style = chooseStyle(s, simpleKey);
  switch (style) {
    case 'plain':
      return simpleKey ? s : foldWrite(s, col, indent, '');
    case 'single':
      return simpleKey ? `'${s.replace(/'/g, "''")}'` : foldWrite(s, col, indent, "'");
    case 'double':
      return doubleQuoted(s, col, indent, simpleKey);
    case 'literal':
      return literal(s, indent);
  }
}

function goYamlFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '+.inf';
  if (f === -Infinity) return '-.inf';
  // strconv.FormatFloat(f, 'g', -1, 64)
  const e = Math.abs(f).toExponential();
  const [m, x] = e.split('e');
  const digits = m.replace('.', '');
  const exp = Number(x);
  let out: string;
  if (exp < -4 || exp >= 21) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else out = String(Math.abs(f));
  return f < 0 ? '-' + out : out;
}

/** JSON round trip: structs become maps, []byte base64 strings; everything else as is. */
function normalize(v: GoValue): GoValue {
  if (v instanceof GoStruct) return normalize(structToMap(v));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof JsonNumber) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : Number(v.text);
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, normalize(x)]));
  return v;
}

/** Helm's toYaml text (without the final newline Helm trims). */
export function toYAML(v: GoValue): string {
  const out: string[] = [];
  emitNode(normalize(v), 0, out, 'top');
  return out.join('').replace(/\n$/, '');
}

function isCollection(v: GoValue): boolean {
  return (Array.isArray(v) && v.length > 0) || (v instanceof Map && v.size > 0);
}

/**
 * Emits `v` at `indent`. `ctx`: 'top' (document), 'map' (value after "key:"), 'seq' (after "- ").
 * Every call leaves the output ending with a newline.
 */
function emitNode(
  v: GoValue,
  indent: number,
  out: string[],
  ctx: 'top' | 'map' | 'seq',
  col = 0,
): void {
  if (v instanceof Map && v.size > 0) {
    const keys = yamlSortKeys([...v.keys()]);
    let first = true;
    if (ctx === 'map') out.push('\n');
    for (const k of keys) {
      const pad = first && ctx === 'seq' ? '' : ' '.repeat(indent);
      first = false;
      const keyText = scalarText(k, indent, indent, true);
      const x = v.get(k)!;
      out.push(`${pad}${keyText}:`);
      if (isCollection(x)) {
        emitNode(x, Array.isArray(x) ? indent : indent + 2, out, 'map');
      } else {
        out.push(' ');
        emitScalarLine(x, indent + keyText.length + 2, indent + 2, out, indent);
      }
    }
    return;
  }
  if (Array.isArray(v) && v.length > 0) {
    let first = true;
    if (ctx === 'map') out.push('\n');
    for (const x of v) {
      const pad = first && ctx === 'seq' ? '' : ' '.repeat(indent);
      first = false;
      out.push(`${pad}- `);
      if (isCollection(x)) emitNode(x, indent + 2, out, 'seq');
      else emitScalarLine(x, indent + 2, indent + 2, out, indent);
    }
    return;
  }
  if (ctx === 'map') out.push(' ');
  emitScalarLine(v, col, ctx === 'top' ? 2 : indent + 2, out, ctx === 'top' ? 0 : indent);
}

function emitScalarLine(
  v: GoValue,
  col: number,
  foldIndent: number,
  out: string[],
  blockIndent: number,
): void {
  if (v instanceof Map) {
    out.push('{}\n');
    return;
  }
  if (Array.isArray(v)) {
    out.push('[]\n');
    return;
  }
  if (typeof v === 'string' && v.includes('\n')) {
    const style = chooseStyle(v, false);
    if (style === 'literal') {
      out.push(literal(v, blockIndent + 2) + '\n');
      return;
    }
  }
  out.push(scalarText(v, col, foldIndent, false) + '\n');
}
