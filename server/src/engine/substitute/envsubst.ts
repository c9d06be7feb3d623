// The `${...}` expansion Flux's kustomize-controller applies after a build (fluxcd/pkg
// envsubst, a fork of drone/envsubst), on one string:
// - `${VAR}`; `$$` is a literal `$`; `$VAR` without braces is left alone;
// - `${VAR:=default}`, `${VAR:-default}`, `${VAR=default}` (and `:?`, `:+`, which Flux treats
//   the same way): the default, which may itself hold `${...}`, when VAR is empty or unset;
//   `${VAR-default}` is a syntax error in this parser ("missing closing brace");
// - `${#VAR}`, `${VAR^}`, `${VAR^^}`, `${VAR,}`, `${VAR,,}`, `${VAR:offset[:length]}`,
//   `${VAR#glob}` `##` `%` `%%`, `${VAR/glob/repl}` `//` `/#` `/%`.
// Flux (not strict) replaces undefined variables by ''. Parse errors fail the whole
// Kustomization, so they are returned, not thrown.

export interface VariableUse {
  name: string;
  /** Offset of `${` in the string and just after the closing `}`. */
  start: number;
  end: number;
  /** The default text written in the expression, when it has one. */
  defaultText?: string;
}

export interface ExpandResult {
  output: string;
  uses: VariableUse[];
  error?: string;
}

type Node =
  | { text: string }
  | { fn: string; name: string; args: Node[][]; start: number; end: number; raw: string };

class SubstError extends Error {}

const IDENT = /[\p{L}\p{N}_]/u;

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  /** Top level: text with `$$` escapes and `${...}` expressions. */
  parseAll(): Node[] {
    const nodes: Node[] = [];
    let text = '';
    while (this.pos < this.s.length) {
      const c = this.s[this.pos];
      if (c === '$' && this.s[this.pos + 1] === '$') {
        text += '$';
        this.pos += 2;
      } else if (c === '$' && this.s[this.pos + 1] === '{') {
        if (text) nodes.push({ text });
        text = '';
        nodes.push(this.parseFunc());
      } else {
        text += c;
        this.pos++;
      }
    }
    if (text) nodes.push({ text });
    return nodes;
  }

  private ident(): string {
    let name = '';
    while (this.pos < this.s.length && IDENT.test(this.s[this.pos])) name += this.s[this.pos++];
    return name;
  }

  private close(): void {
    if (this.s[this.pos] !== '}') throw new SubstError('missing closing brace');
    this.pos++;
  }

  /** A parameter of a function: text up to `stop`, with nested `${...}`; `$$` and `\/`, `\\` escapes. */
  private param(stop: (c: string) => boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    while (this.pos < this.s.length && !stop(this.s[this.pos])) {
      const c = this.s[this.pos];
      if (c === '$' && this.s[this.pos + 1] === '{') {
        if (text) nodes.push({ text });
        text = '';
        nodes.push(this.parseFunc());
        continue;
      }
      if (
        (c === '$' && this.s[this.pos + 1] === '$') ||
        (c === '\\' && (this.s[this.pos + 1] === '/' || this.s[this.pos + 1] === '\\'))
      ) {
        text += this.s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      text += c;
      this.pos++;
    }
    if (text) nodes.push({ text });
    return nodes;
  }

  parseFunc(): Node {
    const start = this.pos;
    this.pos += 2;
    const done = (fn: string, name: string, args: Node[][]): Node => ({
      fn,
      name,
      args,
      start,
      end: this.pos,
      raw: this.s.slice(start, this.pos),
    });
    if (this.s[this.pos] === '#') {
      this.pos++;
      const name = this.ident();
      if (!name) throw new SubstError('bad substitution');
      this.close();
      return done('len', name, []);
    }
    const name = this.ident();
    if (!name) throw new SubstError('unable to parse variable name');
    const c = this.s[this.pos];
    const notClose = (ch: string) => ch === '}';
    if (c === '}') {
      this.pos++;
      return done('', name, []);
    }
    if (c === ':' && '=-?+'.includes(this.s[this.pos + 1] ?? '')) {
      const op = this.s.slice(this.pos, this.pos + 2);
      this.pos += 2;
      const args = this.param(notClose);
      this.close();
      return done(op, name, [args]);
    }
    if (c === '=') {
      this.pos++;
      const args = this.param(notClose);
      this.close();
      return done('=', name, [args]);
    }
    if (c === ':') {
      this.pos++;
      const offset = this.param((ch) => ch === ':' || ch === '}');
      const args = [offset];
      if (this.s[this.pos] === ':') {
        this.pos++;
        args.push(this.param(notClose));
      }
      this.close();
      return done(':', name, args);
    }
    if (c === ',' || c === '^') {
      const op = this.s[this.pos + 1] === c ? c + c : c;
      this.pos += op.length;
      this.close();
      return done(op, name, []);
    }
    if (c === '#' || c === '%') {
      const op = this.s[this.pos + 1] === c ? c + c : c;
      this.pos += op.length;
      const args = this.param(notClose);
      this.close();
      return done(op, name, [args]);
    }
    if (c === '/') {
      const next = this.s[this.pos + 1];
      const op = next === '/' || next === '#' || next === '%' ? '/' + next : '/';
      this.pos += op.length;
      const pattern = this.param((ch) => ch === '/');
      if (this.s[this.pos] !== '/') throw new SubstError('bad substitution');
      this.pos++;
      const repl = this.s[this.pos] === '}' ? [] : this.param(notClose);
      this.close();
      return done(op, name, [pattern, repl]);
    }
    throw new SubstError('missing closing brace');
  }
}

