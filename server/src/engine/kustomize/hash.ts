// The name suffix kustomize gives generated ConfigMaps and Secrets: sha256 over Go's JSON
// encoding of {data, kind, name: "", [type]} (keys sorted, HTML characters escaped as Go does),
// first 10 hex digits, with 0,1,3,a,e swapped for g,h,k,m,t so the suffix never looks like a
// number or a word.

import { createHash } from 'crypto';
import { YMap, get, getString, isMap, toJS } from '../yaml/node';

/** Go's encoding/json for strings: escapes <, >, &, U+2028, U+2029 and control characters. */
export function goJsonString(s: string): string {
  // Fast path: JSON.stringify escapes like Go except for Go's extra HTML and line-separator
  // escapes; lone surrogates (which Go replaces) take the slow path.
  if (!/[\ud800-\udfff]/.test(s)) {
    return JSON.stringify(s).replace(
      /[<>&\u2028\u2029]/g,
      (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
    );
  }
  return goJsonStringSlow(s);
}

function goJsonStringSlow(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029)
      out += '\\u' + c.toString(16).padStart(4, '0');
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go's encoding/json for string maps and the few shapes hashing needs; map keys sorted bytewise. */
export function goJson(v: unknown): string {
  if (typeof v === 'string') return goJsonString(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    return (
      '{' +
      keys.map((k) => goJsonString(k) + ':' + goJson((v as Record<string, unknown>)[k])).join(',') +
      '}'
    );
  }
  return String(v);
}

const SWAP: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

function field(obj: YMap, key: string): unknown {
  // kustomize looks fields up by name on the object; a missing one hashes as "".
  const v = get(obj, key);
  return v === undefined ? '' : toJS(v);
}

/** The hash suffix of a ConfigMap or Secret object, as kustomize computes it. */
export function nameHash(obj: YMap): string {
  const kind = getString(obj, 'kind');
  let m: Record<string, unknown>;
  if (kind === 'Secret') {
    m = { kind: 'Secret', type: field(obj, 'type'), name: '', data: field(obj, 'data') };
    const sd = get(obj, 'stringData');
    if (isMap(sd)) m.stringData = toJS(sd);
  } else {
    m = { kind: 'ConfigMap', name: '', data: field(obj, 'data') };
    const bd = get(obj, 'binaryData');
    if (isMap(bd)) m.binaryData = toJS(bd);
  }
  const hex = createHash('sha256').update(goJson(m)).digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => SWAP[c]);
}
