// Which values a chart's templates read, and where: a static walk of every template's parse
// tree (subcharts and library charts included), so the editor can say which template lines
// read a values key, go there, and hint at a key no template reads, without rendering.
//
// A read is a path of the chart tree's root values (a subchart's `.Values.x` is `<sub>.x`;
// `.Values.global.x` is `global.x` wherever it is read) and how it is used:
// - `field`: the path itself is read (`.Values.a.b` printed, or tested in `if`/`with`/`default`);
// - `whole`: what is below it is read too, in ways the walk does not follow (`toYaml .Values.a`,
//   `range $k, $v := .Values.a`, `index .Values.a $key`, `tpl`, `merge`, a value passed to a
//   function or to `include`);
// Paths carry `*` for "any key or index" (inside `range .Values.list`, `.name` is `list.*.name`).
// Dot is followed through `with` and `range` over values; inside a define it is unknown unless
// the define is given `.`/`$` (the root context), the common case of helpers; as a define can be
// called from any chart of the tree (library charts), its reads count for every chart. A string
// that looks like a values path (`"auth.password"`) counts as a read of it. So the answer is
// a good approximation, not a proof: a key read only through a variable holding a values map
// (`$x := .Values.a` then `$x.b`) counts as read through `a` (whole).
// Subchart `condition` paths and `tags` in Chart.yaml are read by Helm itself.

import * as path from 'path';
import { Arg, Command, Node, Pipe } from '../template/ast';
import { helmFuncs } from '../template/funcs';
import { parseTemplate } from '../template/parse';
import { Chart } from './chart';

export type ReadSeg = string;

export interface ValueRead {
  path: ReadSeg[];
  whole: boolean;
  /** Template path inside the chart tree (`redis/charts/common/templates/_helpers.tpl`) or `Chart.yaml`. */
  template: string;
  /** Absolute file of the template when the chart is a folder (`source` + name), else undefined. */
  file?: string;
  line: number;
  col: number;
}

/** Functions that only test or pass through their argument: reading it reads the path, not what is below. */
const TESTS = new Set([
  'not',
  'and',
  'or',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'default',
  'empty',
  'required',
  'ternary',
  'coalesce',
  'kindIs',
  'typeIs',
  'kindOf',
  'typeOf',
  'len',
  'fail',
]);

/** What dot is: the root context (undefined), a values path (`[]` is `.Values`), or unknown (null). */
type DotPath = ReadSeg[] | undefined | null;

interface Ctx {
  chartPrefix: ReadSeg[];
  /** In a define: dot is the caller's, which can be any chart of the tree (library helpers). */
  anyChart?: ReadSeg[][];
  template: string;
  file?: string;
  out: ValueRead[];
  /** Variables bound to values paths (`$pdb := coalesce .Values.pdb .Values.master.pdb`). */
  vars: Map<string, ReadSeg[][]>;
  /** The values paths the last `default`/`coalesce`/`ternary`/`required` call could return. */
  candidates?: ReadSeg[][];
}

const cache = new WeakMap<Chart, ValueRead[]>();

// The editor reloads a chart folder after every edit of the workspace (its files may have
// changed): parse each template text once, so a reload costs reading the files.
const parses = new Map<string, ReturnType<typeof parseTemplate> | null>();
const PARSES_MAX = 5000;

function parsedTemplate(name: string, text: string): ReturnType<typeof parseTemplate> | null {
  const key = `${name}\u0000${text}`;
  let r = parses.get(key);
  if (r === undefined) {
    try {
      r = parseTemplate(name, text, (f) => Object.prototype.hasOwnProperty.call(helmFuncs, f));
    } catch {
      r = null;
    }
    if (parses.size >= PARSES_MAX) parses.clear();
    parses.set(key, r);
  }
  return r;
}

/** Every values read of `chart` and its subcharts (cached per chart object). */
export function valueReads(chart: Chart): ValueRead[] {
  let r = cache.get(chart);
  if (!r) {
    r = [];
    const prefixes: ReadSeg[][] = [];
    const gather = (c: Chart, prefix: ReadSeg[]) => {
      prefixes.push(prefix);
      for (const sub of c.dependencies) {
        const decl = c.declared.filter((d) => d.name === sub.name);
        for (const n of new Set(decl.length ? decl.map((d) => d.alias ?? sub.name) : [sub.name]))
          gather(sub, [...prefix, n]);
      }
    };
    gather(chart, []);
    collectChart(chart, [], chart.name, r, prefixes);
    cache.set(chart, r);
  }
  return r;
}

