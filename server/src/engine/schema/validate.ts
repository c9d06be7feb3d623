// Validates a YAML document (our origin-carrying tree) against a resolved JSON Schema.
//
// Why our own validator rather than ajv on toJS(): problems must sit on the exact key or value
// that is wrong, messages must name fields the way users write them, and a kustomize patch must
// be checked for unknown fields and wrong types while required fields are not expected at all,
// even inside anyOf/oneOf branches. ajv is used by the tests to check that our schema files are
// valid JSON Schema.

import type { Origin, YMap, YNode } from '../yaml/node';
import { LAST_APPLIED, isSecret, secretMark } from '../secrets';
import { toJS } from '../yaml/node';
import { closest } from './suggest';
import { JsonSchema, SchemaProblem, problemAt } from './types';

export interface ValidateOptions {
  /** The document is a kustomize patch: required fields are not expected anywhere. */
  partial: boolean;
  /** What the document is, for messages ("HelmRelease"); the schema's title when left out. */
  label?: string;
  /** File name for problems on nodes that carry no origin. */
  file?: string;
}

type Path = (string | number)[];

interface Ctx {
  partial: boolean;
  label: string;
  file: string;
  /** The document is a Secret: its data never appears in messages (engine/secrets.ts). */
  secret: boolean;
}

export function validateDocument(
  root: YNode,
  schema: JsonSchema,
  options: ValidateOptions,
): SchemaProblem[] {
  const ctx: Ctx = {
    partial: options.partial,
    label: options.label ?? schema.title ?? 'document',
    file: options.file ?? root.origin?.file ?? '',
    secret: isSecret(root),
  };
  return validateNode(root, schema, [], undefined, ctx);
}

function where(ctx: Ctx, path: Path): string {
  if (path.length === 0) return ctx.label;
  return `${ctx.label} ${pathText(path)}`;
}

export function pathText(path: Path): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

/** "`kind` in HelmRelease spec.valuesFrom[0]": the field as written, and where it sits. */
function subject(ctx: Ctx, path: Path): string {
  let i = path.length - 1;
  while (i >= 0 && typeof path[i] !== 'string') i--;
  if (i < 0) return `${pathText(path) || 'the document'} of ${ctx.label}`;
  return `\`${pathText(path.slice(i))}\` in ${where(ctx, path.slice(0, i))}`;
}

export function nodeType(n: YNode): string {
  if (n.kind === 'map') return 'object';
  if (n.kind === 'seq') return 'array';
  const v = n.value;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}

const ARTICLE: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  null: 'null',
};

function allowedTypes(s: JsonSchema): string[] | undefined {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string'];
  if (s.type === undefined) return undefined;
  return Array.isArray(s.type) ? s.type : [s.type];
}

function typeMatches(actual: string, allowed: string[]): boolean {
  return allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
}

function shown(n: YNode, ctx: Ctx, path: Path): string {
  if (n.kind !== 'scalar') return nodeType(n) === 'object' ? 'a map' : 'a list';
  const t = nodeType(n);
  return `${t === 'boolean' ? 'a boolean' : ARTICLE[t]} (\`${quoted(String(n.value), ctx, path)}\`)`;
}

/** A value as messages quote it: a mark for the data of a Secret. */
function quoted(text: string, ctx: Ctx, path: Path): string {
  if (!ctx.secret) return text;
  const secretField =
    path[0] === 'data' ||
    path[0] === 'stringData' ||
    (path[0] === 'metadata' && path[1] === 'annotations' && path[2] === LAST_APPLIED);
  return secretField ||
    path.length === 0 ||
    (path.length === 1 && path[0] === 'metadata') ||
    (path.length === 2 && path[1] === 'annotations')
    ? secretMark(text)
    : text;
}

/** A string Flux fills in later (`${VAR}`): its final type and format are unknown here. */
function isSubstituted(n: YNode): boolean {
  return n.kind === 'scalar' && typeof n.value === 'string' && n.value.includes('${');
}

/** Keys kustomize's strategic merge reads as directives (`$patch`, `$setElementOrder/...`). */
function isPatchDirective(key: string): boolean {
  return key.startsWith('$');
}

