// Executes parsed templates with Go text/template's semantics, as Helm configures it
// (missingkey=zero): fields and map keys, methods of structs, pipelines passing the previous
// result as the last argument, variables scoped per control structure, range over lists, maps
// (sorted keys) and ints, break/continue, template calls, and Go's execution error messages.

import { Arg, Command, Node, Pipe, Pos, Tree } from './ast';
import { formatV } from './fmt';
import { parseTemplate } from './parse';
import { OutputSpan, ValuePath, ValueTracker, samePath, valueTracker } from './origins';
import { GoMap, GoStruct, GoValue, TemplateError, sortedKeys, truth } from './value';

export {
  OriginReader,
  OutputSpan,
  ValuePath,
  ValueTracker,
  samePath,
  valueTracker,
} from './origins';

export interface CallContext {
  set: TemplateSet;
  /** Where the call is: template name, line, column. */
  pos: Pos;
  /** Runs a named template (include). */
  include(name: string, data: GoValue): string;
  /** Parses and runs template text with the set's definitions (tpl). */
  tpl(text: string, data: GoValue): string;
}

export interface FuncDef {
  fn: (args: GoValue[], ctx: CallContext) => GoValue;
  /** [min, max] arguments (max Infinity for variadic); unchecked when absent. */
  arity?: [number, number];
  /** and/or: receive thunks (evaluated on demand) instead of values. */
  lazy?: (args: (() => GoValue)[], ctx: CallContext) => GoValue;
  /** Output depends on randomness or time: marked as not reproducible. */
  nonReproducible?: boolean;
}

export type FuncMap = Record<string, FuncDef>;

const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

class ControlSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}

const MAX_DEPTH = 100000;
/**
 * Template nodes one execution (a file, with its includes and tpl calls) runs at most: nested
 * ranges over values typed by mistake would run for hours; Helm has no limit, a large chart
 * runs some hundred thousand.
 */
export const MAX_STEPS = 20_000_000;
/** Helm's recursionMaxNums: a template may be included inside itself this many times. */
const MAX_INCLUDE = 1000;

/** A JavaScript stack overflow (deep template nesting); passed up unwrapped to the outermost include. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message);
}

/** A value of .Values as an action reached it: its path and the value there. */
interface ValueRef {
  path: ValuePath;
  value: GoValue;
}

/** Functions that pass a value through (reformatted): its origin stays the value's. */
const PASS_THROUGH = new Set([
  'quote',
  'squote',
  'toYaml',
  'toJson',
  'toPrettyJson',
  'toString',
  'nindent',
  'indent',
  'trim',
  'int',
  'int64',
  'float64',
  'upper',
  'lower',
  'b64enc',
  'default',
]);

/** Functions printing several values into one text: each printed value is named (OutputSpan.also). */
const FORMATTING = new Set(['printf', 'print', 'println', 'cat']);

/** Sprig's merges: each entry of the result takes its source's path (ValueTracker.merged). */
const MERGES = new Set(['merge', 'mustMerge', 'mergeOverwrite', 'mustMergeOverwrite']);

/**
 * Functions whose result is (a copy of, part of, or the template text of) their first argument:
 * `omit .Values.x "enabled"`, `pick`, `deepCopy`, `tpl .Values.x $` (when the rendered text is
 * not followed line by line, see OutputSpan.included, its lines are the value's).
 */
const FIRST_ARG = new Set(['omit', 'pick', 'deepCopy', 'mustDeepCopy', 'tpl']);

/** Templates parsed into one namespace, as Helm parses every template of a chart into "gotpl". */
export class TemplateSet {
  readonly trees = new Map<string, Tree>();
  /** Names of non-reproducible functions called during the current execution. */
  readonly nonReproducibleCalls = new Set<string>();
  includeDepth = new Map<string, number>();
  /** Includes in progress (all names), and where the stack ran out; shared with clones (tpl). */
  nesting = { depth: 0, overflow: undefined as { name: string; depth: number } | undefined };
  /** Nodes run by the execution under way (MAX_STEPS); shared with clones (tpl). */
  budget = { steps: 0, running: false };
  private depth = 0;

  constructor(readonly funcs: FuncMap) {}

  hasFunction = (name: string): boolean => Object.prototype.hasOwnProperty.call(this.funcs, name);

  /** Parses a file into the set: its own tree under `name`, and its defines (later ones win, empty ones do not replace). */
  add(name: string, text: string): void {
    const r = cachedParse(name, text, this.funcs, this.hasFunction);
    this.associate(r.main);
    for (const d of r.defines) this.associate(d);
  }

