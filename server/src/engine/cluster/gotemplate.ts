// A small Go text/template evaluator for Flux Operator ResourceSet templates: delimiters
// `<<` `>>` (with `<<-` / `->>` trimming), pipelines, `if`/`else if`/`else`, `range` (lists and
// maps, `$i, $v :=`), `with`, variables, parenthesised pipelines, comments, and the functions
// ResourceSets use (a subset of slim-sprig's hermetic functions plus `inputs` and `slugify`).
// `missingkey=error` as the operator sets it: a field that a map lacks is an error.
// Errors are returned as TemplateError with the 1-based line and column of the action.

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

type Value = unknown;
export type TemplateFunction = (...args: Value[]) => Value;

interface Pos {
  line: number;
  col: number;
}

type Operand =
  | {
      t: 'field';
      chain: string[];
      base: 'dot' | 'var' | 'fn' | 'pipe';
      name?: string;
      pipe?: Pipeline;
    }
  | { t: 'lit'; v: Value }
  | { t: 'ident'; name: string };
interface Command {
  args: Operand[];
}
interface Pipeline {
  decl: string[];
  assign: boolean;
  cmds: Command[];
  pos: Pos;
}

type Node =
  | { t: 'text'; s: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if' | 'with'; pipe: Pipeline; body: Node[]; alt?: Node[] }
  | { t: 'range'; pipe: Pipeline; body: Node[]; alt?: Node[] }
  | { t: 'break' | 'continue'; pos: Pos };

// ---- lexing the template into text and actions ----

interface Action {
  src: string;
  pos: Pos;
}

function positionAt(text: string, offset: number): Pos {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, col: offset - last };
}

function split(text: string): (string | Action)[] {
  const out: (string | Action)[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<<', i);
    if (open < 0) {
      out.push(text.slice(i));
      break;
    }
    let before = text.slice(i, open);
    let start = open + 2;
    if (
      text.startsWith('- ', start) ||
      text.startsWith('-\t', start) ||
      text.startsWith('-\n', start)
    ) {
      before = before.replace(/\s+$/, '');
      start += 1;
    }
    // Find the closing delimiter outside string literals.
    let j = start;
    let quote: string | undefined;
    for (; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === '\\' && quote !== '`') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === '`' || c === "'") quote = c;
      else if (c === '>' && text[j + 1] === '>') break;
    }
    if (j >= text.length)
      throw new TemplateError(
        'unclosed action (missing ">>")',
        positionAt(text, open).line,
        positionAt(text, open).col,
      );
    let end = j;
    let trimRight = false;
    if (text[end - 1] === '-' && /\s/.test(text[end - 2] ?? '')) {
      trimRight = true;
      end -= 1;
    }
    out.push(before);
    out.push({ src: text.slice(start, end), pos: positionAt(text, open) });
    i = j + 2;
    if (trimRight) while (i < text.length && /\s/.test(text[i])) i++;
  }
  return out;
}

// ---- tokenizing and parsing one action ----

type Tok = { k: 'id' | 'field' | 'var' | 'str' | 'num' | 'op'; v: string };

function tokenize(src: string, pos: Pos): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const err = (m: string) => new TemplateError(m, pos.line, pos.col);
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === '\\') {
          const n = src[++j];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
        } else s += src[j];
      }
      if (j >= src.length) throw err('unterminated quoted string');
      toks.push({ k: 'str', v: s });
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw err('unterminated raw quoted string');
      toks.push({ k: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      const j = src.indexOf("'", i + 1);
      if (j < 0) throw err('unterminated character constant');
      toks.push({ k: 'num', v: String(src.codePointAt(i + 1)) });
      i = j + 1;
    } else if (c === '(' || c === ')' || c === '|' || c === ',') {
      toks.push({ k: 'op', v: c });
      i++;
    } else if (c === ':' && src[i + 1] === '=') {
      toks.push({ k: 'op', v: ':=' });
      i += 2;
    } else if (c === '=') {
      toks.push({ k: 'op', v: '=' });
      i++;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i))!;
      toks.push({ k: 'var', v: m[0] });
      i += m[0].length;
    } else if (c === '.') {
      const m = /^(\.[A-Za-z0-9_]+)+|^\./.exec(src.slice(i))!;
      toks.push({ k: 'field', v: m[0] });
      i += m[0].length;
    } else if (/[0-9+-]/.test(c)) {
      const m = /^[+-]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?)/.exec(src.slice(i));
      if (!m) throw err(`unexpected "${c}" in action`);
      toks.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      toks.push({ k: 'id', v: m[0] });
      i += m[0].length;
    } else throw err(`unexpected "${c}" in action`);
    // A field chain directly after an identifier, variable or `)`: `inputs.x`, `$v.x`, `(f).x`.
    const last = toks[toks.length - 1];
    if (
      (last.k === 'id' || last.k === 'var' || (last.k === 'op' && last.v === ')')) &&
      src[i] === '.' &&
      /[A-Za-z_]/.test(src[i + 1] ?? '')
    ) {
      const m = /^(\.[A-Za-z0-9_]+)+/.exec(src.slice(i))!;
      toks.push({ k: 'op', v: 'chain' });
      toks.push({ k: 'field', v: m[0] });
      i += m[0].length;
    }
  }
  return toks;
}