function validateNode(
  n: YNode,
  s: JsonSchema,
  path: Path,
  keyOrigin: Origin | undefined,
  ctx: Ctx,
): SchemaProblem[] {
  // An empty value (`key:`) reads as "not set" for Kubernetes and deletes the key in a patch.
  if (n.kind === 'scalar' && n.value === null) return [];
  const out: SchemaProblem[] = [];
  const substituted = isSubstituted(n);

  const types = allowedTypes(s);
  const actual = nodeType(n);
  if (
    types &&
    !typeMatches(actual, types) &&
    !(substituted && !types.includes('object') && !types.includes('array'))
  ) {
    const expected = types
      .filter((t) => t !== 'null')
      .map((t) => ARTICLE[t] ?? t)
      .join(' or ');
    out.push(
      problemAt(n.origin, ctx.file, {
        severity: 'error',
        code: 'schema-type',
        path,
        message: `${subject(ctx, path)} must be ${expected}, not ${shown(n, ctx, path)}`,
      }),
    );
    return out;
  }

  if (n.kind === 'scalar' && !substituted) checkScalar(n.value, n, s, path, ctx, out);
  if (n.kind === 'seq') {
    if (s.minItems !== undefined && n.items.length < s.minItems)
      out.push(
        problemAt(n.origin, ctx.file, {
          severity: 'error',
          code: 'schema-length',
          path,
          message: `${subject(ctx, path)} needs at least ${s.minItems} item(s)`,
        }),
      );
    if (s.maxItems !== undefined && n.items.length > s.maxItems)
      out.push(
        problemAt(n.origin, ctx.file, {
          severity: 'error',
          code: 'schema-length',
          path,
          message: `${subject(ctx, path)} takes at most ${s.maxItems} item(s)`,
        }),
      );
    n.items.forEach((item, i) => {
      const itemSchema = Array.isArray(s.items) ? s.items[i] : s.items;
      if (itemSchema) out.push(...validateNode(item, itemSchema, [...path, i], undefined, ctx));
    });
  }
  if (n.kind === 'map') checkMap(n, s, path, keyOrigin, ctx, out);

  for (const sub of s.allOf ?? []) out.push(...validateNode(n, sub, path, keyOrigin, ctx));
  if (s.anyOf) out.push(...bestBranch(n, s.anyOf, path, keyOrigin, ctx));
  if (s.oneOf) out.push(...bestBranch(n, s.oneOf, path, keyOrigin, ctx));
  if (s.if && (s.then || s.else)) {
    // A condition is a test, not a demand: its required fields count even in a patch.
    const holds = validateNode(n, s.if, path, keyOrigin, { ...ctx, partial: false }).length === 0;
    const branch = holds ? s.then : s.else;
    if (branch) out.push(...validateNode(n, branch, path, keyOrigin, ctx));
  }
  return out;
}

