// Go text/template's parser: actions, pipelines, declarations, control structures and
// define/block. Function names are checked at parse time, as Go does ("function %q not
// defined"), so an unknown function is an error naming the template and line.

import { Arg, Command, Node, Pipe, Pos, Tree } from './ast';
import { lex, Token, unquote } from './lex';
import { GoValue, TemplateError } from './value';

export interface ParseResult {
  /** The file's own tree (its top-level text and actions). */
  main: Tree;
  /** Templates defined with `define` or `block`. */
  defines: Tree[];
}

/** Parses one template file. Throws TemplateError (`template: NAME:LINE: message`). */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (f: string) => boolean,
): ParseResult {
  return new Parser(name, text, lex(name, text), hasFunction).parseFile();
}

class Parser {
  private i = 0;
  private defines: Tree[] = [];
  private vars: string[][] = [['$']];
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    private readonly src: string,
    private readonly toks: Token[],
    private readonly hasFunction: (f: string) => boolean,
  ) {}

  private fail(msg: string, t: Token = this.peekRaw()): never {
    throw new TemplateError(`template: ${this.name}:${t.line}: ${msg}`);
  }

  private pos(t: Token): Pos {
    return { name: this.name, line: t.line, col: t.col };
  }

  private peekRaw(): Token {
    return this.toks[this.i];
  }

  /** Next non-space token inside an action. */
  private peek(): Token {
    let j = this.i;
    while (this.toks[j].kind === 'space') j++;
    return this.toks[j];
  }

  private next(): Token {
    while (this.toks[this.i].kind === 'space') this.i++;
    return this.toks[this.i++];
  }

  private expect(kind: Token['kind'], context: string): Token {
    const t = this.next();
    if (t.kind !== kind) this.fail(`unexpected ${describe(t)} in ${context}`, t);
    return t;
  }

  parseFile(): ParseResult {
    const root: Node[] = [];
    for (;;) {
      const t = this.peekRaw();
      if (t.kind === 'eof') break;
      if (t.kind === 'left') {
        const save = this.i;
        this.i++;
        const k = this.peek();
        if (k.kind === 'keyword' && k.val === 'define') {
          this.next();
          this.parseDefine();
          continue;
        }
        this.i = save;
      }
      const n = this.parseNode(root);
      if (n === 'end' || n === 'else') this.fail(`unexpected {{${n}}}`);
    }
    return { main: { name: this.name, root: exact(root) }, defines: this.defines };
  }

  private parseDefine(): void {
    const nameTok = this.next();
    if (nameTok.kind !== 'string' && nameTok.kind !== 'rawstring')
      this.fail('name of defined template must be a string', nameTok);
    const defName = nameTok.kind === 'string' ? unquote(nameTok.val) : nameTok.val.slice(1, -1);
    this.expect('right', 'define clause');
    const saved = this.vars;
    this.vars = [['$']];
    const { list, end } = this.parseList();
    this.vars = saved;
    if (end !== 'end') this.fail(`unexpected {{else}} in define clause`);
    this.defines.push({ name: defName, root: list });
  }

  /** Nodes until {{end}} or {{else}}; returns which ended it (else tokens are left in place after `else`). */
  private parseList(): { list: Node[]; end: 'end' | 'else' } {
    const list: Node[] = [];
    for (;;) {
      if (this.peekRaw().kind === 'eof') this.fail('unexpected EOF');
      const r = this.parseNode(list);
      if (r === 'end' || r === 'else') return { list: exact(list), end: r };
    }
  }

  /** Parses one text or action into `into`; returns 'end'/'else' when it met those keywords. */
  private parseNode(into: Node[]): 'end' | 'else' | undefined {
    const t = this.toks[this.i++];
    if (t.kind === 'text') {
      into.push({ kind: 'text', text: t.val, pos: this.pos(t) });
      return undefined;
    }
    if (t.kind !== 'left') this.fail(`unexpected ${describe(t)}`, t);
    const k = this.peek();
    if (k.kind === 'keyword') {
      switch (k.val) {
        case 'end':
          this.next();
          this.expect('right', 'end');
          return 'end';
        case 'else':
          this.next();
          return 'else';
        case 'if':
        case 'with':
        case 'range':
          this.next();
          into.push(this.parseControl(k.val, k));
          return undefined;
        case 'template':
        case 'block':
          this.next();
          into.push(this.parseTemplateCall(k.val, k));
          return undefined;
        case 'break':
        case 'continue':
          this.next();
          if (this.rangeDepth === 0) this.fail(`{{${k.val}}} outside {{range}}`, k);
          this.expect('right', k.val);
          into.push({ kind: k.val, pos: this.pos(k) });
          return undefined;
        case 'define':
          this.fail('unexpected {{define}}: define must be at top level', k);
      }
    }
    const pipe = this.parsePipeline('command', false);
    into.push({ kind: 'action', pipe, pos: pipe.pos });
    return undefined;
  }

  private parseControl(kind: 'if' | 'with' | 'range', kw: Token): Node {
    this.vars.push([]);
    const pipe = this.parsePipeline(kind, kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    const { list, end } = this.parseList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (end === 'else') {
      const nk = this.peek();
      if ((kind === 'if' || kind === 'with') && nk.kind === 'keyword' && nk.val === kind) {
        // {{else if ...}}: an if nested in the else branch, sharing our {{end}}.
        this.next();
        elseList = [this.parseControl(kind, nk)];
      } else {
        this.expect('right', 'else');
        const r = this.parseList();
        if (r.end === 'else') this.fail(`expected end; found {{else}}`);
        elseList = r.list;
      }
    }
    this.vars.pop();
    void list;
    return { kind, pipe, list, elseList, pos: this.pos(kw) };
  }

  private parseTemplateCall(kind: 'template' | 'block', kw: Token): Node {
    const nameTok = this.next();
    if (nameTok.kind !== 'string' && nameTok.kind !== 'rawstring')
      this.fail(`unexpected ${describe(nameTok)} in ${kind} clause`, nameTok);
    const tname = nameTok.kind === 'string' ? unquote(nameTok.val) : nameTok.val.slice(1, -1);
    let pipe: Pipe | undefined;
    if (this.peek().kind !== 'right') pipe = this.parsePipeline(kind, false);
    else this.next();
    if (kind === 'block') {
      const saved = this.vars;
      this.vars = [['$']];
      const { list, end } = this.parseList();
      this.vars = saved;
      if (end !== 'end') this.fail('unexpected {{else}} in block clause');
      this.defines.push({ name: tname, root: list });
    }
    return { kind: 'template', name: tname, pipe, pos: this.pos(kw) };
  }

  private declared(v: string): boolean {
    return this.vars.some((scope) => scope.includes(v));
  }

  /** A pipeline up to and including the closing `}}` (or `)` when `context` is 'paren'). */
  private parsePipeline(context: string, allowTwoVars: boolean): Pipe {
    const first = this.peek();
    const startIdx = this.i;
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: $x := / $x = / $i, $v :=
    if (first.kind === 'variable') {
      const save = this.i;
      const v1 = this.next();
      const after = this.peek();
      if (after.kind === 'declare' || after.kind === 'assign') {
        this.next();
        decl.push(v1.val);
        isAssign = after.kind === 'assign';
      } else if (after.kind === 'comma' && allowTwoVars) {
        this.next();
        const v2 = this.expect('variable', 'range declaration');
        const op = this.next();
        if (op.kind !== 'declare' && op.kind !== 'assign') this.fail('expected := in range', op);
        decl.push(v1.val, v2.val);
        isAssign = op.kind === 'assign';
      } else {
        this.i = save;
      }
      if (decl.length) {
        if (isAssign) {
          for (const d of decl) if (!this.declared(d)) this.fail(`undefined variable "${d}"`, v1);
        } else this.vars[this.vars.length - 1].push(...decl);
      }
    }
    const cmds: Command[] = [];
    const end = context === 'paren' ? 'rparen' : 'right';
    for (;;) {
      const t = this.peek();
      if (t.kind === end) {
        this.next();
        break;
      }
      if (t.kind === 'pipe' && cmds.length) {
        this.next();
        continue;
      }
      cmds.push(this.parseCommand(end));
    }
    if (cmds.length === 0) this.fail(`missing value for ${context}`, first);
    const endTok = this.toks[this.i - 1];
    const text = this.textBetween(startIdx, this.i - 1);
    void endTok;
    return { decl, isAssign, cmds: exact(cmds), pos: this.pos(first), text };
  }

  /** The source of tokens a..b-1, spaces as one blank, trimmed (Go's String() of a node). */
  private textBetween(a: number, b: number): string {
    const toks = this.toks;
    while (a < b && toks[a].kind === 'space') a++;
    while (b > a && toks[b - 1].kind === 'space') b--;
    if (b - a === 1) return toks[a].val;
    // Mostly the source as written (one string, not one per token).
    let k = a;
    while (k < b && (toks[k].kind !== 'space' || toks[k].val === ' ')) k++;
    if (k === b) return this.src.slice(toks[a].off, toks[b - 1].off + toks[b - 1].val.length);
    let out = '';
    for (k = a; k < b; k++) out += toks[k].kind === 'space' ? ' ' : toks[k].val;
    return out;
  }

  private parseCommand(end: 'right' | 'rparen'): Command {
    const first = this.peek();
    const startIdx = this.i;
    const args: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === end || t.kind === 'pipe') break;
      if (t.kind === 'eof' || t.kind === 'right' || t.kind === 'rparen')
        this.fail(`unexpected ${describe(t)} in operand`, t);
      args.push(this.parseOperand());
      const nt = this.peekRaw();
      if (
        nt.kind !== 'space' &&
        nt.kind !== end &&
        nt.kind !== 'pipe' &&
        nt.kind !== 'right' &&
        nt.kind !== 'rparen'
      ) {
        this.fail(`unexpected ${describe(nt)} in operand`, nt);
      }
    }
    if (args.length === 0) this.fail('empty command', first);
    return { args: exact(args), pos: this.pos(first), text: this.textBetween(startIdx, this.i) };
  }

  private parseOperand(): Arg {
    let a = this.parseTerm();
    // Field chain directly after the term: (x).a.b, $x.a
    const idents: string[] = [];
    while (this.peekRaw().kind === 'field') idents.push(this.toks[this.i++].val.slice(1));
    if (idents.length) {
      if (a.kind === 'variable')
        a = {
          kind: 'variable',
          name: a.name,
          idents: [...a.idents, ...idents],
          text: a.text + '.' + idents.join('.'),
        };
      else if (a.kind === 'field')
        a = {
          kind: 'field',
          idents: [...a.idents, ...idents],
          text: a.text + '.' + idents.join('.'),
        };
      else {
        if (
          a.kind === 'bool' ||
          a.kind === 'string' ||
          a.kind === 'number' ||
          a.kind === 'nil' ||
          a.kind === 'dot'
        )
          this.fail(`unexpected . after term "${a.text}"`);
        a = { kind: 'chain', node: a, idents, text: a.text + '.' + idents.join('.') };
      }
    }
    return a;
  }

  private parseTerm(): Arg {
    const t = this.next();
    switch (t.kind) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.fail(`function "${t.val}" not defined`, t);
        return { kind: 'identifier', name: t.val, text: t.val };
      case 'dot':
        return { kind: 'dot', text: '.' };
      case 'nil':
        return { kind: 'nil', text: 'nil' };
      case 'variable':
        if (!this.declared(t.val)) this.fail(`undefined variable "${t.val}"`, t);
        return { kind: 'variable', name: t.val, idents: [], text: t.val };
      case 'field':
        return { kind: 'field', idents: t.val.slice(1).split('.'), text: t.val };
      case 'bool':
        return { kind: 'bool', value: t.val === 'true', text: t.val };
      case 'number':
        return {
          kind: 'number',
          value: parseNumber(t.val, () => this.fail(`bad number syntax: "${t.val}"`, t)),
          text: t.val,
        };
      case 'char':
        return { kind: 'number', value: BigInt(unquote(t.val).codePointAt(0) ?? 0), text: t.val };
      case 'string':
        return { kind: 'string', value: unquote(t.val), text: t.val };
      case 'rawstring':
        return { kind: 'string', value: t.val.slice(1, -1).replace(/\r/g, ''), text: t.val };
      case 'lparen': {
        const pipe = this.parsePipeline('paren', false);
        return { kind: 'pipe', pipe, text: `(${pipe.text})` };
      }
    }
    return this.fail(`unexpected ${describe(t)} in operand`, t);
  }
}