class PipeParser {
  i = 0;
  constructor(
    readonly toks: Tok[],
    readonly pos: Pos,
  ) {}
  err(m: string): TemplateError {
    return new TemplateError(m, this.pos.line, this.pos.col);
  }
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  pipeline(allowDecl: boolean, stopAtParen: boolean): Pipeline {
    const p: Pipeline = { decl: [], assign: false, cmds: [], pos: this.pos };
    if (allowDecl) {
      // `$x :=`, `$x =`, `$i, $v :=`
      let j = this.i;
      const vars: string[] = [];
      while (this.toks[j]?.k === 'var') {
        vars.push(this.toks[j].v);
        if (this.toks[j + 1]?.k === 'op' && this.toks[j + 1].v === ',') j += 2;
        else {
          j++;
          break;
        }
      }
      const op = this.toks[j];
      if (vars.length && op?.k === 'op' && (op.v === ':=' || op.v === '=')) {
        p.decl = vars;
        p.assign = op.v === '=';
        this.i = j + 1;
      }
    }
    for (;;) {
      const cmd: Command = { args: [] };
      for (;;) {
        const t = this.peek();
        if (!t || (t.k === 'op' && (t.v === '|' || (t.v === ')' && stopAtParen)))) break;
        cmd.args.push(this.operand());
      }
      if (cmd.args.length === 0) throw this.err('missing value for command');
      p.cmds.push(cmd);
      const t = this.peek();
      if (t && t.k === 'op' && t.v === '|') {
        this.i++;
        continue;
      }
      break;
    }
    return p;
  }
  operand(): Operand {
    const t = this.toks[this.i++];
    let o: Operand;
    if (t.k === 'str') o = { t: 'lit', v: t.v };
    else if (t.k === 'num') o = { t: 'lit', v: Number(t.v) };
    else if (t.k === 'field')
      o = { t: 'field', base: 'dot', chain: t.v === '.' ? [] : t.v.slice(1).split('.') };
    else if (t.k === 'var') o = { t: 'field', base: 'var', name: t.v, chain: [] };
    else if (t.k === 'id') {
      if (t.v === 'true' || t.v === 'false') o = { t: 'lit', v: t.v === 'true' };
      else if (t.v === 'nil') o = { t: 'lit', v: null };
      else o = { t: 'ident', name: t.v };
    } else if (t.k === 'op' && t.v === '(') {
      const inner = this.pipeline(true, true);
      const close = this.toks[this.i++];
      if (!close || close.v !== ')') throw this.err('unclosed left paren');
      o = { t: 'field', base: 'pipe', pipe: inner, chain: [] };
    } else throw this.err(`unexpected "${t.v}" in operand`);
    const n = this.peek();
    if (n && n.k === 'op' && n.v === 'chain') {
      this.i++;
      const chain = this.toks[this.i++].v.slice(1).split('.');
      if (o.t === 'ident') o = { t: 'field', base: 'fn', name: o.name, chain };
      else if (o.t === 'field') o = { ...o, chain: [...o.chain, ...chain] };
    }
    return o;
  }
}

function parsePipe(src: string, pos: Pos, allowDecl: boolean): Pipeline {
  const pp = new PipeParser(tokenize(src, pos), pos);
  const p = pp.pipeline(allowDecl, false);
  if (pp.i < pp.toks.length) throw pp.err(`unexpected "${pp.toks[pp.i].v}" in pipeline`);
  return p;
}

