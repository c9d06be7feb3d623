// Where what a template prints comes from in a chart's values (executeWithOrigins): the maps
// and lists of .Values by identity, scalars a template stored in maps it built (dict, merge,
// fromYaml) by key, and texts it built from values (include, tpl, toYaml) by content, so that
// values printed, read back and merged again (Bitnami's common.tplvalues.merge) keep their paths.

import { GoMap, GoValue } from './value';

/** A place in a chart's values: keys, and list indexes. */
export type ValuePath = (string | number)[];

export function samePath(
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): boolean {
  return a.length === b.length && a.every((k, i) => b[i] === k);
}

/** Per line of a text, the .Values path it printed (or the keys leading to it in YAML). */
export type LinePaths = (ValuePath | undefined)[];

/**
 * Which template node wrote a piece of the output (recorded by executeWithOrigins): `len`
 * characters, from the text or action at `name`:`line`; `values` is the .Values path when the
 * action printed a value of .Values (`.Values.a.b`, `toYaml .Values.x | nindent 4`,
 * `.Values.y | quote`, `default "x" .Values.z`, `$x.z` after `$x := .Values.y`, `.z` inside
 * `with .Values.y` or `range .Values.list`), as the ValueTracker places it.
 */
export interface OutputSpan {
  len: number;
  name: string;
  line: number;
  text: boolean;
  values?: ValuePath;
  /** The value printed was a map or a list (`toYaml .Values.resources`): its lines are its keys'. */
  collection?: boolean;
  /**
   * The action printed text whose lines' values are known (OriginTracker.textLines): the
   * .Values path of each line, as YAML built from values and read back (Bitnami's labels).
   */
  lines?: LinePaths;
  /** Other values of .Values the action printed besides `values` (`printf "%s:%s" .Values.a .Values.b`). */
  also?: ValuePath[];
  /**
   * The action printed an `include` as is or through `indent`/`nindent` (checked against the
   * printed text): the included template's own output and spans, and how many lines `nindent`
   * put before it. Its lines are the included template's lines.
   */
  included?: {
    text: string;
    spans: OutputSpan[];
    lead: number;
    /** The output before `<no value>` was removed from it (tpl removes it), when it differs. */
    raw?: string;
    /**
     * The action printed a `tpl` call: its spans are named `gotpl` with lines of `source`, the
     * text given to tpl, which is (or is the YAML of) the value of .Values at `values`.
     */
    tpl?: { source: string; values?: ValuePath; collection?: boolean };
  };
}

/**
 * What reads lines of text, given by the renderer (which knows YAML with positions): the values
 * paths of the lines of an output from its spans, and the keys path of each line of YAML.
 */
export interface OriginReader {
  outputLines(text: string, raw: string, spans: readonly OutputSpan[]): LinePaths | undefined;
  /** `a:` is [a], `  b: 1` below it [a, b], the root []; undefined when the text is not YAML. */
  yamlLines(text: string): LinePaths | undefined;
}

/** Texts remembered by content, at most (cleared past it): a render makes a few thousand. */
const TEXTS_MAX = 5000;

/**
 * Where the maps and lists of a chart's values sit, by identity: what lets a value reached
 * through a variable, `with`, `range` or a dict name its .Values path; and, for built maps and
 * texts, by key and by content.
 */
export class ValueTracker {
  private readonly paths = new WeakMap<object, ValuePath>();
  private readonly keyPaths = new WeakMap<object, Map<string, ValuePath>>();
  private readonly texts = new Map<string, LinePaths | (() => LinePaths | undefined) | null>();

  constructor(
    private readonly root: GoValue,
    private readonly reader?: OriginReader,
  ) {
    const walk = (v: GoValue, at: ValuePath): void => {
      if (v instanceof Map) {
        if (this.paths.has(v)) return;
        this.paths.set(v, at);
        for (const [k, x] of v) walk(x, [...at, k]);
      } else if (Array.isArray(v)) {
        if (this.paths.has(v)) return;
        this.paths.set(v, at);
        v.forEach((x, i) => walk(x, [...at, i]));
      }
    };
    walk(root, []);
  }

  pathOf(v: object): ValuePath | undefined {
    return this.paths.get(v);
  }

  /**
   * The .Values path of a scalar stored under `key` of a map a template built (`dict "value"
   * .Values.image.tag`, merge, fromYaml): scalars have no identity to follow.
   */
  keyPath(m: object, key: string): ValuePath | undefined {
    return this.keyPaths.get(m)?.get(key);
  }

  noteKey(m: object, key: string, path: ValuePath | undefined): void {
    let keys = this.keyPaths.get(m);
    if (path) {
      if (!keys) this.keyPaths.set(m, (keys = new Map()));
      keys.set(key, path);
    } else keys?.delete(key);
  }