function collectChart(
  chart: Chart,
  prefix: ReadSeg[],
  fullPath: string,
  out: ValueRead[],
  prefixes: ReadSeg[][],
): void {
  const folder = chart.source.includes('.tgz') ? undefined : chart.source;
  for (const t of chart.templates) {
    const name = path.posix.join(fullPath, t.name);
    const parsed = parsedTemplate(name, t.data.toString('utf8'));
    if (!parsed) continue; // a template that does not parse is reported by rendering
    const ctx: Ctx = {
      chartPrefix: prefix,
      template: name,
      file: folder ? path.posix.join(folder, t.name) : undefined,
      out,
      vars: new Map(),
    };
    walkList(ctx, parsed.main.root, undefined);
    for (const d of parsed.defines)
      walkList({ ...ctx, anyChart: prefixes, vars: new Map() }, d.root, undefined);
  }
  for (const d of chart.declared) {
    for (const c of (d.condition ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      out.push({
        path: [...prefix, ...c.split('.')],
        whole: false,
        template: path.posix.join(fullPath, 'Chart.yaml'),
        file: folder ? path.posix.join(folder, 'Chart.yaml') : undefined,
        line: 1,
        col: 1,
      });
    }
    for (const tag of d.tags ?? [])
      out.push({
        path: ['tags', tag],
        whole: false,
        template: path.posix.join(fullPath, 'Chart.yaml'),
        file: folder ? path.posix.join(folder, 'Chart.yaml') : undefined,
        line: 1,
        col: 1,
      });
  }
  for (const sub of chart.dependencies) {
    const decl = chart.declared.filter((d) => d.name === sub.name);
    const names = decl.length ? decl.map((d) => d.alias ?? sub.name) : [sub.name];
    for (const n of new Set(names))
      collectChart(sub, [...prefix, n], `${fullPath}/charts/${sub.name}`, out, prefixes);
  }
}

function record(ctx: Ctx, p: ReadSeg[], whole: boolean, line: number, col: number): void {
  // `.Values.global.x` is the root's global.x in every chart of the tree.
  if (p[0] === 'global') {
    ctx.out.push({ path: p, whole, template: ctx.template, file: ctx.file, line, col });
    return;
  }
  for (const prefix of ctx.anyChart ?? [ctx.chartPrefix])
    ctx.out.push({
      path: [...prefix, ...p],
      whole,
      template: ctx.template,
      file: ctx.file,
      line,
      col,
    });
}

function walkList(ctx: Ctx, nodes: Node[], dot: DotPath): void {
  for (const n of nodes) walk(ctx, n, dot);
}

function walk(ctx: Ctx, n: Node, dot: DotPath): void {
  switch (n.kind) {
    case 'action': {
      ctx.candidates = undefined;
      const r = pipe(ctx, n.pipe, dot, n.pipe.decl.length ? 'test' : 'print');
      const bound = ctx.candidates ?? (r ? [r] : []);
      for (const d of n.pipe.decl) {
        if (bound.length) ctx.vars.set(d, bound);
        else ctx.vars.delete(d);
      }
      return;
    }
    case 'if':
      pipe(ctx, n.pipe, dot, 'test');
      walkList(ctx, n.list, dot);
      if (n.elseList) walkList(ctx, n.elseList, dot);
      return;
    case 'with': {
      const inner = pipe(ctx, n.pipe, dot, 'test');
      walkList(ctx, n.list, inner ?? null);
      if (n.elseList) walkList(ctx, n.elseList, dot);
      return;
    }
    case 'range': {
      // Without variables the body reads through dot, which the walk follows; with `$k, $v :=`
      // it reads through variables, which it does not: then everything below counts as read.
      const over = pipe(ctx, n.pipe, dot, n.pipe.decl.length ? 'range' : 'test');
      walkList(ctx, n.list, over ? [...over, '*'] : null);
      if (n.elseList) walkList(ctx, n.elseList, dot);
      return;
    }
    case 'template':
      if (n.pipe) pipe(ctx, n.pipe, dot, 'whole');
      return;
    default:
      return;
  }
}

type Use = 'print' | 'test' | 'range' | 'whole';

/** Records the reads of a pipeline; returns the values path it evaluates to when it is one. */
function pipe(ctx: Ctx, p: Pipe, dot: DotPath, use: Use): ReadSeg[] | undefined {
  let result: ReadSeg[] | undefined;
  p.cmds.forEach((c, i) => {
    // A command's value flows into the next one as its last argument (a function call).
    const next = p.cmds[i + 1]?.args[0];
    const flowUse: Use =
      next === undefined
        ? use
        : next.kind === 'identifier' && TESTS.has(next.name)
          ? 'test'
          : 'whole';
    result = command(ctx, c, dot, flowUse);
  });
  return result ?? undefined;
}

function command(ctx: Ctx, c: Command, dot: DotPath, use: Use): ReadSeg[] | undefined {
  const first = c.args[0];
  if (first.kind === 'identifier') {
    const fn = first.name;
    const args = c.args.slice(1);
    if (fn === 'index' && args.length >= 1) {
      const base = valuePath(args[0], dot);
      const keys = args.slice(1);
      if (base && keys.every((k) => k.kind === 'string' || k.kind === 'number')) {
        const p = [...base, ...keys.map((k) => String((k as { value: unknown }).value))];
        record(ctx, p, use !== 'test', c.pos.line, c.pos.col);
        return p;
      }
      if (base) record(ctx, base, true, c.pos.line, c.pos.col);
      for (const k of keys) arg(ctx, k, dot, 'whole', c);
      return undefined;
    }
    if ((fn === 'hasKey' || fn === 'get') && args.length === 2 && args[1].kind === 'string') {
      const base = valuePath(args[0], dot);
      if (base) {
        record(ctx, [...base, args[1].value], fn === 'get', c.pos.line, c.pos.col);
        return fn === 'get' ? [...base, args[1].value] : undefined;
      }
    }
    if (fn === 'dig' && args.length >= 3 && args.slice(0, -2).every((a) => a.kind === 'string')) {
      const base = valuePath(args[args.length - 1], dot);
      if (base) {
        record(
          ctx,
          [...base, ...args.slice(0, -2).map((a) => (a as { value: string }).value)],
          true,
          c.pos.line,
          c.pos.col,
        );
        arg(ctx, args[args.length - 2], dot, 'whole', c);
        return undefined;
      }
    }
    const argUse: Use = TESTS.has(fn) ? 'test' : 'whole';
    const passes = fn === 'default' || fn === 'required' || fn === 'coalesce' || fn === 'ternary';
    const paths: ReadSeg[][] = [];
    for (const a of args) {
      const r = arg(ctx, a, dot, argUse, c);
      if (r && passes) paths.push(r);
    }
    if (passes && paths.length) {
      ctx.candidates = paths;
      return paths[paths.length - 1];
    }
    return undefined;
  }
  return arg(ctx, first, dot, use, c);
}

/** The values path an argument names (`.Values.a`, `$.Values.a`, `.a` with dot inside values). */
function valuePath(a: Arg, dot: DotPath): ReadSeg[] | undefined {
  if (a.kind === 'field') {
    if (dot === undefined) return a.idents[0] === 'Values' ? a.idents.slice(1) : undefined;
    return dot === null ? undefined : [...dot, ...a.idents];
  }
  if (a.kind === 'variable' && a.name === '$' && a.idents[0] === 'Values') return a.idents.slice(1);
  if (a.kind === 'dot' && Array.isArray(dot)) return dot;
  return undefined;
}

const DOTTED = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)+$/;