function parse(text: string): Node[] {
  const parts = split(text);
  let k = 0;
  // Returns the nodes up to an `end`/`else`, and which one stopped it.
  const list = (
    inBlock: boolean,
  ): { nodes: Node[]; stop?: { word: string; rest: string; pos: Pos } } => {
    const nodes: Node[] = [];
    while (k < parts.length) {
      const part = parts[k++];
      if (typeof part === 'string') {
        if (part) nodes.push({ t: 'text', s: part });
        continue;
      }
      const src = part.src.trim();
      if (src.startsWith('/*')) {
        if (!src.endsWith('*/'))
          throw new TemplateError('unclosed comment', part.pos.line, part.pos.col);
        continue;
      }
      const m = /^([a-z]+)\b\s*([\s\S]*)$/.exec(src);
      const word = m?.[1];
      const rest = m?.[2] ?? '';
      if (word === 'end' || word === 'else') {
        if (!inBlock)
          throw new TemplateError(`unexpected {{${word}}}`, part.pos.line, part.pos.col);
        return { nodes, stop: { word, rest, pos: part.pos } };
      }
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(block(word, rest, part.pos));
      } else if (word === 'break' || word === 'continue') {
        nodes.push({ t: word, pos: part.pos });
      } else if (word === 'define' || word === 'template' || word === 'block') {
        throw new TemplateError(
          `"${word}" is not supported in ResourceSet templates by flux-overlays`,
          part.pos.line,
          part.pos.col,
        );
      } else {
        if (!src) throw new TemplateError('missing value for command', part.pos.line, part.pos.col);
        nodes.push({ t: 'action', pipe: parsePipe(src, part.pos, true) });
      }
    }
    if (inBlock) throw new TemplateError('unexpected EOF: missing end', 0, 0);
    return { nodes };
  };
  const block = (word: 'if' | 'with' | 'range', rest: string, pos: Pos): Node => {
    const pipe = parsePipe(rest, pos, true);
    const body = list(true);
    let alt: Node[] | undefined;
    if (body.stop?.word === 'else') {
      const r = body.stop.rest.trim();
      if (r.startsWith('if ') || r.startsWith('with ')) {
        // `else if x` / `else with x` = an else holding one nested block sharing this `end`.
        const w = r.startsWith('if ') ? 'if' : 'with';
        alt = [block(w, r.slice(w.length + 1), body.stop.pos)];
        return word === 'range'
          ? { t: 'range', pipe, body: body.nodes, alt }
          : { t: word, pipe, body: body.nodes, alt };
      }
      const e = list(true);
      if (e.stop?.word !== 'end')
        throw new TemplateError('expected end after else', body.stop.pos.line, body.stop.pos.col);
      alt = e.nodes;
    }
    return word === 'range'
      ? { t: 'range', pipe, body: body.nodes, alt }
      : { t: word, pipe, body: body.nodes, alt };
  };
  return list(false).nodes;
}

// ---- evaluation ----

class Break {}
class Continue {}

export function truth(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Go's fmt %v of a decoded JSON value. */
export function printValue(v: Value): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v))
    return `[${v.map((x) => (x === null ? '<nil>' : printValue(x))).join(' ')}]`;
  const o = v as Record<string, Value>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${o[k] === null ? '<nil>' : printValue(o[k])}`)
    .join(' ')}]`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e\+?(-?)(\d)$/, 'e+$10$2').replace('e+-', 'e-');
}

interface Scope {
  vars: Map<string, Value>[];
}

export class GoTemplate {
  private readonly nodes: Node[];
  constructor(
    text: string,
    private readonly funcs: Record<string, TemplateFunction>,
  ) {
    this.nodes = parse(text);
  }

  execute(dot: Value = null): string {
    const out: string[] = [];
    const scope: Scope = { vars: [new Map([['$', dot]])] };
    this.run(this.nodes, dot, scope, out);
    return out.join('');
  }