  private associate(t: Tree): void {
    const old = this.trees.get(t.name);
    if (old && isEmptyTree(t.root) && !isEmptyTree(old.root)) return;
    this.trees.set(t.name, t);
  }

  clone(): TemplateSet {
    const c = new TemplateSet(this.funcs);
    for (const [k, v] of this.trees) c.trees.set(k, v);
    c.includeDepth = this.includeDepth;
    c.nesting = this.nesting;
    c.budget = this.budget;
    c.depth = this.depth;
    return c;
  }

  /** Runs template `name` with `data` as dot and `$`. Throws TemplateError. */
  execute(name: string, data: GoValue): string {
    const t = this.trees.get(name);
    if (!t)
      throw new TemplateError(`template: no template "${name}" associated with template "gotpl"`);
    const st = new State(this, t.name, data);
    this.walkCounted(st, data, t);
    return st.out.join('');
  }

  /** Runs a tree, counting its steps afresh unless an execution is under way (include, tpl). */
  private walkCounted(st: State, data: GoValue, t: Tree): void {
    const top = !this.budget.running;
    if (top) {
      this.budget.steps = 0;
      this.budget.running = true;
    }
    try {
      st.walkList(data, t.root);
    } finally {
      if (top) this.budget.running = false;
    }
  }

  /**
   * Like execute, also saying which template node wrote each piece of the output, and which
   * value of .Values it printed (`tracker`: by default the maps and lists of `data.Values`).
   */
  executeWithOrigins(
    name: string,
    data: GoValue,
    tracker: ValueTracker = valueTracker(data instanceof Map ? (data.get('Values') ?? null) : null),
    /** The .Values path of `data` when it is a scalar of .Values (`include "x" .Values.tag`). */
    dotPath?: ValuePath,
  ): { text: string; spans: OutputSpan[] } {
    const t = this.trees.get(name);
    if (!t)
      throw new TemplateError(`template: no template "${name}" associated with template "gotpl"`);
    const st = new State(this, t.name, data, tracker);
    st.dotPath = dotPath;
    this.walkCounted(st, data, t);
    return { text: st.out.join(''), spans: st.spans! };
  }

  include(name: string, data: GoValue, rec?: IncludeRecord): string {
    const n = this.includeDepth.get(name) ?? 0;
    if (n > MAX_INCLUDE)
      throw new TemplateError(
        `rendering template has a nested reference name: ${name}: unable to execute template`,
      );
    this.includeDepth.set(name, n + 1);
    const nest = this.nesting;
    nest.depth++;
    try {
      if (!rec) return this.execute(name, data);
      const dotPath = rec.dotPath;
      rec.dotPath = undefined;
      const r = this.executeWithOrigins(name, data, rec.tracker, dotPath);
      rec.last = r;
      rec.tracker.noteOutput(r.text, r.text, r.spans);
      return r.text;
    } catch (e) {
      if (!isStackOverflow(e)) throw e;
      // Go's stack holds Helm's 1000 nested includes; ours may run out first. The innermost
      // include names the template; the outermost one (stack unwound) reports it as Helm would.
      nest.overflow ??= { name, depth: nest.depth };
      if (nest.depth > 1) throw e;
      const o = nest.overflow;
      nest.overflow = undefined;
      throw new TemplateError(
        `rendering template has a nested reference name: ${o.name}: unable to execute template (nested ${o.depth} includes deep, more than the stack holds)`,
      );
    } finally {
      nest.depth--;
      this.includeDepth.set(name, n);
    }
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH)
      throw new TemplateError(`exceeded maximum template depth (${MAX_DEPTH})`);
  }
  leave(): void {
    this.depth--;
  }
}

// Parse trees are immutable: the same file (or tpl text) parses once per process. Keyed by the
// function table too, since unknown functions are parse errors.
// By name, then text (the same string objects across renders keep their hash: no joined key).
const parseCache = new WeakMap<
  FuncMap,
  { count: number; byName: Map<string, Map<string, ReturnType<typeof parseTemplate>>> }
>();
const PARSE_CACHE_MAX = 20000;

