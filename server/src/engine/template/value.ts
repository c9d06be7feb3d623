// The values templates work on, modelled on Go's dynamic types as Helm hands them to
// text/template: numbers from values files are float64 (JS number), integers made by templates
// and functions are int/int64 (JS bigint), maps are map[string]interface{} (JS Map, printed and
// iterated in sorted key order), nil is null. Structs (.Chart, .Capabilities, .Files) are GoStruct:
// named fields and methods, printed as Go prints a struct.

export type GoValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | GoValue[]
  | GoMap
  | GoStruct
  | Uint8Array
  | JsonNumber;

/**
 * encoding/json's Number: Helm 3.18 reads a chart's values.yaml with UseNumber, so chart
 * defaults are numbers kept as their text (a string kind: `1000000` prints as written, `eq`
 * with an int is a type error), while user values files give float64.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}
export type GoMap = Map<string, GoValue>;

export type GoMethod = (args: GoValue[]) => GoValue;

/** A Go struct value: exported fields and methods, with JSON field names for toJson/toYaml. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Record<string, GoValue>,
    readonly methods: Record<string, GoMethod> = {},
    /** JSON names of fields (Go `json:"name,omitempty"` tags); absent = not marshalled. */
    readonly json: Record<string, { name: string; omitempty?: boolean }> = {},
    /** String() method, used by print and fmt. */
    readonly stringer?: () => string,
  ) {}
}

export class TemplateError extends Error {}

export function isMap(v: GoValue): v is GoMap {
  return v instanceof Map;
}

export function newMap(entries?: Iterable<[string, GoValue]>): GoMap {
  return new Map(entries ?? []);
}

/** Go's reflect kind names, as Sprig's kindOf prints them. */
export function kindOf(v: GoValue): string {
  if (v === null) return 'invalid';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  if (v instanceof Uint8Array) return 'slice';
  if (v instanceof JsonNumber) return 'string';
  return 'struct';
}

/** Go type names, as %T and Sprig's typeOf print them. */
export function typeOf(v: GoValue): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return isStringList(v) ? '[]string' : '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  if (v instanceof JsonNumber) return 'json.Number';
  return v.typeName;
}

// Go's `int` and `int64` print the same everywhere except %T and typeOf; we keep one
// representation (bigint) and call it int64.

const stringLists = new WeakSet<GoValue[]>();
/** Marks a list as Go []string (splitList, keys...): affects typeOf only. */
export function stringList(v: string[]): GoValue[] {
  stringLists.add(v);
  return v;
}
function isStringList(v: GoValue[]): boolean {
  return stringLists.has(v);
}

/** Go text/template truth: false, 0, nil, empty string/slice/map are false; structs are true. */
export function truth(v: GoValue): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof JsonNumber) return v.text.length > 0;
  return true;
}

/** Sprig's empty(): like !truth, but a struct is never empty. */
export function empty(v: GoValue): boolean {
  return !truth(v);
}

export function sortedKeys(m: GoMap): string[] {
  return [...m.keys()].sort(goStringCompare);
}

/** Go compares strings by bytes (UTF-8); for BMP text code unit order is close enough, but do it right. */
export function goStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order except around surrogates; only those need the bytes.
  if (!/[\ud800-\udfff]/.test(a + b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Deep copy of maps and lists (structs are shared). */
export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A JS value (JSON-like) as a Go value: objects become maps, numbers float64. */
export function fromJS(v: unknown): GoValue {
  if (v === null || v === undefined) return null;
  if (
    typeof v === 'boolean' ||
    typeof v === 'number' ||
    typeof v === 'string' ||
    typeof v === 'bigint'
  )
    return v;
  if (Array.isArray(v)) return v.map(fromJS);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [String(k), fromJS(x)]));
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object')
    return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJS(x)]));
  return String(v);
}

/** A Go value as plain JS (maps to objects, ints to numbers), e.g. for comparisons in tests. */
export function toJS(v: GoValue): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toJS);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[k] = toJS(x);
    return o;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof JsonNumber) return Number(v.text);
  return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, toJS(x)]));
}
