// A fast reader for plain block YAML, the YAML people write in GitOps repositories and Helm
// renders (block maps and lists, plain and quoted scalars, literal and folded block scalars,
// flow collections, comments, several documents separated by `---`). It builds exactly the
// tree parse.ts builds through the `yaml` package, origins included, and gives up (undefined)
// on anything else: anchors, aliases, tags, directives, `...`, escapes over several lines,
// duplicate or merge keys, tabs, comments that move where the `yaml` package ends a
// collection, and every error. The caller then parses the text the general way. Reading YAML
// was half of a cold render and of a cold kustomize build.

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
  const docs = read(text, file, flavor, lineShift, colShift, valuesOnly, false);
  return docs === undefined ? undefined : (docs[0] ?? null);
}

/**
 * Every document of `text`, separated by `---` lines (none when it holds only comments), as
 * the general reader gives them; undefined to parse it the general way.
 */
export function fastParseDocuments(
  text: string,
  file: string,
  flavor: YamlFlavor,
  lineShift = 0,
  colShift = 0,
): FastDocument[] | undefined {
  return read(text, file, flavor, lineShift, colShift, false, true);
}

function read(
  text: string,
  file: string,
  flavor: YamlFlavor,
  lineShift: number,
  colShift: number,
  valuesOnly: boolean,
  multi: boolean,
): FastDocument[] | undefined {
  if (text.length === 0) return undefined;
  if (text.indexOf('\r') >= 0 || text.indexOf('\uFEFF') >= 0) return undefined;
  // A text without a final line break is read with one; positions past its end are its end.
  const length = text.length;
  const padded = text.charCodeAt(length - 1) !== NL;
  try {
    return new Reader(
      padded ? text + '\n' : text,
      length,
      file,
      flavor,
      lineShift,
      colShift,
      valuesOnly,
    ).documents(multi);
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
  /** End (exclusive) of the lines of the document being read: its `---` line, or nLines. */
  private last = 0;
  /** Block nodes open around the one being read. */
  private depth = 0;
  /** The line of the last offset placed (offsets are mostly placed in order). */
  private lastLine = 0;
  /** Indentation of the block collection holding the flow collection being read. */
  private flowCol = 0;

  constructor(
    private readonly text: string,
    /** Length of the text as given (`text` has a line break added when it had none). */
    private readonly length: number,
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
    if (start > this.length) start = this.length;
    if (end > this.length) end = this.length;
    const sl = this.lineAt(start);
    const el = this.lineAt(end);
    return {
      file: this.file,
      line: sl + 1 + this.lineShift,
      col: start - this.starts[sl] + 1 + this.colShift,
      endLine: el + 1 + this.lineShift,
      endCol: end - this.starts[el] + 1 + this.colShift,
    };
  }

  /** The line holding offset `off`: the last line asked or the next one, else a binary search. */
  private lineAt(off: number): number {
    const starts = this.starts;
    const h = this.lastLine;
    if (starts[h] <= off) {
      if (off < starts[h + 1]) return h;
      if (off < starts[h + 2]) return (this.lastLine = h + 1);
    }
    let lo = 0;
    let hi = this.nLines;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return (this.lastLine = lo);
  }

  /** Next line at or after `l` with content (not blank, not a comment), or nLines. */
  private nextContent(l: number): number {
    while (l < this.last && this.indents[l] < 0) l++;
    return l;
  }

  /**
   * The documents of the text. `multi`: `---` lines (alone or with a comment) separate
   * documents; otherwise one gives up. Comments and blank lines before the first `---` make no
   * document; an empty document after one is left to the general reader.
   */
  documents(multi: boolean): FastDocument[] {
    const text = this.text;
    const separators: number[] = [];
    for (let l = 0; l < this.nLines; l++) {
      const st = this.starts[l];
      const c = text.charCodeAt(st);
      if (c === 37 /* % */) giveUp();
      if (
        (c === DASH || c === 46) /* . */ &&
        text.charCodeAt(st + 1) === c &&
        text.charCodeAt(st + 2) === c
      ) {
        if (c !== DASH || !multi) giveUp();
        let i = st + 3;
        while (text.charCodeAt(i) === SP) i++;
        const d = text.charCodeAt(i);
        if (d !== NL && !(d === HASH && i > st + 3)) giveUp();
        separators.push(l);
        continue;
      }
      if (this.indents[l] !== -1 && text.charCodeAt(st + Math.max(this.indents[l], 0)) === TAB)
        giveUp();
    }
    const docs: FastDocument[] = [];
    let from = 0;
    for (let k = 0; k <= separators.length; k++) {
      const marker = k > 0 ? separators[k - 1] : -1;
      this.last = k < separators.length ? separators[k] : this.nLines;
      const first = this.nextContent(from);
      from = this.last + 1;
      if (first === this.last) {
        // Comments only: no document before the first `---`, as the general reader says (blank
        // only likewise); after one, a null document right after the marker (and its spaces),
        // which takes the comments of its lines, if any, up to the next marker.
        if (marker < 0) continue;
        let at = this.starts[marker] + 3;
        while (text.charCodeAt(at) === SP) at++;
        let end = at;
        if (text.charCodeAt(at) === HASH) end = this.starts[this.last];
        for (let m = marker + 1; m < this.last; m++)
          if (this.indents[m] === -2) end = this.starts[this.last];
        const root: YNode = { kind: 'scalar', value: null, origin: this.origin(at, at) };
        docs.push({ root, origin: this.origin(this.starts[marker], end) });
        continue;
      }
      // The root collection may be indented (fromYaml of an `include` output).
      const r = this.node(first, this.indents[first]);
      if (this.nextContent(r.next) !== this.last) giveUp();
      // A document after `---` starts at the marker.
      const start = marker >= 0 ? this.starts[marker] : this.starts[first];
      // A flow collection as the root: the document ends with its line, as the general reader's.
      const c = text.charCodeAt(this.starts[first] + this.indents[first]);
      const end = c === 123 /* { */ || c === 91 /* [ */ ? r.tail : r.end;
      docs.push({ root: r.node, origin: this.origin(start, end) });
    }
    return docs;
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
      if (d === NL || d === TAB) return -1;
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
    let seen: Set<string> | undefined;
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
      seen = noDuplicate(pairs, key, seen);
      const keyOrigin = this.origin(at, keyEndOff);
      const v = this.value(line, colon + 1, col, true);
      pairs.push({ key, keyOrigin, value: v.node });
      end = v.tail;
      const next = this.nextContent(v.next);
      this.comments(v.next, next, next < this.last && this.indents[next] === col);
      if (next >= this.last || this.indents[next] < col) {
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
      // The list goes on at the next item; a map key at its indentation ends it.
      const nat = this.starts[next] + col;
      const goesOn =
        next < this.last &&
        this.indents[next] === col &&
        text.charCodeAt(nat) === DASH &&
        this.isBlank(nat + 1);
      this.comments(v.next, next, goesOn);
      if (next >= this.last || this.indents[next] < col) {
        return this.done({ kind: 'seq', items }, start, end, next);
      }
      if (this.indents[next] > col) giveUp();
      // A map key at the list's indentation ends the list (a list as a map value at the same indentation).
      if (!goesOn) {
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
      if (next < this.last) {
        const ind = this.indents[next];
        const nat = this.starts[next] + ind;
        const fc = text.charCodeAt(nat);
        if (ind > col && (fc === 123 || fc === 91)) return this.flowValue(nat, col);
        if (ind > col) return this.node(next, ind);
        if (inMap && ind === col && text.charCodeAt(nat) === DASH && this.isBlank(nat + 1))
          return this.seq(next, col);
      }
      // Comment lines after an empty value are the empty node's in the yaml package (where its
      // collection ends moves): read only when the collection goes on after them.
      for (let m = l + 1; m < this.last && this.indents[m] < 0; m++)
        if (
          this.indents[m] === -2 &&
          !this.valuesOnly &&
          !(next < this.last && this.indents[next] === col)
        )
          giveUp();
      // A comment after the empty value takes what follows up to the next token with it.
      const tail =
        c !== HASH
          ? i
          : next < this.last
            ? this.starts[next] + this.indents[next]
            : this.last === this.nLines
              ? text.length
              : giveUp();
      return this.done({ kind: 'scalar', value: null }, i, i, l + 1, tail);
    }
    if (!inMap) {
      // `- - item`: a list at the inner dash's column; `- key: value`: a map at the key's.
      if (c === DASH && this.isBlank(i + 1)) return this.seq(l, i - this.starts[l]);
      if (this.keyEnd(i) >= 0) return this.map(l, i - this.starts[l]);
    }
    let valueEnd: number;
    if (c === 34 || c === 39) {
      valueEnd = this.quotedEnd(i, true);
      let endLine = l;
      while (this.starts[endLine + 1] <= valueEnd - 1) endLine++;
      // Over a `---` line: an error the general reader reports.
      if (endLine >= this.last) giveUp();
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
    if (c === 124 /* | */ || c === 62 /* > */) return this.literal(l, i, col);
    if (c === 123 /* { */ || c === 91 /* [ */) return this.flowValue(i, col);
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
        while (m < this.last && this.indents[m] === -1) {
          blanks++;
          m++;
        }
        if (m >= this.last || this.indents[m] <= col) break;
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
   * (so they belong to the collection that goes on, or to the document). `goesOn`: the
   * collection has another item at `next`.
   */
  private comments(from: number, next: number, goesOn: boolean): void {
    const limit = next < this.last ? this.indents[next] : 0;
    for (let m = from; m < next; m++) {
      if (this.indents[m] !== -2) continue;
      const ind = this.spaces(m);
      if (!goesOn && ind > limit && !this.valuesOnly) giveUp();
    }
  }

  /**
   * A flow collection at `off` as the value of an item of a collection at `col` (on the item's
   * line or the next ones); its lines after the first are indented past `col`.
   */
  private flowValue(off: number, col: number): Parsed {
    this.flowCol = col;
    const f = this.flow(off);
    this.restOfLine(f.end);
    const endLine = this.lineAt(f.end);
    this.noContinuation(endLine, col);
    return {
      node: f.node,
      start: off,
      end: f.end,
      next: endLine + 1,
      tail: this.starts[endLine + 1],
    };
  }

  /**
   * Skips spaces from `i` in a flow collection, and line breaks when `before` is 0 or the next
   * character after them is `before` (after an item, only the closing bracket may follow on a
   * later line: anything else would continue a plain scalar). Blank and comment lines, and
   * lines not indented past the collection holding the flow, are left to the general reader.
   */
  private flowSpace(i: number, before: number): number {
    const text = this.text;
    let crossed = false;
    for (;;) {
      while (text.charCodeAt(i) === SP) i++;
      if (text.charCodeAt(i) !== NL) break;
      const m = this.lineAt(i + 1);
      if (m >= this.last || this.indents[m] <= this.flowCol) giveUp();
      i = this.starts[m] + this.indents[m];
      crossed = true;
    }
    if (crossed && before !== 0 && text.charCodeAt(i) !== before) giveUp();
    return i;
  }

  /** A flow collection at `off` (`[a, "b"]`, `{k: v}`), or a scalar inside one. */
  private flow(off: number, depth = 0): { node: YNode; end: number } {
    if (depth > MAX_FAST_DEPTH) giveUp();
    const text = this.text;
    const c = text.charCodeAt(off);
    if (c === 91 || c === 123) {
      const isSeq = c === 91;
      const close = isSeq ? 93 : 125;
      const items: YNode[] = [];
      const pairs: YPair[] = [];
      let seen: Set<string> | undefined;
      let i = off + 1;
      for (;;) {
        i = this.flowSpace(i, 0);
        if (text.charCodeAt(i) === close) {
          i++;
          break;
        }
        if (isSeq) {
          const item = this.flow(i, depth + 1);
          i = this.flowSpace(item.end, close);
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
          seen = noDuplicate(pairs, key, seen);
          const keyOrigin = k.node.origin!;
          i = k.end;
          if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SP) giveUp();
          i += 2;
          while (text.charCodeAt(i) === SP) i++;
          const d = text.charCodeAt(i);
          if (d === 44 || d === close) giveUp();
          const v = this.flow(i, depth + 1);
          pairs.push({ key, keyOrigin, value: v.node });
          i = this.flowSpace(v.end, close);
        }
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
    // In a flow collection `-?:` start a plain scalar only before a character that could
    // continue it (`-c`), not before a space or a flow indicator.
    if (!plainStart(text, off) || (INDICATOR_START.includes(text[off]) && !flowSafe(text, off + 1)))
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
    if (next < this.last && this.indents[next] > col) giveUp();
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

  /**
   * A literal block scalar `|`, `|-`, `|+` at `off`, or a folded one (`>`, `>-`, `>+`); an
   * indentation digit is left to the general reader.
   */
  private literal(l: number, off: number, col: number): Parsed {
    const text = this.text;
    const folded = text.charCodeAt(off) === 62;
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
      while (f < this.last && this.lineIsBlank(f)) f++;
      if (f >= this.last) giveUp();
      indent = this.spaces(f);
      if (indent <= col) giveUp();
    }
    // Leading blank lines may not hold more spaces than the content indentation.
    const lines: string[] = [];
    let last = l; // last line belonging to the scalar
    let lastContent = -1;
    for (let m = l + 1; m < this.last; m++) {
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
    // One whose last line ends a text without a final line break keeps no final newline (see
    // parse.ts); blank lines after it are left to the general reader.
    const unterminated = last === this.nLines - 1 && this.length < text.length;
    if (unterminated && lastContent !== last) giveUp();
    const contentLines = lastContent - l;
    let value = folded ? fold(lines, contentLines) : lines.slice(0, contentLines).join('\n');
    const trailing = lines.length - contentLines;
    let endLine: number;
    if (unterminated) endLine = last + 1;
    else if (chomp === 'keep') {
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

/**
 * Gives up when `key` is a key of `pairs` already: a look through a few pairs, an index (returned,
 * to be passed back) once there are many.
 */
function noDuplicate(pairs: YPair[], key: string, seen: Set<string> | undefined) {
  if (seen === undefined) {
    if (pairs.length < 16) {
      for (let k = 0; k < pairs.length; k++) if (pairs[k].key === key) giveUp();
      return undefined;
    }
    seen = new Set(pairs.map((p) => p.key));
  }
  if (seen.has(key)) giveUp();
  seen.add(key);
  return seen;
}

/**
 * The first `n` lines of a folded block scalar (blank lines as ''), as YAML folds them: a line
 * break between two lines of text is a space, or goes away before blank lines (each of which is
 * a line break); around a more indented line (one starting with a space) breaks are kept.
 */
function fold(lines: string[], n: number): string {
  let out = '';
  let blanks = 0;
  let prev = 0; // 0: no text yet, 1: a line of text, 2: a more indented line
  for (let k = 0; k < n; k++) {
    const t = lines[k];
    if (t === '') {
      blanks++;
      continue;
    }
    const c = t.charCodeAt(0);
    if (c === TAB) giveUp();
    const spaced = c === SP;
    if (prev === 0) out += '\n'.repeat(blanks);
    else if (prev === 1 && !spaced) out += blanks ? '\n'.repeat(blanks) : ' ';
    else out += '\n'.repeat(blanks + 1);
    out += t;
    prev = spaced ? 2 : 1;
    blanks = 0;
  }
  return out;
}

export let flattened = 0;
/** Flattens a string built from pieces (see parse.ts); the count keeps it from being optimised away. */
function flatten(s: string): void {
  if (Number(s)) flattened++;
}

/**
 * First characters of a continuation line of a plain scalar that this reader leaves to the
 * general one (those that start a list item, a key or a directive elsewhere; the others are
 * text there, as in `description: Kind ... ('Secret',\n  'ConfigMap').` in CRDs).
 */
const CONTINUATION_STOP = '-?:%';

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

const INDICATOR_START = '-?:';

/** Whether the character at `off` may be part of a plain scalar in a flow collection. */
function flowSafe(text: string, off: number): boolean {
  const c = text.charCodeAt(off);
  return (
    c !== SP && c !== NL && c !== TAB && c !== 44 && c !== 91 && c !== 93 && c !== 123 && c !== 125
  );
}

/** Whether a plain scalar may start at `off` (not an indicator, or `-?:` followed by a non-space). */
function plainStart(text: string, off: number): boolean {
  const c = text[off];
  if ('-?:'.includes(c)) {
    const d = text.charCodeAt(off + 1);
    return d !== SP && d !== NL && !Number.isNaN(d);
  }
  return !',[]{}#&*!|>\'"%@`'.includes(c) && c !== '\n' && c !== ' ' && c !== '\t';
}
