// A fast reader for the plain block YAML that Helm renders and charts ship (block maps and
// lists, one-line plain and quoted scalars, literal block scalars, `{}`/`[]`, comments). It
// builds exactly the tree parse.ts builds through the `yaml` package, origins included, and
// gives up (undefined) on anything else: anchors, tags, flow collections, multi-line plain or
// quoted scalars, folded scalars, several documents, duplicate or merge keys, tabs, and every
// error. The caller then parses the text the general way. Reading YAML was half of a cold render.

import { Origin, YNode, YPair } from './node';
import { YamlFlavor, resolvePlainScalar } from './resolve';

class GiveUp {}
const GIVE_UP = new GiveUp();

/** Where the last give-up happened (for tuning the reader; cheap: only a line number). */
export let lastGiveUp = '';
const DEBUG = !!process.env.FLUX_OVERLAYS_FAST_YAML_DEBUG;

function giveUp(): never {
  if (DEBUG) lastGiveUp = (new Error().stack ?? '').split('\n')[2] ?? '';
  throw GIVE_UP;
}

export interface FastDocument {
  root: YNode;
  origin: Origin;
}

/**
 * The one document of `text` (null when it holds only comments), or undefined to parse it the
 * general way. `valuesOnly`: the caller keeps only the values (chart values files): comments
 * that would move where a collection ends in the general reader's origins are read as well, and
 * collection origins may then end earlier than its.
 */