function arg(ctx: Ctx, a: Arg, dot: DotPath, use: Use, c: Command): ReadSeg[] | undefined {
  if (a.kind === 'pipe') return pipe(ctx, a.pipe, dot, use);
  if (a.kind === 'string' && DOTTED.test(a.value)) {
    // A values path named in a string (Bitnami's `"auth.password"` handed to a helper that
    // looks it up): read, by any chart of the tree.
    record(
      { ...ctx, anyChart: ctx.anyChart ?? [ctx.chartPrefix] },
      a.value.split('.'),
      false,
      c.pos.line,
      c.pos.col,
    );
    return undefined;
  }
  if (a.kind === 'chain' && a.node.kind === 'pipe') {
    const base = pipe(ctx, a.node.pipe, dot, 'test');
    if (base) {
      const p = [...base, ...a.idents];
      record(ctx, p, use === 'whole' || use === 'range', c.pos.line, c.pos.col);
      return p;
    }
    return undefined;
  }
  if (a.kind === 'variable' && ctx.vars.has(a.name)) {
    const bases = ctx.vars.get(a.name)!;
    for (const b of bases)
      record(ctx, [...b, ...a.idents], use === 'whole' || use === 'range', c.pos.line, c.pos.col);
    return [...bases[bases.length - 1], ...a.idents];
  }
  const p = valuePath(a, dot);
  if (!p) return undefined;
  if (p.length === 0) {
    // `.Values` itself (or dot at the values root) as a whole: everything may be read.
    if (use === 'whole' || use === 'range') record(ctx, [], true, c.pos.line, c.pos.col);
    return p;
  }
  record(ctx, p, use === 'whole' || use === 'range', c.pos.line, c.pos.col);
  return p;
}

function matches(pattern: ReadSeg[], key: readonly (string | number)[], n: number): boolean {
  for (let i = 0; i < n; i++) if (pattern[i] !== '*' && pattern[i] !== String(key[i])) return false;
  return true;
}

/** The reads of `key` (a values path): exact reads, reads below it, and whole reads above it. */
export function readsOf(
  reads: readonly ValueRead[],
  key: readonly (string | number)[],
): ValueRead[] {
  return reads.filter((r) => {
    if (r.path.length >= key.length) return matches(r.path, key, key.length);
    return r.whole && matches(r.path, key, r.path.length);
  });
}

/** True when some template (or Helm itself) reads `key` or something below or around it. */
export function isRead(reads: readonly ValueRead[], key: readonly (string | number)[]): boolean {
  return readsOf(reads, key).length > 0;
}