  /** The value at a path of .Values (a variable may hold it reformatted: `$v := toYaml .Values.x`). */
  valueAt(path: ValuePath): GoValue | undefined {
    let v: GoValue | undefined = this.root;
    for (const k of path) {
      if (v instanceof Map && typeof k === 'string') v = v.get(k);
      else if (Array.isArray(v) && typeof k === 'number') v = v[k];
      else return undefined;
    }
    return v;
  }

  /** The path of entry `k` of a map or list: its own, its key's, or under the collection's. */
  private entryPath(c: GoMap | GoValue[], k: string | number): ValuePath | undefined {
    const v = c instanceof Map ? (typeof k === 'string' ? c.get(k) : undefined) : c[k as number];
    const own = v !== null && typeof v === 'object' ? this.paths.get(v) : undefined;
    if (own) return own;
    const kp = typeof k === 'string' ? this.keyPath(c, k) : undefined;
    if (kp) return kp;
    const base = this.paths.get(c);
    return base ? [...base, k] : undefined;
  }

  /** The path of `keys` below `v`, through the first entry whose path is known. */
  private resolve(v: GoValue, keys: ValuePath): ValuePath | undefined {
    let cur: GoValue | undefined = v;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (!(cur instanceof Map || Array.isArray(cur))) return undefined;
      const p = this.entryPath(cur, k);
      if (p) return i + 1 < keys.length ? [...p, ...keys.slice(i + 1)] : p;
      cur = cur instanceof Map ? cur.get(k as string) : cur[k as number];
    }
    return undefined;
  }

  /** Whether a map's entries have paths to remember in its YAML. */
  private knows(m: GoMap): boolean {
    return this.paths.has(m) || this.keyPaths.has(m);
  }

  private noteText(text: string, lines: () => LinePaths | undefined): void {
    if (!this.reader || text.length < 3 || !text.includes(':')) return;
    if (this.texts.size >= TEXTS_MAX) this.texts.clear();
    this.texts.set(text, lines);
  }

  /** The values path of each line of a text a template built from values, if it is known. */
  textLines(text: string): LinePaths | undefined {
    const e = this.texts.get(text);
    if (typeof e !== 'function') return e ?? undefined;
    const r = e();
    const known = r && r.some((p) => p !== undefined) ? r : undefined;
    this.texts.set(text, known ?? null);
    return known;
  }

  /** An include's or tpl's output, with the spans that wrote it. */
  noteOutput(text: string, raw: string, spans: readonly OutputSpan[]): void {
    const reader = this.reader;
    if (reader && spans.some((s) => s.values || s.lines || s.included))
      this.noteText(text, () => reader.outputLines(text, raw, spans));
  }

  /** `toYaml` of a map: each line names the entry it prints. */
  noteYaml(text: string, v: GoValue): void {
    const reader = this.reader;
    if (!reader || !(v instanceof Map) || !this.knows(v)) return;
    this.noteText(text, () =>
      reader
        .yamlLines(text)
        ?.map((keys) => (keys && keys.length ? this.resolve(v, keys) : undefined)),
    );
  }

  /** `fromYaml` of a text whose lines are known: the map's entries keep the lines' paths. */
  readYaml(text: GoValue, v: GoValue): void {
    if (typeof text !== 'string' || !(v instanceof Map) || !this.reader) return;
    const lines = this.textLines(text);
    if (!lines) return;
    const keys = this.reader.yamlLines(text);
    keys?.forEach((ks, i) => {
      const p = lines[i];
      if (!p || !ks || !ks.length) return;
      let m: GoValue | undefined = v;
      for (const k of ks.slice(0, -1)) m = m instanceof Map ? m.get(k as string) : undefined;
      const last = ks[ks.length - 1];
      if (m instanceof Map && typeof last === 'string') this.noteKey(m, last, p);
    });
  }

  /**
   * After merge/mergeOverwrite into `dst` (its entries before in `before`): each entry a source
   * gave takes that source's path; with overwrite the last source having it, else the first.
   */
  merged(dst: GoValue, before: GoMap, srcs: GoValue[], overwrite: boolean): void {
    if (!(dst instanceof Map)) return;
    const maps = srcs.filter((s): s is GoMap => s instanceof Map);
    const order = overwrite ? maps.reverse() : maps;
    for (const [k, v] of dst) {
      if (v !== null && typeof v === 'object' && this.paths.has(v)) continue;
      if (!overwrite && before.has(k) && before.get(k) === v) continue;
      const from = order.find((s) => s.has(k) && s.get(k) === v);
      if (from) this.noteKey(dst, k, this.entryPath(from, k));
    }
  }
}

/** A tracker of every map and list under `root` (the values templates see as .Values). */
export function valueTracker(root: GoValue, reader?: OriginReader): ValueTracker {
  return new ValueTracker(root, reader);
}