function globToRegex(glob: string, greedy: boolean): string {
  let r = '';
  for (const ch of glob)
    r +=
      ch === '*'
        ? greedy
          ? '.*'
          : '.*?'
        : ch === '?'
          ? '.'
          : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return r;
}

function apply(fn: string, v: string, args: string[]): string {
  const a0 = args[0] ?? '';
  switch (fn) {
    case 'len':
      return String(Buffer.byteLength(v));
    case '^':
      return v.charAt(0).toUpperCase() + v.slice(1);
    case '^^':
      return v.toUpperCase();
    case ',':
      return v.charAt(0).toLowerCase() + v.slice(1);
    case ',,':
      return v.toLowerCase();
    case ':': {
      let pos = Number.parseInt(a0, 10);
      if (!/^\s*-?\d+\s*$/.test(a0)) return v;
      if (pos < 0) pos = Math.max(0, v.length + pos);
      if (args.length === 1) return pos < v.length ? v.slice(pos) : '';
      if (!/^\s*-?\d+\s*$/.test(args[1])) return v;
      const len = Number.parseInt(args[1], 10);
      return pos + len >= v.length ? (pos < v.length ? v.slice(pos) : '') : v.slice(pos, pos + len);
    }
    case '#':
      return v.replace(new RegExp('^' + globToRegex(a0, false)), '');
    case '##':
      return v.replace(new RegExp('^' + globToRegex(a0, true)), '');
    case '%': {
      const m = new RegExp('(' + globToRegex(a0, true) + ')$').exec(v);
      return m ? shortestSuffix(v, a0) : v;
    }
    case '%%':
      return v.replace(new RegExp(globToRegex(a0, true) + '$'), '');
    case '/':
      return v.replace(new RegExp(globToRegex(a0, false)), args[1] ?? '');
    case '//':
      return v.replace(new RegExp(globToRegex(a0, false), 'g'), args[1] ?? '');
    case '/#':
      return v.replace(new RegExp('^' + globToRegex(a0, true)), args[1] ?? '');
    case '/%':
      return v.replace(new RegExp(globToRegex(a0, true) + '$'), args[1] ?? '');
    default:
      return v === '' ? args.join('') : v; // '', '=', ':=', ':-', ':?', ':+'
  }
}

function shortestSuffix(v: string, glob: string): string {
  const re = new RegExp('^' + globToRegex(glob, true) + '$');
  for (let i = v.length; i >= 0; i--) if (re.test(v.slice(i))) return v.slice(0, i);
  return v;
}

/**
 * Expands `text`. `lookup` returns undefined for an unset variable (replaced by '' as Flux
 * does, or kept verbatim when `keepUnset`). Returns the variables used, in order.
 */
export function expand(
  text: string,
  lookup: (name: string) => string | undefined,
  keepUnset = false,
): ExpandResult {
  const uses: VariableUse[] = [];
  let nodes: Node[];
  try {
    nodes = new Parser(text).parseAll();
  } catch (e) {
    return {
      output: text,
      uses,
      error: `envsubst: ${(e as Error).message} in "${text.length > 80 ? text.slice(0, 77) + '...' : text}"`,
    };
  }
  const evalNodes = (ns: Node[]): string => ns.map(evalNode).join('');
  const evalNode = (n: Node): string => {
    if ('text' in n) return n.text;
    const use: VariableUse = { name: n.name, start: n.start, end: n.end };
    const isDefault = ['=', ':=', ':-', ':?', ':+'].includes(n.fn);
    if (isDefault) use.defaultText = n.raw.slice(n.name.length + 2 + n.fn.length, -1);
    uses.push(use);
    const v = lookup(n.name);
    if (v === undefined && keepUnset && !isDefault) return n.raw;
    return apply(n.fn, v ?? '', n.args.map(evalNodes));
  };
  return { output: evalNodes(nodes), uses };
}
