// Helm's `--set` syntax (helm pkg/strvals), which helm-controller uses for valuesFrom
// targetPath: `name=value` lines where the name is a path of dot-separated keys with list
// indexes (`a.b[0].c`, `a[0][1]`), `\` escapes the next character (`kubernetes\.io/role`),
// a comma starts another `name=value`, and `{a,b}` is a list.
//
// Modes:
// - 'set'     (`--set`): values are typed: true/false/null (any case), integers not starting
//             with 0, `0`; everything else, floats included, stays a string.
// - 'string'  (`--set-string`): values stay strings.
// - 'literal' (`--set-literal`): the name ends at `=`, no escapes, and the rest of the line is
//             the value, verbatim (commas and braces included).
//
// The parser writes into an existing tree in place, like the Go code: it reuses the maps and
// lists it walks through (see layerMerge.ts for why that sharing matters). Where the Go code
// would panic on a type assertion (a path through a scalar), the error message says so.

import { Origin, YMap, YNode, YSeq, get, scalar, set } from '../yaml/node';
import { recordOverride } from './provenance';

export type SetMode = 'set' | 'string' | 'literal';

/** Deepest nesting Helm accepts in a name (MaxNestedNameLevel). */
const MAX_NESTED_NAME_LEVEL = 30;
/** Highest list index Helm accepts (MaxIndex). */
const MAX_INDEX = 65536;

class EndOfInput {}
const EOF = new EndOfInput();

class SetSyntaxError extends Error {}

/**
 * Parses a `--set`-style line into `dest`. Returns undefined on success or Helm's error
 * message. Every node it creates gets `origin` (when given).
 */
export function parseSetInto(
  line: string,
  dest: YMap,
  mode: SetMode,
  origin?: Origin,
): string | undefined {
  const p = new SetParser(line, mode, origin);
  try {
    for (;;) {
      const r = p.key(dest, 0);
      if (r === EOF) return undefined;
    }
  } catch (e) {
    if (e instanceof SetSyntaxError) return e.message;
    return `unable to parse key: ${(e as Error).message}`;
  }
}

class SetParser {
  private readonly chars: string[];
  private pos = 0;

  constructor(
    text: string,
    private readonly mode: SetMode,
    private readonly origin?: Origin,
  ) {
    this.chars = Array.from(text);
  }

  private make<T extends YNode>(n: T): T {
    if (this.origin) n.origin = this.origin;
    return n;
  }

  /** Reads up to one of `stop` (consumed). Returns the text and the stop char, or EOF as stop. */
  private until(
    stop: string,
    escapes = this.mode !== 'literal',
  ): { text: string; last: string | EndOfInput } {
    let text = '';
    for (;;) {
      if (this.pos >= this.chars.length) return { text, last: EOF };
      const c = this.chars[this.pos++];
      if (stop.includes(c)) return { text, last: c };
      if (c === '\\' && escapes) {
        if (this.pos >= this.chars.length) return { text, last: EOF };
        text += this.chars[this.pos++];
        continue;
      }
      text += c;
    }
  }

  private typed(v: string): YNode {
    if (this.mode !== 'set') return this.make(scalar(v));
    const lower = v.toLowerCase();
    if (lower === 'true') return this.make(scalar(true));
    if (lower === 'false') return this.make(scalar(false));
    if (lower === 'null') return this.make(scalar(null));
    if (v === '0') return this.make(scalar(0));
    if (v.length > 0 && v[0] !== '0' && /^[+-]?[0-9]+$/.test(v)) {
      const n = BigInt(v);
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return this.make(scalar(Number(n) + 0));
    }
    return this.make(scalar(v));
  }

  /** Sets `k` in `data`, remembering what it replaced (a hover shows "was ..."). */
  private put(data: YMap, k: string, v: YNode): void {
    if (k.length === 0) return;
    const old = get(data, k);
    if (old && old !== v && v.kind !== 'map') recordOverride(v, old);
    set(data, k, v);
  }

  /** One `name=value` (or the rest of a name after a dot). Returns EOF at the end of the line. */
  key(data: YMap, level: number): EndOfInput | undefined {
    const stop = this.mode === 'literal' ? '=[.' : '=[,.';
    const { text: k, last } = this.until(stop);
    if (last === EOF) {
      if (k.length === 0) return EOF;
      throw new SetSyntaxError(`key "${k}" has no value`);
    }
    if (last === '[') {
      const i = this.keyIndex();
      let list: YSeq = this.make({ kind: 'seq', items: [] });
      const existing = get(data, k);
      if (existing !== undefined) list = expectSeq(existing, k);
      const r = this.listItem(list, i, level);
      this.put(data, k, r.list);
      return r.eof ? EOF : undefined;
    }
    if (last === '=') {
      if (this.mode === 'literal') {
        const value = this.chars.slice(this.pos).join('');
        this.pos = this.chars.length;
        this.put(data, k, this.make(scalar(value)));
        return undefined;
      }
      const vl = this.valList();
      if (vl instanceof EndOfInput) {
        this.put(data, k, this.make(scalar('')));
        return EOF;
      }
      if (vl !== undefined) {
        this.put(data, k, vl);
        return undefined;
      }
      const { text, last: vlast } = this.until(',');
      this.put(data, k, this.typed(text));
      return vlast === EOF ? EOF : undefined;
    }
    if (last === ',') {
      this.put(data, k, this.make(scalar('')));
      throw new SetSyntaxError(`key "${k}" has no value (cannot end with ,)`);
    }
    // last === '.'
    level++;
    if (level > MAX_NESTED_NAME_LEVEL)
      throw new SetSyntaxError(
        `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`,
      );
    let inner: YMap = this.make({ kind: 'map', pairs: [] });
    const existing = get(data, k);
    if (existing !== undefined) inner = expectMap(existing, k);
    let r: EndOfInput | undefined;
    try {
      r = this.key(inner, level);
    } finally {
      if (inner.pairs.length > 0) this.put(data, k, inner);
    }
    if (r === undefined && inner.pairs.length === 0)
      throw new SetSyntaxError(`key map "${k}" has no value`);
    return r;
  }