/**
 * An array of its exact length: one grown by push keeps spare room (17 slots for one command),
 * and parse trees stay for the process's life (the parse cache).
 */
function exact<T>(a: T[]): T[] {
  return a.length === 0 ? EMPTY : a.slice();
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EMPTY: any[] = [];

/** An untyped numeric constant as Go's template passes it to an interface{}: int, else float64. */
function parseNumber(s: string, fail: () => never): GoValue {
  const clean = s.replace(/_/g, '');
  if (/i$/.test(clean)) fail();
  const isHex = /^[+-]?0[xX]/.test(clean);
  if (!isHex && /[.eE]/.test(clean)) {
    const f = Number(clean);
    if (Number.isNaN(f)) fail();
    return f;
  }
  if (isHex && /[.pP]/.test(clean)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean);
    if (!m) fail();
    const frac = m![3] ?? '';
    const mant = parseInt((m![2] || '0') + frac, 16) / Math.pow(16, frac.length);
    const f = mant * Math.pow(2, Number(m![4]));
    return m![1] === '-' ? -f : f;
  }
  try {
    const neg = clean.startsWith('-');
    let body = clean.replace(/^[+-]/, '');
    if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
    const n = BigInt(body);
    return neg ? -n : n;
  } catch {
    return fail();
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'right':
      return '"}}"';
    case 'eof':
      return 'EOF';
    case 'rparen':
      return '")"';
    default:
      return `<${t.val}>`;
  }
}
