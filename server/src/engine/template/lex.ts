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
const SPACE = new Set([' ', '\t', '\r', '\n']);

/** Tokens of a whole template; throws TemplateError naming `name:line` on a lexical error. */
export function lex(name: string, input: string): Token[] {
  const toks: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const advanceTo = (p: number) => {
    for (let i = pos; i < p; i++)
      if (input.charCodeAt(i) === 10) {
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
    toks.push({ kind, val, line: l, col: c });
  };
  let trimNextText = false;
  while (pos < input.length) {
    let next = input.indexOf('{{', pos);
    if (next < 0) next = input.length;
    let text = input.slice(pos, next);
    const tl = line;
    const tc = pos - lineStart;
    const trimLeft =
      next < input.length && input[next + 2] === '-' && SPACE.has(input[next + 3] ?? '');
    // A text's line is where its first kept character is (origins of rendered lines).
    let textLine = tl;
    if (trimNextText) {
      const kept = text.replace(/^[ \t\r\n]+/, '');
      for (let i = 0; i < text.length - kept.length; i++) if (text[i] === '\n') textLine++;
      text = kept;
    }
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    trimNextText = false;
    if (text.length > 0) emit('text', pos, next, text, textLine, tc);
    advanceTo(next);
    if (pos >= input.length) break;
    // An action.
    emit('left', pos, pos + 2);
    const p = pos + 2 + (trimLeft ? 2 : 0);
    advanceTo(p);
    // Comment?
    if (input.startsWith('/*', p)) {
      const endC = input.indexOf('*/', p + 2);
      if (endC < 0) fail('unclosed comment');
      let q = endC + 2;
      let trimR = false;
      if (
        input.startsWith(' -}}', q) ||
        (SPACE.has(input[q] ?? '') && input.startsWith('-}}', q + 1))
      ) {
        trimR = true;
        q += 4;
      } else if (input.startsWith('}}', q)) q += 2;
      else fail('comment ends before closing delimiter');
      advanceTo(q);
      toks.pop(); // comments leave no token
      trimNextText = trimR;
      continue;
    }
    // Inside the action.
    for (;;) {
      if (pos >= input.length) fail('unclosed action');
      const ch = input[pos];
      // Right delimiter, with optional trim marker.
      if (SPACE.has(ch) && input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) {
        emit('right', pos + 2, pos + 4);
        advanceTo(pos + 4);
        trimNextText = true;
        break;
      }
      if (input.startsWith('}}', pos)) {
        emit('right', pos, pos + 2);
        advanceTo(pos + 2);
        break;
      }
      if (SPACE.has(ch)) {
        let q = pos;
        while (
          q < input.length &&
          SPACE.has(input[q]) &&
          !(input[q + 1] === '-' && input.startsWith('}}', q + 2))
        )
          q++;
        if (q === pos) q = pos + 1;
        emit('space', pos, q);
        advanceTo(q);
        continue;
      }
      const start = pos;
      const sl = line;
      const sc = pos - lineStart;
      if (ch === '|') {
        emit('pipe', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (ch === '(') {
        emit('lparen', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (ch === ')') {
        emit('rparen', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (ch === ',') {
        emit('comma', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (ch === ':') {
        if (input[pos + 1] !== '=') fail('expected :=');
        emit('declare', pos, pos + 2);
        advanceTo(pos + 2);
      } else if (ch === '=') {
        emit('assign', pos, pos + 1);
        advanceTo(pos + 1);
      } else if (ch === '"') {
        let q = pos + 1;
        while (q < input.length && input[q] !== '"') {
          if (input[q] === '\\') q++;
          if (input[q] === '\n') fail('unterminated quoted string');
          q++;
        }
        if (q >= input.length) fail('unterminated quoted string');
        emit('string', start, q + 1, input.slice(start, q + 1), sl, sc);
        advanceTo(q + 1);
      } else if (ch === '`') {
        const q = input.indexOf('`', pos + 1);
        if (q < 0) fail('unterminated raw quoted string');
        emit('rawstring', start, q + 1, input.slice(start, q + 1), sl, sc);
        advanceTo(q + 1);
      } else if (ch === "'") {
        let q = pos + 1;
        while (q < input.length && input[q] !== "'") {
          if (input[q] === '\\') q++;
          q++;
        }
        emit('char', start, q + 1, input.slice(start, q + 1), sl, sc);
        advanceTo(q + 1);
      } else if (ch === '$') {
        const m = sticky(VAR_RE, input, pos)!;
        emit('variable', pos, pos + m[0].length);
        advanceTo(pos + m[0].length);
      } else if (ch === '.' && !/[0-9]/.test(input[pos + 1] ?? '')) {
        const m = sticky(FIELD_RE, input, pos)!;
        emit(m[0].length === 1 ? 'dot' : 'field', pos, pos + m[0].length);
        advanceTo(pos + m[0].length);
      } else if (/[0-9+\-.]/.test(ch)) {
        const m = sticky(NUM_RE, input, pos);
        if (!m || m[0] === '' || m[0] === '+' || m[0] === '-')
          fail(`bad number syntax: "${input.slice(pos, pos + 10)}"`);
        if (/[\p{L}_]/u.test(input[pos + m![0].length] ?? ''))
          fail(`bad number syntax: "${input.slice(pos, pos + m![0].length + 1)}"`);
        emit('number', pos, pos + m![0].length);
        advanceTo(pos + m![0].length);
      } else if (/[\p{L}_]/u.test(ch)) {
        const m = sticky(IDENT_RE, input, pos)!;
        const w = m[0];
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
        fail(`unexpected "${ch}" in command`);
      }
    }
  }
  toks.push({ kind: 'eof', val: '', line, col: pos - lineStart + 1 });
  return toks;
}

/** Go's strconv.Unquote for "..." strings and '.' characters. */
export function unquote(s: string): string {
  const body = s.slice(1, -1);
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