function cachedParse(
  name: string,
  text: string,
  funcs: FuncMap,
  has: (f: string) => boolean,
): ReturnType<typeof parseTemplate> {
  let c = parseCache.get(funcs);
  if (!c) parseCache.set(funcs, (c = { count: 0, byName: new Map() }));
  let m = c.byName.get(name);
  let r = m?.get(text);
  if (!r) {
    r = parseTemplate(name, text, has);
    if (c.count >= PARSE_CACHE_MAX) {
      c.byName.clear();
      c.count = 0;
      m = undefined;
    }
    if (!m) c.byName.set(name, (m = new Map()));
    m.set(text, r);
    c.count++;
  }
  return r;
}

function isTernary(c: Command): boolean {
  const a0 = c.args[0];
  return a0.kind === 'identifier' && a0.name === 'ternary';
}

function isEmptyTree(nodes: Node[]): boolean {
  return nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}

/** When recording origins: the last include (or tpl) a call context ran, with its spans. */
interface IncludeRecord {
  tracker: ValueTracker;
  last?: IncludedRun;
  /** Set by the caller just before an include: the .Values path of its dot argument. */
  dotPath?: ValuePath;
}

/** A template an include or tpl ran: its output and spans; `tplSource`: the text tpl parsed. */
interface IncludedRun {
  text: string;
  spans: OutputSpan[];
  raw?: string;
  tplSource?: string;
}

/**
 * The include (or tpl) an action prints, when its pipeline is `include ...` (`tpl ...`) followed
 * only by `indent N`/`nindent N` and the printed text is the included text so shifted.
 */
function includedSpan(pipe: Pipe, printed: string, last: IncludedRun): OutputSpan['included'] {
  const c0 = pipe.cmds[0].args[0];
  if (c0.kind !== 'identifier' || c0.name !== (last.tplSource === undefined ? 'include' : 'tpl'))
    return undefined;
  let s = last.text;
  let lead = 0;
  for (let i = 1; i < pipe.cmds.length; i++) {
    const args = pipe.cmds[i].args;
    const f = args[0];
    const n = args[1];
    if (args.length === 1 && f.kind === 'identifier' && f.name === 'trim') {
      // Go's strings.TrimSpace: the lines it removes before the text come off the lead.
      const start = s.length - s.trimStart().length;
      for (let j = 0; j < start; j++) if (s[j] === '\n') lead--;
      s = s.trim();
      continue;
    }
    if (
      args.length !== 2 ||
      f.kind !== 'identifier' ||
      (f.name !== 'indent' && f.name !== 'nindent') ||
      n.kind !== 'number' ||
      typeof n.value !== 'bigint'
    )
      return undefined;
    const pad = ' '.repeat(Number(n.value));
    s = pad + s.replace(/\n/g, '\n' + pad);
    if (f.name === 'nindent') {
      s = '\n' + s;
      lead++;
    }
  }
  if (s !== printed) return undefined;
  const r: NonNullable<OutputSpan['included']> = { text: last.text, spans: last.spans, lead };
  if (last.raw !== undefined) r.raw = last.raw;
  return r;
}

class State {
  readonly out: string[] = [];
  /** Parallel to `out` when recording origins. */
  readonly spans: OutputSpan[] | undefined;
  /** Whether the last field hop gave a nil read from a map (Go: interface{} holding nil). */
  private typedNil = false;
  /** Variables; `path` when recording and the value came from .Values. */
  private vars: { name: string; value: GoValue; path?: ValuePath }[];
  /** When recording: the .Values path of dot (inside `with`/`range` over .Values...). */
  dotPath: ValuePath | undefined;

  constructor(
    private readonly set: TemplateSet,
    private readonly name: string,
    data: GoValue,
    /** Given when recording origins. */
    private readonly tracker?: ValueTracker,
  ) {
    this.vars = [{ name: '$', value: data }];
    if (tracker) this.spans = [];
  }

  /** The tracked path of a map or list. */
  private own(v: GoValue): ValuePath | undefined {
    return v !== null && typeof v === 'object' ? this.tracker?.pathOf(v) : undefined;
  }

  /** Field hops from `recv` (at `base`): the path and value they reach, read without side effects. */
  private hops(
    recv: GoValue,
    base: ValuePath | undefined,
    keys: (string | number)[],
  ): ValueRef | undefined {
    let cur: GoValue = recv;
    let p = this.own(recv) ?? base;
    for (const k of keys) {
      let next: GoValue | undefined;
      if (cur instanceof Map && typeof k === 'string') next = cur.get(k);
      else if (Array.isArray(cur) && typeof k === 'number') next = cur[k];
      else if (
        cur instanceof GoStruct &&
        typeof k === 'string' &&
        Object.prototype.hasOwnProperty.call(cur.fields, k)
      )
        next = cur.fields[k];
      const from = cur;
      cur = next ?? null;
      p =
        this.own(cur) ??
        (typeof k === 'string' && from instanceof Map
          ? this.tracker?.keyPath(from, k)
          : undefined) ??
        (p ? [...p, k] : undefined);
    }
    return p ? { path: p, value: cur } : undefined;
  }

