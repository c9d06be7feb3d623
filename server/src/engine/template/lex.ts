// Go text/template's lexer: text and `{{ }}` actions with `{{-`/`-}}` trimming and comments.

import { TemplateError } from './value';

export type TokKind =
  | 'text'
  | 'left'
  | 'right'
  | 'space'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'declare'
  | 'assign'
  | 'string'
  | 'rawstring'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'eof';

export interface Token {
  kind: TokKind;
  val: string;
  line: number;
  col: number;
  /** Offset of the token in the input. */
  off: number;
}

const VAR_RE = /\$[\p{L}_\p{Nd}]*/uy;
const FIELD_RE = /\.[\p{L}_\p{Nd}]*/uy;
const NUM_RE =
  /[+-]?(0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*([pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?/y;
const IDENT_RE = /[\p{L}_][\p{L}_\p{Nd}]*/uy;

/** A match of a sticky regexp at `pos` (no copy of the rest of the input). */
function sticky(re: RegExp, input: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(input);
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'nil',
  'template',
  'with',
]);

/** Go's isSpace in actions: space, tab, carriage return, newline. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

const LETTER_RE = /[\p{L}_]/u;

/** A letter or `_` (identifiers, and what may not follow a number). */
function isLetter(input: string, i: number): boolean {
  const c = input.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return LETTER_RE.test(input[i]);
}

/** End of the run of letters, digits and `_` from i (the regexp past ASCII). */
function wordEnd(input: string, i: number, re: RegExp, from: number): number {
  const n = input.length;
  for (;;) {
    if (i >= n) return i;
    const c = input.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57)) i++;
    else if (c < 128) return i;
    else return from + sticky(re, input, from)![0].length;
  }
}

/** `}}` at i. */
function rightAt(input: string, i: number): boolean {
  return input.charCodeAt(i) === 125 && input.charCodeAt(i + 1) === 125;
}

/** A trim marker and `}}` at i (` -}}`, after a space). */
function trimRightAt(input: string, i: number): boolean {
  return input.charCodeAt(i) === 45 && rightAt(input, i + 1);
}