export function fastParseYaml(
  text: string,
  file: string,
  flavor: YamlFlavor,
  lineShift = 0,
  colShift = 0,
  valuesOnly = false,
): FastDocument | null | undefined {
  if (text.length === 0 || text.charCodeAt(text.length - 1) !== 10) return undefined;
  if (text.indexOf('\r') >= 0 || text.indexOf('\uFEFF') >= 0) return undefined;
  try {
    return new Reader(text, file, flavor, lineShift, colShift, valuesOnly).document();
  } catch (e) {
    // Deep nesting (and its limits and problems) is the general reader's.
    if (e === GIVE_UP || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Nesting past this is left to the general reader (its limits and problems). */
const MAX_FAST_DEPTH = 200;

const SP = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const NL = 10;
const TAB = 9;

class Reader {
  /** Start offset of each line; a last entry at text.length. */
  private readonly starts: number[] = [];
  /** Indentation of each line, -1 for a blank line, -2 for a comment line. */
  private readonly indents: number[] = [];
  private readonly nLines: number;
  /** Block nodes open around the one being read. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly flavor: YamlFlavor,
    private readonly lineShift: number,
    private readonly colShift: number,
    /** Only the values matter (not where collections end): comments after a collection's last item are read too. */
    private readonly valuesOnly: boolean,
  ) {
    let s = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      this.starts.push(s);
      s = i + 1;
    }
    this.nLines = this.starts.length;
    this.starts.push(text.length);
    for (let l = 0; l < this.nLines; l++) {
      const st = this.starts[l];
      const end = this.starts[l + 1] - 1;
      let i = st;
      while (i < end && text.charCodeAt(i) === SP) i++;
      const c = i < end ? text.charCodeAt(i) : NL;
      if (c === NL) this.indents.push(-1);
      else if (c === HASH) this.indents.push(-2);
      else this.indents.push(i - st);
    }
  }

  private origin(start: number, end: number): Origin {
    const s = this.pos(start);
    const e = this.pos(end);
    return { file: this.file, line: s[0], col: s[1], endLine: e[0], endCol: e[1] };
  }

  private pos(off: number): [number, number] {
    // Binary search of the line.
    let lo = 0;
    let hi = this.nLines;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1 + this.lineShift, off - this.starts[lo] + 1 + this.colShift];
  }

  /** Next line at or after `l` with content (not blank, not a comment), or nLines. */
  private nextContent(l: number): number {
    while (l < this.nLines && this.indents[l] < 0) l++;
    return l;
  }

  document(): FastDocument | null {
    const text = this.text;
    for (let l = 0; l < this.nLines; l++) {
      const st = this.starts[l];
      const c = text.charCodeAt(st);
      if (c === 37 /* % */) giveUp();
      if (
        (c === DASH || c === 46) /* . */ &&
        text.charCodeAt(st + 1) === c &&
        text.charCodeAt(st + 2) === c
      )
        giveUp();
      if (this.indents[l] !== -1 && text.charCodeAt(st + Math.max(this.indents[l], 0)) === TAB)
        giveUp();
    }
    const first = this.nextContent(0);
    if (first === this.nLines) {
      // Comments only: no document, as the general reader says; blank only likewise.
      return null;
    }
    // The root collection may be indented (fromYaml of an `include` output).
    const r = this.node(first, this.indents[first]);
    if (this.nextContent(r.next) !== this.nLines) giveUp();
    // (a flow collection alone: the document ends with its line)
    return { root: r.node, origin: this.origin(this.starts[first], r.tail) };
  }

  /** A block node whose first content line is `l`, at its indentation; `parent` is the enclosing indentation. */
  private node(l: number, col: number): Parsed {
    if (++this.depth > MAX_FAST_DEPTH) giveUp();
    try {
      const at = this.starts[l] + col;
      const c = this.text.charCodeAt(at);
      if (c === DASH && this.isBlank(at + 1)) return this.seq(l, col);
      if (this.keyEnd(at) >= 0) return this.map(l, col);
      if (c === 123 /* { */ || c === 91 /* [ */) return this.flowLine(l, at, col);
      return giveUp();
    } finally {
      this.depth--;
    }
  }

  private isBlank(off: number): boolean {
    const c = this.text.charCodeAt(off);
    return c === SP || c === NL;
  }

  /** Where the `:` of a map key starting at `off` is, or -1 when the line is not `key: ...`. */
  private keyEnd(off: number): number {
    const text = this.text;
    const c = text.charCodeAt(off);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = this.quotedEnd(off);
      // A quoted scalar over several lines is no key.
      if (q < 0) return -1;
      let i = q;
      while (text.charCodeAt(i) === SP) i++;
      return text.charCodeAt(i) === COLON && this.isBlank(i + 1) ? i : -1;
    }
    if (!plainStart(text, off)) return -1;
    for (let i = off; ; i++) {
      const d = text.charCodeAt(i);
      if (d === NL) return -1;
      if (d === COLON && this.isBlank(i + 1)) return i;
      if (d === HASH && text.charCodeAt(i - 1) === SP) return -1;
    }
  }

  /** Offset after the closing quote of the quoted scalar at `off` (on the same line). */
  private quotedEnd(off: number, multiline = false): number {
    const text = this.text;
    const q = text.charCodeAt(off);
    for (let i = off + 1; ; i++) {
      const d = text.charCodeAt(i);
      if (Number.isNaN(d)) return giveUp();
      if (d === NL) {
        if (!multiline) return -1;
        continue;
      }
      if (q === 34 && d === 92 /* \ */) {
        i++;
        if (text.charCodeAt(i) === NL) giveUp();
        continue;
      }
      if (d === q) {
        if (q === 39 && text.charCodeAt(i + 1) === 39) {
          i++;
          continue;
        }
        return i + 1;
      }
    }
  }

  private map(l: number, col: number): Parsed {
    const text = this.text;
    const pairs: YPair[] = [];
    const seen = new Set<string>();
    const start = this.starts[l] + col;
    let end: number;
    let line = l;
    for (;;) {
      const at = this.starts[line] + col;
      const colon = this.keyEnd(at);
      if (colon < 0) giveUp();
      let key: string;
      let keyEndOff: number;
      const c = text.charCodeAt(at);
      if (c === 34 || c === 39) {
        keyEndOff = this.quotedEnd(at);
        if (keyEndOff < 0) giveUp();
        key = this.unquote(at, keyEndOff);
      } else {
        keyEndOff = colon;
        while (text.charCodeAt(keyEndOff - 1) === SP) keyEndOff--;
        key = text.slice(at, keyEndOff);
        if (key === '<<') giveUp();
        if (this.flavor === 'helm') {
          const typed = resolvePlainScalar(key, 'helm');
          key = typed === null ? 'null' : String(typed);
        }
      }
      if (seen.has(key)) giveUp();
      seen.add(key);
      const keyOrigin = this.origin(at, keyEndOff);
      const v = this.value(line, colon + 1, col, true);
      pairs.push({ key, keyOrigin, value: v.node });
      end = v.tail;
      const next = this.nextContent(v.next);
      this.comments(v.next, next, col);
      if (next >= this.nLines || this.indents[next] < col) {
        return this.done({ kind: 'map', pairs }, start, end, next);
      }
      if (this.indents[next] > col) giveUp();
      line = next;
    }
  }

  private seq(l: number, col: number): Parsed {
    const text = this.text;
    const items: YNode[] = [];
    const start = this.starts[l] + col;
    let end: number;
    let line = l;
    for (;;) {
      const at = this.starts[line] + col;
      if (text.charCodeAt(at) !== DASH || !this.isBlank(at + 1)) giveUp();
      const v = this.value(line, at + 1, col, false);
      items.push(v.node);
      end = v.tail;
      const next = this.nextContent(v.next);
      this.comments(v.next, next, col);
      if (next >= this.nLines || this.indents[next] < col) {
        return this.done({ kind: 'seq', items }, start, end, next);
      }
      if (this.indents[next] > col) giveUp();
      // A map key at the list's indentation ends the list (a list as a map value at the same indentation).
      const nat = this.starts[next] + col;
      if (text.charCodeAt(nat) !== DASH || !this.isBlank(nat + 1)) {
        return this.done({ kind: 'seq', items }, start, end, next);
      }
      line = next;
    }
  }

  /**
   * The value after `key:` or `-` on line `l` (from offset `off`), of a collection at
   * indentation `col`. In a map, a list may sit at the key's own indentation.
   */
  private value(l: number, off: number, col: number, inMap: boolean): Parsed {
    const text = this.text;
    let i = off;
    while (text.charCodeAt(i) === SP) i++;
    const c = text.charCodeAt(i);
    if (c === NL || c === HASH) {
      if (c === HASH && i === off) giveUp();
      // Nothing on this line: a nested block, or null.
      const next = this.nextContent(l + 1);
      if (next < this.nLines) {
        const ind = this.indents[next];
        const nat = this.starts[next] + ind;
        if (ind > col) return this.node(next, ind);
        if (inMap && ind === col && text.charCodeAt(nat) === DASH && this.isBlank(nat + 1))
          return this.seq(next, col);
      }
      // Comment lines after an empty value are the empty node's in the yaml package (where its
      // collection ends moves): read only when the collection goes on after them.
      for (let m = l + 1; m < this.nLines && this.indents[m] < 0; m++)
        if (
          this.indents[m] === -2 &&
          !this.valuesOnly &&
          !(next < this.nLines && this.indents[next] === col)
        )
          giveUp();
      // A comment after the empty value takes what follows up to the next token with it.
      const tail =
        c !== HASH ? i : next < this.nLines ? this.starts[next] + this.indents[next] : text.length;
      return this.done({ kind: 'scalar', value: null }, i, i, l + 1, tail);
    }
    if (!inMap) {
      // `- key: value`: a map at the key's column.
      if (c === DASH && this.isBlank(i + 1)) giveUp();
      if (this.keyEnd(i) >= 0) {
        const kcol = i - this.starts[l];
        return this.map(l, kcol);
      }
    }
    let valueEnd: number;
    if (c === 34 || c === 39) {
      valueEnd = this.quotedEnd(i, true);
      let endLine = l;
      while (this.starts[endLine + 1] <= valueEnd - 1) endLine++;
      const value =
        endLine === l ? this.unquote(i, valueEnd) : this.unquoteLines(i, valueEnd, l, col);
      if (value.length > 16) flatten(value);
      this.restOfLine(valueEnd);
      this.noContinuation(endLine, col);
      return this.done(
        { kind: 'scalar', value },
        i,
        valueEnd,
        endLine + 1,
        this.starts[endLine + 1],
      );
    }
    if (c === 124 /* | */) return this.literal(l, i, col);
    if (c === 123 /* { */ || c === 91 /* [ */) return this.flowLine(l, i, col);
    if (!plainStart(text, i)) giveUp();
    // A plain scalar up to a comment or the end of the line.
    let j = i;
    let last = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (d === NL) break;
      if (d === HASH && text.charCodeAt(j - 1) === SP) break;
      if (d === COLON && this.isBlank(j + 1)) giveUp();
      if (d === TAB) giveUp();
      if (d !== SP) last = j + 1;
      j++;
    }
    valueEnd = last;
    let raw = text.slice(i, valueEnd);
    let endLine = l;
    if (j === this.starts[l + 1] - 1) {
      // Continuation lines (more indented than the collection) fold into the scalar: a line
      // break is a space, blank lines between are line breaks.
      for (;;) {
        let m = endLine + 1;
        let blanks = 0;
        while (m < this.nLines && this.indents[m] === -1) {
          blanks++;
          m++;
        }
        if (m >= this.nLines || this.indents[m] <= col) break;
        if (this.indents[m] === -2) break;
        const st = this.starts[m] + this.indents[m];
        if (CONTINUATION_STOP.includes(text[st])) giveUp();
        let k = st;
        let lastK = st;
        for (;;) {
          const d = text.charCodeAt(k);
          if (d === NL) break;
          if (d === HASH && text.charCodeAt(k - 1) === SP) giveUp();
          if (d === COLON && this.isBlank(k + 1)) giveUp();
          if (d === TAB) giveUp();
          if (d !== SP) lastK = k + 1;
          k++;
        }
        raw += (blanks ? '\n'.repeat(blanks) : ' ') + text.slice(st, lastK);
        valueEnd = lastK;
        endLine = m;
      }
    }
    this.noContinuation(endLine, col);
    return this.done(
      { kind: 'scalar', value: resolvePlainScalar(raw, this.flavor) },
      i,
      valueEnd,
      endLine + 1,
      this.starts[endLine + 1],
    );
  }

  /**
   * Comment lines between an item of a collection at `col` and the next content line `next`.
   * The yaml package attaches them to collections by their indentation, which moves where
   * collections end; only the cases that move nothing are read here: comments between items
   * (at any indentation), and comments after its last item indented no more than what follows
   * (so they belong to the collection that goes on, or to the document).
   */
  private comments(from: number, next: number, col: number): void {
    const goesOn = next < this.nLines && this.indents[next] === col;
    const limit = next < this.nLines ? this.indents[next] : 0;
    for (let m = from; m < next; m++) {
      if (this.indents[m] !== -2) continue;
      const ind = this.spaces(m);
      if (!goesOn && ind > limit && !this.valuesOnly) giveUp();
    }
  }

  /** A flow collection on one line at `off` (`[a, "b"]`, `{k: v}`), or a scalar inside one. */
  private flow(off: number, depth = 0): { node: YNode; end: number } {
    if (depth > MAX_FAST_DEPTH) giveUp();
    const text = this.text;
    const c = text.charCodeAt(off);
    if (c === 91 || c === 123) {
      const isSeq = c === 91;
      const close = isSeq ? 93 : 125;
      const items: YNode[] = [];
      const pairs: YPair[] = [];
      const seen = new Set<string>();
      let i = off + 1;
      for (;;) {
        while (text.charCodeAt(i) === SP) i++;
        if (text.charCodeAt(i) === close) {
          i++;
          break;
        }
        if (isSeq) {
          const item = this.flow(i, depth + 1);
          i = item.end;
          while (text.charCodeAt(i) === SP) i++;
          if (text.charCodeAt(i) === COLON) giveUp();
          items.push(item.node);
        } else {
          const k = this.flow(i);
          if (k.node.kind !== 'scalar') giveUp();
          let key = k.node.value === null ? giveUp() : String(k.node.value);
          const kc = text.charCodeAt(i);
          if (kc !== 34 && kc !== 39) {
            key = text.slice(i, k.end);
            if (key === '<<') giveUp();
            if (this.flavor === 'helm') {
              const typed = resolvePlainScalar(key, 'helm');
              key = typed === null ? 'null' : String(typed);
            }
          }
          if (seen.has(key)) giveUp();
          seen.add(key);
          const keyOrigin = k.node.origin!;
          i = k.end;
          if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SP) giveUp();
          i += 2;
          while (text.charCodeAt(i) === SP) i++;
          const d = text.charCodeAt(i);
          if (d === 44 || d === close) giveUp();
          const v = this.flow(i, depth + 1);
          pairs.push({ key, keyOrigin, value: v.node });
          i = v.end;
        }
        while (text.charCodeAt(i) === SP) i++;
        const d = text.charCodeAt(i);
        if (d === 44 /* , */) {
          i++;
          continue;
        }
        if (d === close) {
          i++;
          break;
        }
        giveUp();
      }
      const node: YNode = isSeq ? { kind: 'seq', items } : { kind: 'map', pairs };
      node.origin = this.origin(off, i);
      return { node, end: i };
    }
    if (c === 34 || c === 39) {
      const end = this.quotedEnd(off);
      if (end < 0) giveUp();
      const value = this.unquote(off, end);
      return { node: { kind: 'scalar', value, origin: this.origin(off, end) }, end };
    }
    if (!plainStart(text, off) || text[off] === '-' || text[off] === '?' || text[off] === ':')
      giveUp();
    let j = off;
    let last = off;
    for (;;) {
      const d = text.charCodeAt(j);
      if (d === NL || d === 44 || d === 91 || d === 93 || d === 123 || d === 125) break;
      if (d === HASH && text.charCodeAt(j - 1) === SP) giveUp();
      if (d === COLON) {
        const e = text.charCodeAt(j + 1);
        if (e === SP || e === NL || e === 44 || e === 91 || e === 93 || e === 123 || e === 125)
          break;
      }
      if (d === TAB) giveUp();
      if (d !== SP) last = j + 1;
      j++;
    }
    const raw = text.slice(off, last);
    return {
      node: {
        kind: 'scalar',
        value: resolvePlainScalar(raw, this.flavor),
        origin: this.origin(off, last),
      },
      end: last,
    };
  }

  /** A flow collection on one line (`{}`, `[a, b]`), after `key:` or alone on its line. */
  private flowLine(l: number, off: number, col: number): Parsed {
    const f = this.flow(off);
    this.restOfLine(f.end);
    this.noContinuation(l, col);
    return { node: f.node, start: off, end: f.end, next: l + 1, tail: this.starts[l + 1] };
  }

  /** Only spaces and a comment may follow a scalar on its line. */
  private restOfLine(off: number): void {
    const text = this.text;
    let i = off;
    while (text.charCodeAt(i) === SP) i++;
    const c = text.charCodeAt(i);
    if (c === NL) return;
    if (c === HASH && i > off) return;
    giveUp();
  }

  /** A more indented content line after a one-line scalar would continue it (multi-line scalar). */
  private noContinuation(l: number, col: number): void {
    const next = this.nextContent(l + 1);
    if (next < this.nLines && this.indents[next] > col) giveUp();
  }

  private unquote(start: number, end: number): string {
    const text = this.text;
    if (text.charCodeAt(start) === 39) return text.slice(start + 1, end - 1).replace(/''/g, "'");
    const body = text.slice(start + 1, end - 1);
    if (body.indexOf('\\') < 0) return body;
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const ch = body[i];
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = body[++i];
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (!len) giveUp();
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) giveUp();
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) giveUp();
      out += String.fromCodePoint(cp);
      i += len;
    }
    return out;
  }

  /**
   * A quoted scalar over several lines (from line `l`, in a collection at `col`): line breaks
   * fold to a space, blank lines between are line breaks, each line trimmed. Escapes in a
   * double-quoted one, tabs and lines not indented past the collection are left to the general reader.
   */
  private unquoteLines(start: number, end: number, l: number, col: number): string {
    const text = this.text;
    const single = text.charCodeAt(start) === 39;
    const body = text.slice(start + 1, end - 1);
    if (body.indexOf('\t') >= 0 || (!single && body.indexOf('\\') >= 0)) giveUp();
    const lines = body.split('\n');
    for (let k = 1; k < lines.length; k++) {
      const m = l + k;
      if (!this.lineIsBlank(m) && this.spaces(m) <= col) giveUp();
    }
    let out = lines[0].replace(/ +$/, '');
    let blanks = 0;
    for (let k = 1; k < lines.length; k++) {
      const last = k === lines.length - 1;
      const t = last ? lines[k].replace(/^ +/, '') : lines[k].trim();
      if (t === '' && !last) {
        blanks++;
        continue;
      }
      out += (blanks ? '\n'.repeat(blanks) : ' ') + t;
      blanks = 0;
    }
    return single ? out.replace(/''/g, "'") : out;
  }

  /** A literal block scalar `|`, `|-`, `|+` (optionally with an indentation digit) at `off`. */
  private literal(l: number, off: number, col: number): Parsed {
    const text = this.text;
    let i = off + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    let explicit = 0;
    for (let k = 0; k < 2; k++) {
      const d = text.charCodeAt(i);
      if (d === DASH && chomp === 'clip') {
        chomp = 'strip';
        i++;
      } else if (d === 43 /* + */ && chomp === 'clip') {
        chomp = 'keep';
        i++;
      } else if (d >= 49 && d <= 57 && !explicit) {
        explicit = d - 48;
        i++;
      }
    }
    const hc = text.charCodeAt(i);
    if ((hc !== NL && hc !== SP) || explicit) giveUp();
    this.restOfLine(i);
    // Content indentation: explicit relative to the parent's, else the first non-blank line's.
    let indent: number;
    if (explicit) indent = col + explicit;
    else {
      let f = l + 1;
      while (f < this.nLines && this.lineIsBlank(f)) f++;
      if (f >= this.nLines) giveUp();
      indent = this.spaces(f);
      if (indent <= col) giveUp();
    }
    // Leading blank lines may not hold more spaces than the content indentation.
    const lines: string[] = [];
    let last = l; // last line belonging to the scalar
    let lastContent = -1;
    for (let m = l + 1; m < this.nLines; m++) {
      const st = this.starts[m];
      const len = this.starts[m + 1] - 1 - st;
      if (this.lineIsBlank(m)) {
        // A line of spaces past the indentation is content (or an error before any): not read here.
        if (len > indent) giveUp();
        lines.push('');
        last = m;
        continue;
      }
      const sp = this.spaces(m);
      if (sp < indent) break;
      lines.push(text.slice(st + indent, st + len));
      last = m;
      lastContent = m;
    }
    if (lastContent < 0) giveUp();
    const contentLines = lastContent - l;
    let value = lines.slice(0, contentLines).join('\n');
    const trailing = lines.length - contentLines;
    let endLine: number;
    if (chomp === 'keep') {
      value += '\n' + '\n'.repeat(trailing);
      endLine = last + 1;
    } else {
      if (chomp === 'clip') value += '\n';
      endLine = lastContent + 1;
    }
    if (value.length > 16) flatten(value);
    return this.done(
      { kind: 'scalar', value },
      off,
      this.starts[endLine],
      chomp === 'keep' ? last + 1 : lastContent + 1,
    );
  }

  private lineIsBlank(m: number): boolean {
    const st = this.starts[m];
    const en = this.starts[m + 1] - 1;
    for (let i = st; i < en; i++) if (this.text.charCodeAt(i) !== SP) return false;
    return true;
  }

  private spaces(m: number): number {
    const st = this.starts[m];
    let i = st;
    while (this.text.charCodeAt(i) === SP) i++;
    return i - st;
  }

  private done(node: YNode, start: number, end: number, next: number, tail = end): Parsed {
    node.origin = this.origin(start, end);
    return { node, start, end, next, tail };
  }
}

interface Parsed {
  node: YNode;
  start: number;
  end: number;
  /** First line after the node. */
  next: number;
  /** Where a collection ending with this node ends (a one-line scalar's line break is the collection's). */
  tail: number;
}

export let flattened = 0;
/** Flattens a string built from pieces (see parse.ts); the count keeps it from being optimised away. */
function flatten(s: string): void {
  if (Number(s)) flattened++;
}

/** First characters of a continuation line that this reader leaves to the general one. */
const CONTINUATION_STOP = '-?:,[]{}#&*!\'"%@`';

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** Whether a plain scalar may start at `off` (not an indicator, or `-?:` followed by a non-space). */
function plainStart(text: string, off: number): boolean {
  const c = text[off];
  if ('-?:'.includes(c)) {
    const d = text.charCodeAt(off + 1);
    return d !== SP && d !== NL && !Number.isNaN(d);
  }
  return !',[]{}#&*!|>\'"%@`'.includes(c) && c !== '\n' && c !== ' ' && c !== '\t';
}
