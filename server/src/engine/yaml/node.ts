// The engine's document model: a YAML tree in which every node remembers where it came from.
//
// Why our own tree instead of the `yaml` package's Document: the kustomize pipeline copies,
// merges and patches subtrees between documents of different files, and every value it outputs
// must still say which file and line it came from and which step last set it. Plain objects
// with an `origin` are cheap to clone and merge; the `yaml` package stays at the edges
// (parse.ts reads it, emit.ts writes it).

/** Where a node was written, and which step of the build last set it. Lines and columns are 1-based. */
export interface Origin {
  /** Absolute path of the source file (or a `git:<ref>:<path>`-style path for git trees). */
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  /**
   * What last set this node when it was not simply read from `file`: e.g.
   * `patch components/podinfo/production/podinfo-values.yaml`, `configMapGenerator`,
   * `namespace`, `valuesFrom[0] ConfigMap/podinfo-values`. Absent for nodes read as-is.
   */
  by?: string;
  /** The value derived from a secret (see engine/secrets.ts): shown only as a mark unless asked. */
  secret?: boolean;
}

export type Scalar = null | boolean | number | string;

export interface YScalar {
  kind: 'scalar';
  value: Scalar;
  origin?: Origin;
  /** Previous values this node replaced while merging layers, most recent first. */
  overrides?: YNode[];
  /**
   * What to show instead of `value` when secrets are hidden: set where part of the value comes
   * from a secret (a `${VAR}` from a Secret-backed profile becomes a mark). See engine/secrets.ts.
   */
  shown?: Scalar;
}

export interface YPair {
  key: string;
  keyOrigin?: Origin;
  value: YNode;
}

export interface YMap {
  kind: 'map';
  pairs: YPair[];
  origin?: Origin;
  overrides?: YNode[];
}

export interface YSeq {
  kind: 'seq';
  items: YNode[];
  origin?: Origin;
  overrides?: YNode[];
}

export type YNode = YScalar | YMap | YSeq;

export function scalar(value: Scalar, origin?: Origin): YScalar {
  return origin ? { kind: 'scalar', value, origin } : { kind: 'scalar', value };
}

export function map(pairs: YPair[] = [], origin?: Origin): YMap {
  return origin ? { kind: 'map', pairs, origin } : { kind: 'map', pairs };
}

export function seq(items: YNode[] = [], origin?: Origin): YSeq {
  return origin ? { kind: 'seq', items, origin } : { kind: 'seq', items };
}

export function isMap(n: YNode | undefined): n is YMap {
  return n !== undefined && n.kind === 'map';
}

export function isSeq(n: YNode | undefined): n is YSeq {
  return n !== undefined && n.kind === 'seq';
}

export function isScalar(n: YNode | undefined): n is YScalar {
  return n !== undefined && n.kind === 'scalar';
}

export function isNull(n: YNode | undefined): boolean {
  return n !== undefined && n.kind === 'scalar' && n.value === null;
}

/** The value of `key` in a map node, or undefined. */
export function get(n: YNode | undefined, key: string): YNode | undefined {
  if (!n || n.kind !== 'map') return undefined;
  for (const p of n.pairs) if (p.key === key) return p.value;
  return undefined;
}

export function getPair(n: YMap, key: string): YPair | undefined {
  for (const p of n.pairs) if (p.key === key) return p;
  return undefined;
}

/** Follows a path of map keys and list indexes. */
export function getPath(
  n: YNode | undefined,
  path: readonly (string | number)[],
): YNode | undefined {
  let cur = n;
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') {
      if (cur.kind !== 'seq') return undefined;
      cur = cur.items[seg];
    } else {
      cur = get(cur, seg);
    }
  }
  return cur;
}

/** The string value of a scalar at `key`, or undefined when absent or not a scalar. */
export function getString(n: YNode | undefined, key: string): string | undefined {
  const v = get(n, key);
  if (!v || v.kind !== 'scalar' || v.value === null) return undefined;
  return String(v.value);
}

/** Sets (or appends) `key` in a map node. */
export function set(n: YMap, key: string, value: YNode, keyOrigin?: Origin): void {
  for (const p of n.pairs) {
    if (p.key === key) {
      p.value = value;
      return;
    }
  }
  n.pairs.push(keyOrigin ? { key, value, keyOrigin } : { key, value });
}

export function remove(n: YMap, key: string): boolean {
  const i = n.pairs.findIndex((p) => p.key === key);
  if (i < 0) return false;
  n.pairs.splice(i, 1);
  return true;
}

/** Deep copy. Origins are shared (they are never mutated in place). */
export function clone<T extends YNode>(n: T): T {
  switch (n.kind) {
    case 'scalar': {
      const c: YScalar = { kind: 'scalar', value: n.value };
      if (n.origin) c.origin = n.origin;
      if (n.shown !== undefined) c.shown = n.shown;
      if (n.overrides) c.overrides = n.overrides.slice();
      return c as T;
    }
    case 'map': {
      const c: YMap = {
        kind: 'map',
        pairs: n.pairs.map((p) =>
          p.keyOrigin
            ? { key: p.key, keyOrigin: p.keyOrigin, value: clone(p.value) }
            : { key: p.key, value: clone(p.value) },
        ),
      };
      if (n.origin) c.origin = n.origin;
      if (n.overrides) c.overrides = n.overrides.slice();
      return c as T;
    }
    case 'seq': {
      const c: YSeq = { kind: 'seq', items: n.items.map((i) => clone(i)) };
      if (n.origin) c.origin = n.origin;
      if (n.overrides) c.overrides = n.overrides.slice();
      return c as T;
    }
  }
}

/** Plain JavaScript value of a node (maps become objects with keys in order). */
/**
 * `o[key] = value` for a key read from a file: `__proto__` becomes an own property, as every
 * other key, instead of replacing the object's prototype (what a plain assignment would do).
 */
export function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

export function toJS(n: YNode | undefined): unknown {
  if (!n) return undefined;
  switch (n.kind) {
    case 'scalar':
      return n.value;
    case 'seq':
      return n.items.map(toJS);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const p of n.pairs) setOwn(o, p.key, toJS(p.value));
      return o;
    }
  }
}

/** Builds a node tree from a plain value; every node gets `origin` when given. */
export function fromJS(v: unknown, origin?: Origin): YNode {
  if (v === null || v === undefined) return scalar(null, origin);
  if (Array.isArray(v))
    return seq(
      v.map((x) => fromJS(x, origin)),
      origin,
    );
  if (typeof v === 'object') {
    return map(
      Object.entries(v as Record<string, unknown>).map(([key, value]) => ({
        key,
        value: fromJS(value, origin),
      })),
      origin,
    );
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return scalar(v, origin);
  return scalar(String(v), origin);
}

/** Sets `by` on a node and all its descendants (a step that wrote a whole subtree). */
export function stamp(n: YNode, by: string): void {
  if (n.origin) n.origin = { ...n.origin, by };
  if (n.kind === 'map') for (const p of n.pairs) stamp(p.value, by);
  else if (n.kind === 'seq') for (const i of n.items) stamp(i, by);
}

/** Structural equality of values (origins ignored). */
export function equal(a: YNode | undefined, b: YNode | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'scalar') return a.value === (b as YScalar).value;
  if (a.kind === 'seq') {
    const bi = (b as YSeq).items;
    return a.items.length === bi.length && a.items.every((x, i) => equal(x, bi[i]));
  }
  const bp = (b as YMap).pairs;
  if (a.pairs.length !== bp.length) return false;
  for (const p of a.pairs) {
    if (!equal(p.value, get(b, p.key))) return false;
  }
  return true;
}