  /** The value of .Values an argument names (a field chain, a variable, dot), if any. */
  private argRef(dot: GoValue, a: Arg): ValueRef | undefined {
    switch (a.kind) {
      case 'dot':
        return this.hops(dot, this.dotPath, []);
      case 'field':
        return this.hops(dot, this.dotPath, a.idents);
      case 'variable': {
        for (let i = this.vars.length - 1; i >= 0; i--) {
          const v = this.vars[i];
          if (v.name === a.name) return this.hops(v.value, v.path, a.idents);
        }
        return undefined;
      }
      case 'pipe':
        return this.pipeRef(dot, a.pipe);
      case 'chain': {
        const inner = this.argRef(dot, a.node);
        return inner ? this.hops(inner.value, inner.path, a.idents) : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * The value of .Values a pipeline passes on (see OutputSpan): its first command names one
   * (or `index`/`get` of one with literal keys) and every later command passes it through.
   */
  private pipeRef(dot: GoValue, pipe: Pipe): ValueRef | undefined {
    let ref: ValueRef | undefined;
    for (let i = 0; i < pipe.cmds.length; i++) {
      const c = pipe.cmds[i];
      const a0 = c.args[0];
      if (a0.kind !== 'identifier') {
        ref = i === 0 && c.args.length === 1 ? this.argRef(dot, a0) : undefined;
      } else if (PASS_THROUGH.has(a0.name)) {
        // Later in a pipeline the value passed on is the previous command's.
        if (i === 0)
          ref = c.args.length > 1 ? this.argRef(dot, c.args[c.args.length - 1]) : undefined;
      } else if (FIRST_ARG.has(a0.name)) {
        // Piped into tpl, the previous value is the context: the text is the first argument.
        if (i === 0 || a0.name === 'tpl')
          ref = c.args.length > 1 ? this.argRef(dot, c.args[1]) : undefined;
      } else if (FORMATTING.has(a0.name)) {
        // `printf "%s:%s" .Values.image.repository .Values.image.tag`: the first value printed
        // (the others are OutputSpan.also).
        ref = i === 0 ? this.formattedRefs(dot, c)[0] : undefined;
      } else if (a0.name === 'ternary' && c.args.length >= 3) {
        // `typeIs "string" .value | ternary .value (.value | toYaml)`: both choices are the same
        // value (as is or reformatted), whatever the condition before it.
        const a = this.argRef(dot, c.args[1]);
        const b = this.argRef(dot, c.args[2]);
        ref = a && b && samePath(a.path, b.path) ? a : undefined;
      } else if ((a0.name === 'index' || a0.name === 'get') && i === 0 && c.args.length > 2) {
        const keys: (string | number)[] = [];
        for (const k of c.args.slice(2)) {
          if (k.kind === 'string') keys.push(k.value);
          else if (k.kind === 'number' && typeof k.value === 'bigint') keys.push(Number(k.value));
          else return undefined;
        }
        const base = this.argRef(dot, c.args[1]);
        ref = base ? this.hops(base.value, base.path, keys) : undefined;
      } else ref = undefined;
      // Nothing to pass on, unless a later ternary chooses between two refs again.
      if (!ref && !pipe.cmds.some((d, j) => j > i && isTernary(d))) return undefined;
    }
    return ref;
  }

  /** The values of .Values a printf/print/cat command prints, in argument order. */
  private formattedRefs(dot: GoValue, c: Command): ValueRef[] {
    const a0 = c.args[0];
    const from = a0.kind === 'identifier' && a0.name === 'printf' ? 2 : 1;
    const out: ValueRef[] = [];
    for (let j = from; j < c.args.length; j++) {
      const r = this.argRef(dot, c.args[j]);
      if (r && r.path.length && !out.some((o) => samePath(o.path, r.path))) out.push(r);
    }
    return out;
  }

  /**
   * When recording: the .Values paths of the scalars a `dict` call stores under literal keys
   * (`dict "value" .Values.image.tag "context" $`), for the include that takes it as its dot.
   */
  private noteDictKeys(dot: GoValue, args: Arg[], m: GoValue): void {
    if (!(m instanceof Map)) return;
    for (let i = 1; i + 1 < args.length; i += 2) {
      const k = args[i];
      if (k.kind !== 'string') continue;
      const ref = this.argRef(dot, args[i + 1]);
      if (ref && ref.path.length) this.tracker!.noteKey(m, k.value, ref.path);
    }
  }

  /**
   * When recording: what a call did with values the tracker follows by key or content (dict,
   * merge, toYaml, fromYaml). `before`: a merge destination's entries before the call.
   */
  private noteCall(
    name: string,
    dot: GoValue,
    args: Arg[],
    vals: GoValue[],
    r: GoValue,
    before: GoMap | undefined,
  ): void {
    const t = this.tracker!;
    if (before) return t.merged(r, before, vals.slice(1), name.endsWith('Overwrite'));
    switch (name) {
      case 'dict':
        if (vals.length === args.length - 1) this.noteDictKeys(dot, args, r);
        return;
      case 'toYaml':
      case 'mustToYaml':
        if (typeof r === 'string') t.noteYaml(r, vals[0]);
        return;
      case 'fromYaml':
        t.readYaml(vals[0], r);
        return;
    }
  }

  private errorAt(pos: Pos, at: string, msg: string): never {
    throw new TemplateError(
      `template: ${pos.name}:${pos.line}:${pos.col}: executing "${this.name}" at <${at}>: ${msg}`,
    );
  }

  private clearInclude(): void {
    const rec = this.ctx?.rec;
    if (rec) rec.last = undefined;
  }

  /** When recording: the span of an action that printed `printed`. */
  private recordAction(dot: GoValue, n: Node & { kind: 'action' }, printed: string): void {
    const span: OutputSpan = {
      len: printed.length,
      name: n.pos.name,
      line: n.pos.line,
      text: false,
    };
    const ref = this.pipeRef(dot, n.pipe);
    if (ref && ref.path.length) {
      span.values = ref.path;
      if (this.isCollection(ref)) span.collection = true;
      const c0 = n.pipe.cmds[0];
      const f = c0.args[0];
      if (f.kind === 'identifier' && FORMATTING.has(f.name)) {
        const also = this.formattedRefs(dot, c0).slice(1);
        if (also.length) span.also = also.map((r) => r.path);
      }
    } else {
      // Text built from values and printed again (`{{ $dst | toYaml }}` after a merge).
      const lines = this.tracker!.textLines(printed);
      if (lines) span.lines = lines;
    }
    const last = this.ctx?.rec?.last;
    if (last) {
      const inc = includedSpan(n.pipe, printed, last);
      if (inc && last.tplSource !== undefined) {
        // The lines tpl wrote from its text are that text's value's (`tpl (toYaml .Values.x) $`).
        const src = n.pipe.cmds[0].args[1];
        const at = src && this.argRef(dot, src);
        inc.tpl = { source: last.tplSource };
        if (at && at.path.length) {
          inc.tpl.values = at.path;
          if (this.isCollection(at)) inc.tpl.collection = true;
        }
      }
      span.included = inc;
    }
    this.spans!.push(span);
  }

  /**
   * Whether a ref is a map or list of .Values, perhaps printed as YAML into a variable first
   * (`$value := typeIs "string" .value | ternary .value (.value | toYaml)`, Bitnami's common).
   */
  private isCollection(ref: ValueRef): boolean {
    const v =
      ref.value instanceof Map || Array.isArray(ref.value)
        ? ref.value
        : this.tracker!.valueAt(ref.path);
    return v instanceof Map || Array.isArray(v);
  }

  walkList(dot: GoValue, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: GoValue, n: Node): void {
    if (++this.set.budget.steps > MAX_STEPS)
      this.errorAt(
        n.pos,
        n.kind,
        `rendering stopped after ${MAX_STEPS} steps (loops over values too large?)`,
      );
    switch (n.kind) {
      case 'text':
        this.out.push(n.text);
        if (this.spans)
          this.spans.push({ len: n.text.length, name: n.pos.name, line: n.pos.line, text: true });
        return;
      case 'action': {
        if (this.spans) this.clearInclude();
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) {
          const printed = printValue(v);
          this.out.push(printed);
          if (this.spans) this.recordAction(dot, n, printed);
        }
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        const dotPath = this.dotPath;
        try {
          if (truth(v)) {
            if (n.kind === 'with' && this.tracker) this.dotPath = this.pipeRef(dot, n.pipe)?.path;
            this.walkList(n.kind === 'with' ? v : dot, n.list);
          } else if (n.elseList) this.walkList(dot, n.elseList);
        } finally {
          this.vars.length = mark;
          this.dotPath = dotPath;
        }
        return;
      }
      case 'range':
        this.walkRange(dot, n);
        return;
      case 'break':
      case 'continue':
        throw new ControlSignal(n.kind);
      case 'template': {
        const t = this.set.trees.get(n.name);
        if (!t) this.errorAt(n.pos, `{{template "${n.name}"}}`, `template "${n.name}" not defined`);
        const newDot = n.pipe ? this.evalPipeline(dot, n.pipe) : null;
        this.set.enter();
        try {
          const st = new State(this.set, t.name, newDot, this.tracker);
          if (this.tracker && n.pipe) st.dotPath = this.pipeRef(dot, n.pipe)?.path;
          st.walkList(newDot, t.root);
          this.out.push(st.out.join(''));
          if (this.spans) this.spans.push(...st.spans!);
        } finally {
          this.set.leave();
        }
        return;
      }
    }
  }

  private walkRange(dot: GoValue, n: Extract<Node, { kind: 'range' }>): void {
    const mark = this.vars.length;
    try {
      const v = this.evalPipeline(dot, n.pipe);
      const decl = n.pipe.decl;
      // Recording: the elements of a list or map of .Values are at its path and their key.
      const over =
        this.tracker && (Array.isArray(v) || v instanceof Map)
          ? this.pipeRef(dot, n.pipe)
          : undefined;
      const dotPath = this.dotPath;
      const one = (key: GoValue, elem: GoValue): boolean => {
        const inner = this.vars.length;
        const at =
          over && (typeof key === 'string' || typeof key === 'bigint')
            ? [...over.path, typeof key === 'bigint' ? Number(key) : key]
            : undefined;
        if (decl.length === 1) this.setVarAt(decl[0], elem, n.pipe.isAssign, at);
        else if (decl.length === 2) {
          // A printed key names its entry too (`{{ $key }}:` of `range $key, $v := .Values.x`).
          this.setVarAt(
            decl[0],
            key,
            n.pipe.isAssign,
            over && typeof key === 'string' ? at : undefined,
          );
          this.setVarAt(decl[1], elem, n.pipe.isAssign, at);
        }
        if (this.tracker) this.dotPath = at;
        try {
          this.walkList(elem, n.list);
        } catch (e) {
          if (e instanceof ControlSignal) {
            if (e.kind === 'break') return false;
          } else throw e;
        } finally {
          this.vars.length = inner;
          this.dotPath = dotPath;
        }
        return true;
      };
      let ran = false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          ran = true;
          if (!one(BigInt(i), v[i])) break;
        }
      } else if (v instanceof Map) {
        for (const k of sortedKeys(v)) {
          ran = true;
          if (!one(k, v.get(k)!)) break;
        }
      } else if (typeof v === 'bigint') {
        if (decl.length > 1)
          this.errorAt(n.pos, n.pipe.text, `can't use ${v} to iterate over more than one variable`);
        for (let i = 0n; i < v; i++) {
          ran = true;
          if (!one(i, i)) break;
        }
      } else if (v instanceof Uint8Array) {
        for (let i = 0; i < v.length; i++) {
          ran = true;
          if (!one(BigInt(i), BigInt(v[i]))) break;
        }
      } else if (v !== null) {
        this.errorAt(n.pos, n.pipe.text, `range can't iterate over ${formatV(v)}`);
      }
      if (!ran && n.elseList) this.walkList(dot, n.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  /** Range variables: declared at the range's scope (pushed after the pipeline's own declaration). */
  private setVarAt(name: string, value: GoValue, assign: boolean, path?: ValuePath): void {
    if (assign) this.setVar(name, value, path);
    else this.vars.push(path ? { name, value, path } : { name, value });
  }

  private setVar(name: string, value: GoValue, path?: ValuePath): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        this.vars[i].path = path;
        return;
      }
    }
    throw new TemplateError(`undefined variable: ${name}`);
  }