  private keyIndex(): number {
    const { text, last } = this.until(']');
    if (last === EOF) throw new SetSyntaxError('error parsing index: EOF');
    if (!/^[+-]?[0-9]+$/.test(text))
      throw new SetSyntaxError(
        `error parsing index: strconv.Atoi: parsing "${text}": invalid syntax`,
      );
    return Number(text);
  }

  private setIndex(list: YSeq, index: number, val: YNode): YSeq {
    if (index < 0) throw new SetSyntaxError(`negative ${index} index not allowed`);
    if (index > MAX_INDEX)
      throw new SetSyntaxError(
        `index of ${index} is greater than maximum supported index of ${MAX_INDEX}`,
      );
    if (list.items.length <= index) {
      // Go grows the slice into a new array: the grown list is no longer shared.
      const grown: YSeq = { kind: 'seq', items: list.items.slice(), origin: list.origin };
      while (grown.items.length <= index) grown.items.push(this.make(scalar(null)));
      list = grown;
    }
    const old = list.items[index];
    if (
      old &&
      old !== val &&
      val.kind !== 'map' &&
      !(old.kind === 'scalar' && old.value === null && !old.overrides)
    )
      recordOverride(val, old);
    list.items[index] = val;
    return list;
  }

  private listItem(list: YSeq, i: number, level: number): { list: YSeq; eof: boolean } {
    if (i < 0) throw new SetSyntaxError(`negative ${i} index not allowed`);
    const { text, last } = this.until('[.=');
    if (text.length > 0)
      throw new SetSyntaxError(`unexpected data at end of array index: "${text}"`);
    if (last === EOF) return { list, eof: true };
    if (last === '=') {
      if (this.mode === 'literal') {
        const value = this.chars.slice(this.pos).join('');
        this.pos = this.chars.length;
        return { list: this.setIndex(list, i, this.make(scalar(value))), eof: false };
      }
      const vl = this.valList();
      if (vl instanceof EndOfInput)
        return { list: this.setIndex(list, i, this.make(scalar(''))), eof: false };
      if (vl !== undefined) return { list: this.setIndex(list, i, vl), eof: false };
      const { text: v } = this.until(',');
      return { list: this.setIndex(list, i, this.typed(v)), eof: false };
    }
    if (last === '[') {
      const nextI = this.keyIndex();
      let crt: YSeq = this.make({ kind: 'seq', items: [] });
      if (
        list.items.length > i &&
        !(list.items[i].kind === 'scalar' && (list.items[i] as { value: unknown }).value === null)
      ) {
        crt = expectSeq(list.items[i], `[${i}]`);
      }
      const r = this.listItem(crt, nextI, level);
      return { list: this.setIndex(list, i, r.list), eof: r.eof };
    }
    // last === '.'
    let inner: YMap = this.make({ kind: 'map', pairs: [] });
    if (list.items.length > i) {
      const existing = list.items[i];
      if (existing.kind === 'map') inner = existing;
      else list.items[i] = inner; // indices out of order: Helm starts an empty map
    }
    const r = this.key(inner, level);
    return { list: this.setIndex(list, i, inner), eof: r === EOF };
  }

  /** `{a,b,c}` list, undefined when the value is not a list, EOF at the end of the line. */
  private valList(): YSeq | EndOfInput | undefined {
    if (this.pos >= this.chars.length) return EOF;
    if (this.chars[this.pos] !== '{') return undefined;
    this.pos++;
    const list: YSeq = this.make({ kind: 'seq', items: [] });
    for (;;) {
      const { text, last } = this.until(',}');
      if (last === EOF) throw new SetSyntaxError("list must terminate with '}'");
      list.items.push(this.typed(text));
      if (last === '}') {
        if (this.pos < this.chars.length && this.chars[this.pos] === ',') this.pos++;
        return list;
      }
    }
  }
}

function kindName(n: YNode): string {
  if (n.kind === 'scalar')
    return n.value === null
      ? 'null'
      : typeof n.value === 'number'
        ? 'a number'
        : typeof n.value === 'boolean'
          ? 'a boolean'
          : 'a string';
  return n.kind === 'map' ? 'a map' : 'a list';
}

function expectMap(n: YNode, key: string): YMap {
  if (n.kind === 'map') return n;
  throw new Error(`"${key}" holds ${kindName(n)}, not a map`);
}

function expectSeq(n: YNode, key: string): YSeq {
  if (n.kind === 'seq') return n;
  throw new Error(`"${key}" holds ${kindName(n)}, not a list`);
}

/** Escapes the characters `--set` would read as syntax, so a value passes through verbatim. */
export function escapeSetValue(value: string): string {
  return value.replace(/[\\,[\]{}]/g, (c) => '\\' + c);
}