/** Tokens of a whole template; throws TemplateError naming `name:line` on a lexical error. */
export function lex(name: string, input: string): Token[] {
  const toks: Token[] = [];
  const n = input.length;
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const advanceTo = (p: number) => {
    for (let i = input.indexOf('\n', pos); i >= 0 && i < p; i = input.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    pos = p;
  };
  const fail = (msg: string): never => {
    throw new TemplateError(`template: ${name}:${line}: ${msg}`);
  };
  const emit = (
    kind: TokKind,
    start: number,
    end: number,
    val = input.slice(start, end),
    l = line,
    c = start - lineStart,
  ) => {
    toks.push({ kind, val, line: l, col: c, off: start });
  };
  let trimNextText = false;
  while (pos < n) {
    let next = input.indexOf('{{', pos);
    if (next < 0) next = n;
    const tl = line;
    const tc = pos - lineStart;
    const trimLeft =
      next < n && input.charCodeAt(next + 2) === 45 && isSpace(input.charCodeAt(next + 3));
    // The kept part of the text: trim markers remove the spaces next to them.
    let from = pos;
    let to = next;
    // A text's line is where its first kept character is (origins of rendered lines).
    let textLine = tl;
    if (trimNextText) {
      while (from < to && isSpace(input.charCodeAt(from))) {
        if (input.charCodeAt(from) === 10) textLine++;
        from++;
      }
    }
    if (trimLeft) while (to > from && isSpace(input.charCodeAt(to - 1))) to--;
    trimNextText = false;
    if (to > from) emit('text', pos, next, input.slice(from, to), textLine, tc);
    advanceTo(next);
    if (pos >= n) break;
    // An action.
    emit('left', pos, pos + 2);
    const p = pos + 2 + (trimLeft ? 2 : 0);
    advanceTo(p);
    // Comment?
    if (input.charCodeAt(p) === 47 && input.charCodeAt(p + 1) === 42) {
      const endC = input.indexOf('*/', p + 2);
      if (endC < 0) fail('unclosed comment');
      let q = endC + 2;
      let trimR = false;
      if (isSpace(input.charCodeAt(q)) && trimRightAt(input, q + 1)) {
        trimR = true;
        q += 4;
      } else if (rightAt(input, q)) q += 2;
      else fail('comment ends before closing delimiter');
      advanceTo(q);
      toks.pop(); // comments leave no token
      trimNextText = trimR;
      continue;
    }
    // Inside the action.
    for (;;) {
      if (pos >= n) fail('unclosed action');
      const code = input.charCodeAt(pos);
      // Right delimiter, with optional trim marker.
      if (isSpace(code) && trimRightAt(input, pos + 1)) {
        emit('right', pos + 2, pos + 4);
        advanceTo(pos + 4);
        trimNextText = true;
        break;
      }
      if (rightAt(input, pos)) {
        emit('right', pos, pos + 2);
        advanceTo(pos + 2);
        break;
      }
      if (isSpace(code)) {
        let q = pos;
        while (q < n && isSpace(input.charCodeAt(q)) && !trimRightAt(input, q + 1)) q++;
        if (q === pos) q = pos + 1;
        emit('space', pos, q);
        advanceTo(q);
        continue;
      }
      const start = pos;
      const sl = line;
      const sc = pos - lineStart;
      if (code === 124 /* | */) {
        emit('pipe', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (code === 40 /* ( */) {
        emit('lparen', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (code === 41 /* ) */) {
        emit('rparen', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (code === 44 /* , */) {
        emit('comma', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (code === 58 /* : */) {
        if (input.charCodeAt(pos + 1) !== 61) fail('expected :=');
        emit('declare', pos, pos + 2);
        advanceTo(pos + 2);
      } else if (code === 61 /* = */) {
        emit('assign', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (code === 34 /* " */) {
        let q = pos + 1;
        while (q < n && input.charCodeAt(q) !== 34) {
          if (input.charCodeAt(q) === 92) q++;
          if (input.charCodeAt(q) === 10) fail('unterminated quoted string');
          q++;
        }
        if (q >= n) fail('unterminated quoted string');
        emit('string', start, q + 1, input.slice(start, q + 1), sl, sc);
        advanceTo(q + 1);
      } else if (code === 96 /* ` */) {
        const q = input.indexOf('`', pos + 1);
        if (q < 0) fail('unterminated raw quoted string');
        emit('rawstring', start, q + 1, input.slice(start, q + 1), sl, sc);
        advanceTo(q + 1);
      } else if (code === 39 /* ' */) {
        let q = pos + 1;
        while (q < n && input.charCodeAt(q) !== 39) {
          if (input.charCodeAt(q) === 92) q++;
          q++;
        }
        emit('char', start, q + 1, input.slice(start, q + 1), sl, sc);
        advanceTo(q + 1);
      } else if (code === 36 /* $ */) {
        const end = wordEnd(input, pos + 1, VAR_RE, pos);
        emit('variable', pos, end);
        advanceTo(end);
      } else if (code === 46 /* . */ && !isDigit(input.charCodeAt(pos + 1))) {
        const end = wordEnd(input, pos + 1, FIELD_RE, pos);
        emit(end === pos + 1 ? 'dot' : 'field', pos, end);
        advanceTo(end);
      } else if (isDigit(code) || code === 43 || code === 45 || code === 46) {
        const m = sticky(NUM_RE, input, pos);
        if (!m || m[0] === '' || m[0] === '+' || m[0] === '-')
          fail(`bad number syntax: "${input.slice(pos, pos + 10)}"`);
        const end = pos + m![0].length;
        if (end < n && isLetter(input, end))
          fail(`bad number syntax: "${input.slice(pos, end + 1)}"`);
        emit('number', pos, end);
        advanceTo(end);
      } else if (isLetter(input, pos)) {
        const w = input.slice(pos, wordEnd(input, pos, IDENT_RE, pos));
        const kind: TokKind = KEYWORDS.has(w)
          ? w === 'nil'
            ? 'nil'
            : 'keyword'
          : w === 'true' || w === 'false'
            ? 'bool'
            : 'identifier';
        emit(kind, pos, pos + w.length);
        advanceTo(pos + w.length);
      } else {
        fail(`unexpected "${input[pos]}" in command`);
      }
    }
  }
  toks.push({ kind: 'eof', val: '', line, col: pos - lineStart + 1, off: pos });
  return toks;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Go's strconv.Unquote for "..." strings and '.' characters. */
export function unquote(s: string): string {
  const body = s.slice(1, -1);
  // (no escapes: the body itself, one string, not one piece per character)
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case "'":
        out += "'";
        break;
      case 'x':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      default:
        if (/[0-7]/.test(n)) {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else throw new TemplateError(`invalid syntax: ${s}`);
    }
  }
  return out;
}