  private varValue(name: string, pos: Pos): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i].name === name) return this.vars[i].value;
    return this.errorAt(pos, name, `undefined variable: ${name}`);
  }

  evalPipeline(dot: GoValue, pipe: Pipe): GoValue {
    let value: Final = MISSING;
    for (const c of pipe.cmds) value = this.evalCommand(dot, c, value);
    const v = value === MISSING ? null : value;
    // Recording: `$x := .Values.y` remembers where $x came from ($x.z is .Values.y.z).
    const path = pipe.decl.length && this.tracker ? this.pipeRef(dot, pipe)?.path : undefined;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d, v, path);
      else this.vars.push(path ? { name: d, value: v, path } : { name: d, value: v });
    }
    return v;
  }

  private evalCommand(dot: GoValue, cmd: Command, final: Final): GoValue {
    const first = cmd.args[0];
    switch (first.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, first.idents, cmd, cmd.args, final, first.text);
      case 'chain': {
        if (first.idents.length === 0) return this.evalArg(dot, first.node, cmd);
        const recv = this.evalArg(dot, first.node, cmd);
        return this.evalFieldChain(dot, recv, first.idents, cmd, cmd.args, final, first.text);
      }
      case 'identifier':
        return this.evalFunction(dot, first.name, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd, first, final);
        return this.evalPipeline(dot, first.pipe);
      case 'variable': {
        const v = this.varValue(first.name, cmd.pos);
        if (first.idents.length === 0) {
          this.notAFunction(cmd, first, final);
          return v;
        }
        return this.evalFieldChain(dot, v, first.idents, cmd, cmd.args, final, first.text);
      }
    }
    this.notAFunction(cmd, first, final);
    return this.evalArg(dot, first, cmd);
  }

  private notAFunction(cmd: Command, first: Arg, final: Final): void {
    if (cmd.args.length > 1 || final !== MISSING)
      this.errorAt(cmd.pos, cmd.text, `can't give argument to non-function ${first.text}`);
  }

  private evalArg(dot: GoValue, a: Arg, cmd: Command): GoValue {
    switch (a.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
      case 'number':
      case 'string':
        return a.value;
      case 'field':
        return this.evalFieldChain(dot, dot, a.idents, cmd, [a], MISSING, a.text);
      case 'variable': {
        const v = this.varValue(a.name, cmd.pos);
        return a.idents.length
          ? this.evalFieldChain(dot, v, a.idents, cmd, [a], MISSING, a.text)
          : v;
      }
      case 'pipe':
        return this.evalPipeline(dot, a.pipe);
      case 'chain': {
        const recv = this.evalArg(dot, a.node, cmd);
        return this.evalFieldChain(dot, recv, a.idents, cmd, [a], MISSING, a.text);
      }
      case 'identifier':
        return this.evalFunction(dot, a.name, cmd, [a], MISSING);
    }
  }

  private evalFieldChain(
    dot: GoValue,
    recv: GoValue,
    idents: string[],
    cmd: Command,
    args: Arg[],
    final: Final,
    text: string,
  ): GoValue {
    // Go: a nil that came out of a pipeline, variable or dot is an invalid value and a field of
    // it is just nil; a nil read from a map on the way (an interface{} holding nil) is an error.
    let r = recv;
    this.typedNil = false;
    const head = args.length === 1 ? args : [args[0]];
    for (let i = 0; i < idents.length - 1; i++)
      r = this.evalField(dot, idents[i], r, cmd, head, MISSING, text, this.typedNil);
    return this.evalField(dot, idents[idents.length - 1], r, cmd, args, final, text, this.typedNil);
  }

  private evalField(
    dot: GoValue,
    field: string,
    recv: GoValue,
    cmd: Command,
    args: Arg[],
    final: Final,
    text: string,
    typedNil: boolean,
  ): GoValue {
    const hasArgs = args.length > 1 || final !== MISSING;
    if (recv === null) {
      if (typedNil) this.errorAt(cmd.pos, text, `nil pointer evaluating interface {}.${field}`);
      this.typedNil = false;
      return null;
    }
    if (recv instanceof Map) {
      if (hasArgs) this.errorAt(cmd.pos, text, `${field} is not a method but has arguments`);
      const v = recv.get(field);
      this.typedNil = true;
      return v === undefined ? null : v;
    }
    this.typedNil = false;
    if (recv instanceof GoStruct) {
      const m = recv.methods[field];
      if (m) {
        const vals = args.slice(1).map((a) => this.evalArg(dot, a, cmd));
        if (final !== MISSING) vals.push(final);
        try {
          return m(vals);
        } catch (e) {
          if (isStackOverflow(e)) throw e;
          return this.errorAt(cmd.pos, text, `error calling ${field}: ${(e as Error).message}`);
        }
      }
      if (Object.prototype.hasOwnProperty.call(recv.fields, field)) {
        if (hasArgs)
          this.errorAt(cmd.pos, text, `${field} has arguments but cannot be invoked as function`);
        return recv.fields[field];
      }
      return this.errorAt(cmd.pos, text, `can't evaluate field ${field} in type ${recv.typeName}`);
    }
    return this.errorAt(cmd.pos, text, `can't evaluate field ${field} in type interface {}`);
  }

  private evalFunction(
    dot: GoValue,
    name: string,
    cmd: Command,
    args: Arg[],
    final: Final,
  ): GoValue {
    const def = this.set.funcs[name];
    const ctx = this.context(cmd.pos);
    const n = args.length - 1 + (final !== MISSING ? 1 : 0);
    if (def.arity && (n < def.arity[0] || n > def.arity[1])) {
      const want =
        def.arity[0] === def.arity[1]
          ? `${def.arity[0]}`
          : def.arity[1] === Infinity
            ? `at least ${def.arity[0]}`
            : `${def.arity[0]}-${def.arity[1]}`;
      this.errorAt(cmd.pos, name, `wrong number of args for ${name}: want ${want} got ${n}`);
    }
    if (def.nonReproducible) this.set.nonReproducibleCalls.add(name);
    try {
      if (def.lazy) {
        const thunks: (() => GoValue)[] = [];
        for (let i = 1; i < args.length; i++) {
          const a = args[i];
          thunks.push(() => this.evalArg(dot, a, cmd));
        }
        if (final !== MISSING) thunks.push(() => final);
        return def.lazy(thunks, ctx);
      }
      const vals: GoValue[] = [];
      for (let i = 1; i < args.length; i++) vals.push(this.evalArg(dot, args[i], cmd));
      if (final !== MISSING) vals.push(final);
      if (!this.tracker) return def.fn(vals, ctx);
      const rec = name === 'include' && args.length === 3 ? this.ctx?.rec : undefined;
      if (rec) rec.dotPath = this.argRef(dot, args[2])?.path;
      const before = MERGES.has(name) && vals[0] instanceof Map ? new Map(vals[0]) : undefined;
      const r = def.fn(vals, ctx);
      this.noteCall(name, dot, args, vals, r, before);
      return r;
    } catch (e) {
      if (e instanceof ControlSignal || isStackOverflow(e)) throw e;
      if (e instanceof TemplateError && /^template: /.test(e.message)) {
        // An error from a nested template (include/tpl) already names its place; Go wraps it.
        return this.errorAt(cmd.pos, name, `error calling ${name}: ${e.message}`);
      }
      return this.errorAt(cmd.pos, name, `error calling ${name}: ${(e as Error).message}`);
    }
  }

  private ctx: Context | undefined;

  /** One context per state (no function keeps it past its call): its position is the call's. */
  private context(pos: Pos): CallContext {
    const c = (this.ctx ??= new Context(
      this.set,
      pos,
      this.tracker ? { tracker: this.tracker } : undefined,
    ));
    c.pos = pos;
    return c;
  }
}

