// encoding/json's Marshal of template values: sorted map keys, HTML-safe escapes, float64 in
// Go's JSON form (1e+21, 1e-7), []byte as base64, structs by their json tags.

import { GoStruct, GoValue, JsonNumber, sortedKeys } from './value';

export function jsonNumber(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${f}`);
  const a = Math.abs(f);
  if (a !== 0 && (a < 1e-6 || a >= 1e21)) {
    let s = f.toExponential();
    s = s.replace(/e([+-])(\d)$/, 'e$1$2');
    return s;
  }
  if (Number.isInteger(f)) return BigInt(f).toString();
  return String(f);
}

export function jsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&'))
      out += `\\u00${c.toString(16)}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return out + '"';
}

/** json.Marshal; `indent` gives MarshalIndent("", indent). */
export function toJSON(v: GoValue, indent = '', escapeHTML = true, level = 0): string {
  const nl = indent ? '\n' + indent.repeat(level + 1) : '';
  const end = indent ? '\n' + indent.repeat(level) : '';
  const sep = indent ? ': ' : ':';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'number':
      return jsonNumber(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return jsonString(v, escapeHTML);
  }
  if (v instanceof Uint8Array) return jsonString(Buffer.from(v).toString('base64'));
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl + toJSON(x, indent, escapeHTML, level + 1)).join(',')}${end}]`;
  }
  if (v instanceof Map) {
    if (v.size === 0) return '{}';
    return `{${sortedKeys(v)
      .map(
        (k) =>
          `${nl}${jsonString(k, escapeHTML)}${sep}${toJSON(v.get(k)!, indent, escapeHTML, level + 1)}`,
      )
      .join(',')}${end}}`;
  }
  const m = structToMap(v);
  return toJSON(m, indent, escapeHTML, level);
}

/** A struct as the map its JSON form has (json tags, omitempty), keeping field order irrelevant (sorted later). */
export function structToMap(v: GoStruct): Map<string, GoValue> {
  const m = new Map<string, GoValue>();
  for (const [field, tag] of Object.entries(v.json)) {
    const x = v.fields[field];
    if (
      tag.omitempty &&
      (x === null ||
        x === '' ||
        x === false ||
        x === 0 ||
        (Array.isArray(x) && x.length === 0) ||
        (x instanceof Map && x.size === 0))
    )
      continue;
    m.set(tag.name, x instanceof GoStruct ? structToMap(x) : (x ?? null));
  }
  return m;
}

/** A JSON text as Go values (json.Unmarshal into interface{}: numbers float64). Throws on bad JSON. */
export function fromJSONText(text: string): GoValue {
  const conv = (x: unknown): GoValue => {
    if (x === null) return null;
    if (Array.isArray(x)) return x.map(conv);
    if (typeof x === 'object')
      return new Map(Object.entries(x as object).map(([k, y]) => [k, conv(y)]));
    return x as GoValue;
  };
  return conv(JSON.parse(text));
}