  private run(nodes: Node[], dot: Value, scope: Scope, out: string[]): void {
    for (const n of nodes) {
      switch (n.t) {
        case 'text':
          out.push(n.s);
          break;
        case 'action': {
          const v = this.pipe(n.pipe, dot, scope);
          if (n.pipe.decl.length === 0) out.push(printValue(v));
          break;
        }
        case 'if':
        case 'with': {
          scope.vars.push(new Map());
          const v = this.pipe(n.pipe, dot, scope);
          if (truth(v)) this.run(n.body, n.t === 'with' ? v : dot, scope, out);
          else if (n.alt) this.run(n.alt, dot, scope, out);
          scope.vars.pop();
          break;
        }
        case 'range': {
          scope.vars.push(new Map());
          const decl = n.pipe.decl;
          const v = this.pipe({ ...n.pipe, decl: [] }, dot, scope);
          const entries: [Value, Value][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : v && typeof v === 'object'
              ? Object.keys(v as object)
                  .sort()
                  .map((k) => [k, (v as Record<string, Value>)[k]])
              : typeof v === 'number' && Number.isInteger(v)
                ? Array.from({ length: Math.max(0, v) }, (_, i) => [i, i] as [Value, Value])
                : v === null || v === undefined
                  ? []
                  : (() => {
                      throw new TemplateError(
                        `range can't iterate over ${printValue(v)}`,
                        n.pipe.pos.line,
                        n.pipe.pos.col,
                      );
                    })();
          if (entries.length === 0 && n.alt) this.run(n.alt, dot, scope, out);
          for (const [key, val] of entries) {
            const frame = new Map<string, Value>();
            if (decl.length === 1) frame.set(decl[0], val);
            else if (decl.length === 2) {
              frame.set(decl[0], key);
              frame.set(decl[1], val);
            }
            scope.vars.push(frame);
            try {
              this.run(n.body, val, scope, out);
            } catch (e) {
              if (e instanceof Break) {
                scope.vars.pop();
                break;
              }
              if (!(e instanceof Continue)) throw e;
            }
            scope.vars.pop();
          }
          scope.vars.pop();
          break;
        }
        case 'break':
          throw new Break();
        case 'continue':
          throw new Continue();
      }
    }
  }

  private lookupVar(name: string, scope: Scope, pos: Pos): Value {
    for (let i = scope.vars.length - 1; i >= 0; i--)
      if (scope.vars[i].has(name)) return scope.vars[i].get(name);
    throw new TemplateError(`undefined variable "${name}"`, pos.line, pos.col);
  }

  private pipe(p: Pipeline, dot: Value, scope: Scope): Value {
    let v: Value = undefined;
    let first = true;
    for (const c of p.cmds) {
      v = this.command(c, dot, scope, p.pos, first ? undefined : { v });
      first = false;
    }
    if (p.decl.length) {
      if (p.assign) {
        const name = p.decl[0];
        for (let i = scope.vars.length - 1; i >= 0; i--)
          if (scope.vars[i].has(name)) {
            scope.vars[i].set(name, v);
            return v;
          }
        throw new TemplateError(`undefined variable "${name}"`, p.pos.line, p.pos.col);
      }
      scope.vars[scope.vars.length - 1].set(p.decl[p.decl.length - 1], v);
    }
    return v;
  }

  private command(c: Command, dot: Value, scope: Scope, pos: Pos, piped?: { v: Value }): Value {
    const head = c.args[0];
    if (head.t === 'ident') {
      const fn = this.funcs[head.name];
      if (!fn) throw new TemplateError(`function "${head.name}" not defined`, pos.line, pos.col);
      const args = c.args.slice(1).map((a) => this.operand(a, dot, scope, pos));
      if (piped) args.push(piped.v);
      if (head.name === 'and' || head.name === 'or')
        return args.length
          ? args.reduce((a, b) => (head.name === 'and' ? (truth(a) ? b : a) : truth(a) ? a : b))
          : undefined;
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw new TemplateError(
          `error calling ${head.name}: ${(e as Error).message}`,
          pos.line,
          pos.col,
        );
      }
    }
    if (c.args.length > 1 || piped)
      throw new TemplateError(
        `can't give argument to non-function ${describe(head)}`,
        pos.line,
        pos.col,
      );
    return this.operand(head, dot, scope, pos);
  }

  private operand(o: Operand, dot: Value, scope: Scope, pos: Pos): Value {
    if (o.t === 'lit') return o.v;
    if (o.t === 'ident') {
      const fn = this.funcs[o.name];
      if (!fn) throw new TemplateError(`function "${o.name}" not defined`, pos.line, pos.col);
      return fn();
    }
    let base: Value;
    if (o.base === 'dot') base = dot;
    else if (o.base === 'var') base = this.lookupVar(o.name!, scope, pos);
    else if (o.base === 'pipe') base = this.pipe(o.pipe!, dot, scope);
    else {
      const fn = this.funcs[o.name!];
      if (!fn) throw new TemplateError(`function "${o.name}" not defined`, pos.line, pos.col);
      base = fn();
    }
    let path = o.base === 'fn' ? o.name! : o.base === 'var' ? o.name! : '';
    for (const f of o.chain) {
      if (base === null || base === undefined)
        throw new TemplateError(`nil pointer evaluating ${path || '.'}.${f}`, pos.line, pos.col);
      if (typeof base !== 'object' || Array.isArray(base))
        throw new TemplateError(
          `can't evaluate field ${f} in type ${goType(base)}`,
          pos.line,
          pos.col,
        );
      if (!Object.prototype.hasOwnProperty.call(base, f))
        throw new TemplateError(`map has no entry for key "${f}"`, pos.line, pos.col);
      base = (base as Record<string, Value>)[f];
      path += '.' + f;
    }
    return base;
  }
}

function describe(o: Operand): string {
  if (o.t === 'lit') return printValue(o.v);
  if (o.t === 'ident') return o.name;
  return (o.name ?? '') + o.chain.map((c) => '.' + c).join('');
}

export function goType(v: Value): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'float64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