/** A function call's context: a class, so a call allocates one small object (no closures). */
class Context implements CallContext {
  constructor(
    readonly set: TemplateSet,
    public pos: Pos,
    /** When recording origins: where include leaves its spans. */
    readonly rec?: IncludeRecord,
  ) {}

  include(name: string, data: GoValue): string {
    return this.set.include(name, data, this.rec);
  }

  tpl(text: string, data: GoValue): string {
    const set = this.set;
    const c = set.clone();
    c.add('gotpl', text);
    const rec = this.rec;
    let out: string;
    let spans: OutputSpan[] | undefined;
    if (rec) ({ text: out, spans } = c.executeWithOrigins('gotpl', data, rec.tracker));
    else out = c.execute('gotpl', data);
    for (const f of c.nonReproducibleCalls) set.nonReproducibleCalls.add(f);
    const cleaned = out.replace(/<no value>/g, '');
    if (rec && spans) {
      rec.last = { text: cleaned, spans, tplSource: text };
      if (cleaned !== out) rec.last.raw = out;
      rec.tracker.noteOutput(cleaned, out, spans);
    }
    return cleaned;
  }
}

/** How an action prints its value: nil is `<no value>` (Helm later removes it), else %v. */
export function printValue(v: GoValue): string {
  if (v === null) return '<no value>';
  return formatV(v);
}
