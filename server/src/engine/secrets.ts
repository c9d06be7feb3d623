// Secrets are never shown in clear. One rule, in this file, in two layers:
//
// 1. Structure (`redactTree`, `maskSecretValues`): what is secret in a tree. The values of a
//    Secret's `data` and `stringData` and its `kubectl.kubernetes.io/last-applied-configuration`
//    annotation (which holds the whole object); values helm-controller takes from a Secret
//    (`valuesFrom` kind Secret: origin `by` naming `Secret/...`, or `origin.secret`); and
//    `${VAR}`s substituted from a Secret-backed cluster profile (the scalar's `shown` text has
//    the secret variables replaced by marks, and values parsed from such text inherit it).
//    The emitters (yaml/emit.ts: emitYaml, emitDocuments, emitJS) apply it unless told
//    `showSecrets`, so every tree that is printed is redacted by the same code; effective
//    values are masked when computed (hover, completion and diagnostics read them).
// 2. Text (`redactText`, `redactDeep`): the net at the process boundary. Every clear secret
//    value the engine reads (a Secret document parsed anywhere, a secretGenerator's sources, a
//    Secret-backed profile, a leaf of values from a Secret) is remembered here; the CLI's
//    stdout/stderr (cli/main.ts) and every message the language server writes (responses,
//    notifications, diagnostics, logs: server/src/transport.ts) and its stderr replace those
//    values, and their base64 and JSON-escaped forms, by marks. This is what keeps free text
//    (problem messages, hovers, logs) from quoting a secret, including outputs added later.
//    Messages we write ourselves do not quote Secret data anyway (schema, generators).
//
// A mark is `<secret:1a2b3c4d>` (no space: it stays one plain YAML scalar): the first 8 hex
// characters of an HMAC-SHA256 of the clear value under a random key drawn once per process.
// Two sides of a diff, the build and the values of one run, show the same mark for the same
// value and different marks for different values (a changed secret still shows as changed),
// yet a mark reveals nothing: without the key it cannot be checked against guesses, and the
// key never leaves the process. Marks differ from one run to the next.

import { createHmac, randomBytes } from 'crypto';
import { YMap, YNode, YScalar, clone, get, getString, isMap, scalar, toJS } from './yaml/node';

const KEY = randomBytes(32);
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The mark shown instead of a clear value. */
export function secretMark(clear: string): string {
  return `<secret:${createHmac('sha256', KEY).update(clear).digest('hex').slice(0, 8)}>`;
}

const MARK = /^<secret:[0-9a-f]{8}>$/;
export function isSecretMark(v: unknown): boolean {
  return typeof v === 'string' && MARK.test(v);
}

export function isSecret(n: YNode): boolean {
  return getString(n, 'kind') === 'Secret' && (getString(n, 'apiVersion') ?? 'v1') === 'v1';
}