function checkScalar(
  v: unknown,
  n: YNode,
  s: JsonSchema,
  path: Path,
  ctx: Ctx,
  out: SchemaProblem[],
): void {
  const at = (code: SchemaProblem['code'], message: string, suggestion?: string) =>
    out.push(
      problemAt(n.origin, ctx.file, {
        severity: 'error',
        code,
        path,
        message,
        ...(suggestion !== undefined ? { data: { suggestion } } : {}),
      }),
    );
  const name = subject(ctx, path);
  const q = (x: unknown) => quoted(String(x), ctx, path);
  if (s.const !== undefined && v !== s.const) {
    at(
      'schema-const',
      s['x-message']
        ? `${s['x-message']}, not \`${q(v)}\``
        : `${name} must be \`${String(s.const)}\`, not \`${q(v)}\``,
      String(s.const),
    );
  }
  if (s.enum && !s.enum.some((e) => e === v)) {
    const options = s.enum.filter((e) => e !== null).map(String);
    const guess = typeof v === 'string' ? closest(v, options) : undefined;
    at(
      'schema-enum',
      `${name} must be one of ${options.map((o) => `\`${o}\``).join(', ')}; got \`${q(v)}\`${guess ? `. Did you mean \`${guess}\`?` : ''}`,
      guess,
    );
  }
  if (typeof v === 'string') {
    if (s.pattern !== undefined && !safeRegExp(s.pattern)?.test(v)) {
      at(
        'schema-pattern',
        `${name} must be ${s['x-format-hint'] ?? `text matching \`${s.pattern}\``}; got \`${q(v)}\``,
      );
    }
    if (s.minLength !== undefined && [...v].length < s.minLength)
      at(
        'schema-length',
        s.minLength === 1
          ? `${name} must not be empty`
          : `${name} must be at least ${s.minLength} characters long`,
      );
    if (s.maxLength !== undefined && [...v].length > s.maxLength)
      at(
        'schema-length',
        `${name} must be at most ${s.maxLength} characters long (it has ${[...v].length})`,
      );
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum)
      at('schema-range', `${name} must be at least ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum)
      at('schema-range', `${name} must be at most ${s.maximum}`);
  }
}

const regexCache = new Map<string, RegExp | undefined>();
function safeRegExp(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    let r: RegExp | undefined;
    try {
      r = new RegExp(pattern, 'u');
    } catch {
      try {
        r = new RegExp(pattern);
      } catch {
        r = undefined;
      }
    }
    regexCache.set(pattern, r);
  }
  return regexCache.get(pattern);
}

/** Every property name a schema declares, through allOf/anyOf/oneOf/if-then-else (for suggestions and unknown-field checks). */
export function declaredProperties(
  s: JsonSchema,
  into = new Set<string>(),
  seen = new Set<JsonSchema>(),
): Set<string> {
  if (seen.has(s)) return into;
  seen.add(s);
  for (const k of Object.keys(s.properties ?? {})) into.add(k);
  for (const sub of [
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    ...(s.then ? [s.then] : []),
    ...(s.else ? [s.else] : []),
  ])
    declaredProperties(sub, into, seen);
  return into;
}

function checkMap(
  n: YMap,
  s: JsonSchema,
  path: Path,
  keyOrigin: Origin | undefined,
  ctx: Ctx,
  out: SchemaProblem[],
): void {
  const props = s.properties ?? {};
  const patterns = Object.entries(s.patternProperties ?? {}).map(
    ([p, sub]) => [safeRegExp(p), sub] as const,
  );
  const closed = s.additionalProperties === false && !s['x-kubernetes-preserve-unknown-fields'];
  for (const pair of n.pairs) {
    if (ctx.partial && isPatchDirective(pair.key)) continue;
    const childPath = [...path, pair.key];
    let matched = false;
    const own = Object.prototype.hasOwnProperty.call(props, pair.key) ? props[pair.key] : undefined;
    if (own) {
      matched = true;
      out.push(...validateNode(pair.value, own, childPath, pair.keyOrigin, ctx));
    }
    for (const [re, sub] of patterns) {
      if (re?.test(pair.key)) {
        matched = true;
        out.push(...validateNode(pair.value, sub, childPath, pair.keyOrigin, ctx));
      }
    }
    if (matched) continue;
    if (typeof s.additionalProperties === 'object') {
      out.push(...validateNode(pair.value, s.additionalProperties, childPath, pair.keyOrigin, ctx));
    } else if (closed && !declaredProperties(s).has(pair.key)) {
      const guess = closest(pair.key, declaredProperties(s));
      out.push(
        problemAt(pair.keyOrigin ?? n.origin, ctx.file, {
          severity: 'error',
          code: 'schema-unknown-field',
          path: childPath,
          message: `unknown field \`${pair.key}\` in ${where(ctx, path)}${guess ? `; did you mean \`${guess}\`?` : ''}`,
          ...(guess ? { data: { suggestion: guess } } : {}),
        }),
      );
    }
  }
  if (ctx.partial) return;
  const missing = (s.required ?? []).filter(
    (r) =>
      !n.pairs.some((p) => p.key === r && !(p.value.kind === 'scalar' && p.value.value === null)),
  );
  if (missing.length > 0) {
    const anchor = keyOrigin ?? n.pairs[0]?.keyOrigin ?? n.origin;
    const list = missing.map((m) => `\`${m}\``).join(', ');
    out.push(
      problemAt(anchor, ctx.file, {
        severity: 'error',
        code: 'schema-required',
        path,
        message: `missing required field${missing.length > 1 ? 's' : ''} ${list} in ${where(ctx, path)}`,
      }),
    );
  }
}

/** anyOf/oneOf: fine when some branch fits; otherwise report the branch that fits best. */
function bestBranch(
  n: YNode,
  branches: JsonSchema[],
  path: Path,
  keyOrigin: Origin | undefined,
  ctx: Ctx,
): SchemaProblem[] {
  let best: SchemaProblem[] | undefined;
  let bestScore = Infinity;
  for (const b of branches) {
    const problems = validateNode(n, b, path, keyOrigin, ctx);
    if (problems.length === 0) return [];
    // A branch of the right shape (map vs list vs scalar) explains the mistake better than one that fails on type.
    const wrongShape = problems.some(
      (p) => p.code === 'schema-type' && p.path.length === path.length,
    );
    const score = problems.length + (wrongShape ? 1000 : 0);
    if (score < bestScore) {
      best = problems;
      bestScore = score;
    }
  }
  if (best && bestScore >= 1000) {
    const label = subject(ctx, path);
    return [
      problemAt(n.origin, ctx.file, {
        severity: 'error',
        code: 'schema-no-match',
        path,
        message: `${label} matches none of the accepted forms (${quoted(JSON.stringify(toJS(n)), ctx, path).slice(0, 60)})`,
      }),
    ];
  }
  return best ?? [];
}