function text(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** True when a node's value came from a Secret (valuesFrom kind Secret, or marked at its source). */
export function fromSecret(n: YNode): boolean {
  const o = n.origin;
  if (o === undefined) return false;
  return o.secret === true || (o.by !== undefined && /(^|\s)Secret\//.test(o.by));
}

/** The secret fields of a Secret object: [field, key, clear value] for data, stringData and last-applied. */
function secretFields(n: YMap): { node: YMap; key: string; clear: string }[] {
  const out: { node: YMap; key: string; clear: string }[] = [];
  for (const field of ['data', 'stringData']) {
    const m = get(n, field);
    if (isMap(m))
      for (const p of m.pairs)
        out.push({
          node: m,
          key: p.key,
          clear:
            field === 'data' && p.value.kind === 'scalar'
              ? decode(text(p.value.value))
              : p.value.kind === 'scalar'
                ? text(p.value.value)
                : JSON.stringify(toJS(p.value)),
        });
  }
  const ann = get(get(n, 'metadata'), 'annotations');
  if (isMap(ann) && get(ann, LAST_APPLIED))
    out.push({
      node: ann,
      key: LAST_APPLIED,
      clear: text((get(ann, LAST_APPLIED) as YScalar).value),
    });
  return out;
}

/**
 * A copy of `n` fit to be shown: Secret fields and secret-derived scalars replaced by marks
 * (their `overrides` too). `n` itself is not changed; a tree with nothing secret comes back as is.
 */
export function redactTree<T extends YNode>(n: T): T {
  if (!needsRedaction(n)) return n;
  const c = clone(n);
  redactInPlace(c);
  return c;
}

// Asked of every node of every object printed: plain loops, no allocation.
function needsRedaction(n: YNode): boolean {
  const overrides = n.overrides;
  if (overrides !== undefined)
    for (let i = 0; i < overrides.length; i++) if (needsRedaction(overrides[i])) return true;
  if (n.kind === 'scalar') return n.shown !== undefined || (n.value !== null && fromSecret(n));
  if (n.kind === 'map') {
    if (isSecret(n)) return true;
    const pairs = n.pairs;
    for (let i = 0; i < pairs.length; i++) if (needsRedaction(pairs[i].value)) return true;
    return false;
  }
  const items = n.items;
  for (let i = 0; i < items.length; i++) if (needsRedaction(items[i])) return true;
  return false;
}

function redactInPlace(n: YNode): void {
  if (n.overrides) n.overrides = n.overrides.map((o) => redactTree(o));
  if (n.kind === 'scalar') {
    if (n.shown !== undefined) n.value = n.shown;
    else if (n.value !== null && fromSecret(n) && !isSecretMark(n.value))
      n.value = secretMark(text(n.value));
    delete n.shown;
    return;
  }
  if (n.kind === 'map') {
    if (isSecret(n)) {
      for (const f of secretFields(n)) {
        const p = f.node.pairs.find((x) => x.key === f.key)!;
        if (p.value.kind !== 'scalar' || !isSecretMark(p.value.value))
          p.value = scalar(secretMark(f.clear), p.value.origin);
      }
    }
    for (const p of n.pairs) redactInPlace(p.value);
  } else for (const i of n.items) redactInPlace(i);
}

/** Effective values: every leaf that came from a Secret (and every such value it overrode) becomes a mark, in place. */
export function maskSecretValues(n: YNode): void {
  if (n.overrides) for (const o of n.overrides) maskSecretValues(o);
  if (n.kind === 'scalar') {
    if (n.shown !== undefined) {
      n.value = n.shown;
      delete n.shown;
    } else if (n.value !== null && fromSecret(n) && !isSecretMark(n.value)) {
      remember(text(n.value));
      n.value = secretMark(text(n.value));
    }
  } else if (n.kind === 'map') for (const p of n.pairs) maskSecretValues(p.value);
  else for (const i of n.items) maskSecretValues(i);
}

// ---- the text net -------------------------------------------------------------------------

/** Clear secret values met so far in this process (bounded; the oldest are forgotten first). */
const known = new Set<string>();
const MAX_KNOWN = 50_000;
let pattern: RegExp | null | undefined;
const byForm = new Map<string, string>();

/**
 * Whether a value is worth scrubbing from free text. Very short values and plain words
 * (`admin`, `postgres`) would erase unrelated text everywhere; they are still masked wherever
 * they appear as a Secret's field (layer 1), and messages do not quote Secret fields.
 */
function distinctive(v: string): boolean {
  if (v.length < 6) return false;
  if (v.length < 16 && /^[A-Za-z][A-Za-z._-]*$/.test(v)) return false;
  return !/^(true|false|null)$/i.test(v);
}

/**
 * Remembers a clear secret value; of a multi-line value (a key file, a values text), also each
 * line that is one long token (not `key: value` lines, whose leaves are remembered on their own).
 */
export function remember(clear: string): void {
  const lines = clear.includes('\n')
    ? clear.split(/\r?\n/).filter((l) => /^[A-Za-z0-9+/=_.-]{16,}$/.test(l.trim()))
    : [];
  for (const v of [clear, ...lines]) {
    const t = v.trim();
    if (!distinctive(t) || known.has(t)) continue;
    if (known.size >= MAX_KNOWN) known.delete(known.values().next().value as string);
    known.add(t);
    pattern = undefined;
  }
}

/** Remembers the secret fields of a document when it is a Secret (called where documents are read). */
export function rememberDocument(n: YNode | undefined): void {
  if (!n || n.kind !== 'map' || !isSecret(n)) return;
  for (const f of secretFields(n)) {
    remember(f.clear);
    const raw = get(f.node, f.key);
    if (raw?.kind === 'scalar') remember(text(raw.value));
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(): RegExp | null {
  byForm.clear();
  for (const v of known) {
    const forms = [
      v,
      Buffer.from(v).toString('base64').replace(/=+$/, ''),
      JSON.stringify(v).slice(1, -1),
      JSON.stringify(JSON.stringify(v).slice(1, -1)).slice(1, -1),
    ];
    for (const f of forms) if (f.length >= 6 && !byForm.has(f)) byForm.set(f, v);
  }
  if (byForm.size === 0) return null;
  const alternatives = [...byForm.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
  return new RegExp(alternatives.join('|'), 'g');
}

/** `s` with every known secret value (clear, base64, JSON-escaped) replaced by its mark. */
export function redactText(s: string): string {
  if (pattern === undefined) pattern = compile();
  if (!pattern || s.length < 6) return s;
  return s.replace(pattern, (m) => secretMark(byForm.get(m) ?? m));
}

/** A copy of a JSON-like value with `redactText` applied to every string (keys included); `v` itself when nothing matches. */
export function redactDeep<T>(v: T): T {
  if (pattern === undefined) pattern = compile();
  if (!pattern) return v;
  // One pass over the JSON text first (the escaped forms are known too): most messages hold no secret.
  pattern.lastIndex = 0;
  const hit = pattern.test(JSON.stringify(v) ?? '');
  pattern.lastIndex = 0;
  return hit ? walkRedact(v) : v;
}

function walkRedact<T>(v: T): T {
  if (typeof v === 'string') return redactText(v) as T;
  if (Array.isArray(v)) return v.map(walkRedact) as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      o[redactText(k)] = walkRedact(x);
    return o as T;
  }
  return v;
}

/** For tests: forget every remembered value. */
export function forgetSecrets(): void {
  known.clear();
  pattern = undefined;
}
