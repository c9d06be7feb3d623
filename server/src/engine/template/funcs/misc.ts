// Sprig's encoding, hashing, semver, paths, URLs, dates and crypto/random functions, and Helm's
// own (toYaml/fromYaml/toJson/fromJson/toToml, include, tpl, required, fail, lookup). Random,
// time and key-generating functions give values of the right shape and are marked
// nonReproducible: Helm itself gives different output on every run.

import * as crypto from 'crypto';
import * as path from 'path';
import { FuncMap, isStackOverflow } from '../exec';
import { strval, toInt64 } from '../convert';
import { fromJSONText, toJSON } from '../json';
import { toYAML } from '../goyaml';
import {
  GoStruct,
  GoValue,
  TemplateError,
  deepCopy,
  fromJS,
  newMap,
  typeOf,
  sortedKeys,
} from '../value';
import { parseYaml } from '../../yaml/parse';
import { fastValuesDocument } from '../chartValues';
import { rememberDocument } from '../../secrets';
import { toJS as yToJS } from '../../yaml/node';
import { satisfies, parseVersion } from '../../values/semver';
import { formatV } from '../fmt';

const s = strval;

/** Text as Helm's fromYaml reads it (sigs.k8s.io/yaml: go-yaml v2 typing, numbers float64). */
// fromYaml of the same text (Bitnami's toYaml | fromYaml round trips) parses once; callers get a copy
// since templates may change the maps they get (set, unset, merge).
const yamlCache = new Map<string, { value: GoValue; error?: string }>();

export function yamlToGo(text: string): { value: GoValue; error?: string } {
  let r = yamlCache.get(text);
  if (!r) {
    r = yamlToGoUncached(text);
    if (yamlCache.size > 5000) yamlCache.clear();
    yamlCache.set(text, r);
  }
  return { value: deepCopy(r.value), error: r.error };
}

function yamlToGoUncached(text: string): { value: GoValue; error?: string } {
  const fast = fastValuesDocument(text, 'fromYaml');
  if (fast !== undefined) {
    if (!fast) return { value: null };
    rememberDocument(fast.root);
    return { value: fromJS(yToJS(fast.root)) };
  }
  const parsed = parseYaml(text, 'fromYaml', undefined, 'helm');
  const err = parsed.problems.find((p) => p.severity === 'error');
  if (err)
    return {
      value: null,
      error: `error converting YAML to JSON: yaml: line ${err.span.line}: ${err.message}`,
    };
  if (parsed.documents.length === 0) return { value: null };
  return { value: fromJS(yToJS(parsed.documents[0].root)) };
}

function fromYaml(text: string): GoValue {
  const r = yamlToGo(text);
  if (r.error) return newMap([['Error', r.error]]);
  if (r.value === null) return newMap();
  if (!(r.value instanceof Map))
    return newMap([
      [
        'Error',
        `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(r.value)} into Go value of type map[string]interface {}`,
      ],
    ]);
  return r.value;
}

function fromYamlArray(text: string): GoValue {
  const r = yamlToGo(text);
  if (r.error) return [r.error];
  if (r.value === null) return [];
  if (!Array.isArray(r.value))
    return [
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(r.value)} into Go value of type []interface {}`,
    ];
  return r.value;
}

function jsonKind(v: GoValue): string {
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'number';
}

function fromJson(text: string, array: boolean): GoValue {
  try {
    const v = fromJSONText(text);
    if (array)
      return Array.isArray(v)
        ? v
        : [`json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`];
    if (v instanceof Map) return v;
    return newMap([
      [
        'Error',
        `json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`,
      ],
    ]);
  } catch (e) {
    const msg = (e as Error).message;
    return array ? [msg] : newMap([['Error', msg]]);
  }
}

/** BurntSushi/toml's encoder for maps: plain keys first, then tables, keys sorted. */
function toToml(v: GoValue): string {
  if (!(v instanceof Map)) return 'toml: top-level values must be Go maps or structs';
  const out: string[] = [];
  const value = (x: GoValue): string => {
    if (typeof x === 'string') return JSON.stringify(x);
    if (typeof x === 'number') return Number.isInteger(x) ? x.toFixed(1) : String(x);
    if (Array.isArray(x)) return `[${x.map(value).join(', ')}]`;
    return formatV(x);
  };
  const table = (m: Map<string, GoValue>, prefix: string[], indent: string) => {
    const keys = sortedKeys(m);
    for (const k of keys) {
      const x = m.get(k)!;
      if (x !== null && !(x instanceof Map)) out.push(`${indent}${k} = ${value(x)}`);
    }
    for (const k of keys) {
      const x = m.get(k)!;
      if (x instanceof Map) {
        out.push('', `${indent}[${[...prefix, k].join('.')}]`);
        table(x, [...prefix, k], indent + '  ');
      }
    }
  };
  table(v, [], '');
  return out.join('\n').replace(/^\n/, '') + '\n';
}

function hash(alg: string, v: GoValue): string {
  return crypto
    .createHash(alg)
    .update(Buffer.from(s(v), 'utf8'))
    .digest('hex');
}

function adler32(text: string): bigint {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return BigInt(((b << 16) | a) >>> 0);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}

function unbase32(t: string): string {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of t.replace(/=+$/, '')) {
    const i = B32.indexOf(c);
    if (i < 0) return 'illegal base32 data';
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function b64dec(t: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0)
    return `illegal base64 data at input byte ${Math.max(0, t.search(/[^A-Za-z0-9+/=]/))}`;
  return Buffer.from(t, 'base64').toString('utf8');
}

function semverStruct(v: string): GoStruct {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(
    v.trim(),
  );
  if (!m) throw new Error('Invalid Semantic Version');
  const major = BigInt(m[1]);
  const minor = BigInt(m[2] ?? 0);
  const patch = BigInt(m[3] ?? 0);
  const pre = m[4] ?? '';
  const meta = m[5] ?? '';
  const str = `${major}.${minor}.${patch}${pre ? '-' + pre : ''}${meta ? '+' + meta : ''}`;
  return new GoStruct(
    '*semver.Version',
    {},
    {
      Major: () => major,
      Minor: () => minor,
      Patch: () => patch,
      Prerelease: () => pre,
      Metadata: () => meta,
      Original: () => v,
      String: () => str,
    },
    {},
    () => str,
  );
}

function semverCompare(constraint: string, version: string): boolean {
  if (!parseVersion(version)) throw new Error('Invalid Semantic Version');
  return satisfies(version, constraint);
}

// --- time ---------------------------------------------------------------------------------

class GoTime extends GoStruct {
  constructor(readonly date: Date) {
    super(
      'time.Time',
      {},
      {
        Unix: () => BigInt(Math.floor(date.getTime() / 1000)),
        Year: () => BigInt(date.getUTCFullYear()),
        Format: (args) => goDate(s(args[0] ?? ''), date),
        UTC: () => new GoTime(date),
      },
      {},
      () => goDate('2006-01-02 15:04:05.999999999 -0700 MST', date),
    );
  }
}

function toDateValue(v: GoValue): Date {
  if (v instanceof GoTime) return v.date;
  if (typeof v === 'bigint' || typeof v === 'number') return new Date(Number(v) * 1000);
  return new Date();
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go's time.Format with a reference layout, in UTC. */
export function goDate(layout: string, d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const tokens: [string, () => string][] = [
    ['2006', () => String(d.getUTCFullYear())],
    ['January', () => MONTHS[d.getUTCMonth()]],
    ['Jan', () => MONTHS[d.getUTCMonth()].slice(0, 3)],
    ['Monday', () => DAYS[d.getUTCDay()]],
    ['Mon', () => DAYS[d.getUTCDay()].slice(0, 3)],
    ['MST', () => 'UTC'],
    ['01', () => p(d.getUTCMonth() + 1)],
    ['02', () => p(d.getUTCDate())],
    ['_2', () => String(d.getUTCDate()).padStart(2, ' ')],
    ['15', () => p(d.getUTCHours())],
    ['03', () => p(d.getUTCHours() % 12 || 12)],
    ['04', () => p(d.getUTCMinutes())],
    ['05', () => p(d.getUTCSeconds())],
    ['06', () => p(d.getUTCFullYear() % 100)],
    ['-07:00', () => '+00:00'],
    ['-0700', () => '+0000'],
    ['Z07:00', () => 'Z'],
    ['.000000000', () => '.' + p(d.getUTCMilliseconds(), 3) + '000000'],
    [
      '.999999999',
      () => (d.getUTCMilliseconds() ? '.' + p(d.getUTCMilliseconds(), 3).replace(/0+$/, '') : ''),
    ],
    ['.000', () => '.' + p(d.getUTCMilliseconds(), 3)],
    ['PM', () => (d.getUTCHours() >= 12 ? 'PM' : 'AM')],
    ['1', () => String(d.getUTCMonth() + 1)],
    ['2', () => String(d.getUTCDate())],
    ['3', () => String(d.getUTCHours() % 12 || 12)],
    ['4', () => String(d.getUTCMinutes())],
    ['5', () => String(d.getUTCSeconds())],
  ];
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const [tok, f] of tokens) {
      if (layout.startsWith(tok, i)) {
        out += f();
        i += tok.length;
        continue outer;
      }
    }
    out += layout[i++];
  }
  return out;
}

// --- random and crypto --------------------------------------------------------------------

function randomFrom(alphabet: string, n: number): string {
  let out = '';
  const bytes = crypto.randomBytes(n);
  for (let i = 0; i < n; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const NUM = '0123456789';
const ASCII = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');

function pem(type: string, bytes: number): string {
  const b64 = crypto
    .randomBytes(bytes)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

function certificate(): GoStruct {
  return new GoStruct(
    'sprig.certificate',
    { Cert: pem('CERTIFICATE', 800), Key: pem('RSA PRIVATE KEY', 1190) },
    {},
    {
      Cert: { name: 'Cert' },
      Key: { name: 'Key' },
    },
  );
}

function urlParse(u: string): GoValue {
  const m =
    /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/(?:([^@/]*)@)?([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(
      u,
    );
  if (!m) throw new Error(`unable to parse url: ${u}`);
  const host = m[3] ?? '';
  return newMap([
    ['scheme', m[1] ?? ''],
    ['host', host],
    ['hostname', host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')],
    ['path', m[4] ?? ''],
    ['query', m[5] ?? ''],
    ['opaque', ''],
    ['fragment', m[6] ?? ''],
    ['userinfo', m[2] ?? ''],
  ]);
}

function urlJoin(d: GoValue): string {
  if (!(d instanceof Map)) throw new Error('urlJoin needs a dict');
  const g = (k: string) => (d.has(k) ? s(d.get(k)!) : '');
  let out = '';
  if (g('scheme')) out += g('scheme') + ':';
  if (g('host') || g('userinfo'))
    out += '//' + (g('userinfo') ? g('userinfo') + '@' : '') + g('host');
  out += g('path');
  if (g('query')) out += '?' + g('query');
  if (g('fragment')) out += '#' + g('fragment');
  return out;
}

const nr = true;

export const miscFuncs: FuncMap = {
  b64enc: { fn: ([v]) => Buffer.from(s(v), 'utf8').toString('base64'), arity: [1, 1] },
  b64dec: { fn: ([v]) => b64dec(s(v)), arity: [1, 1] },
  b32enc: { fn: ([v]) => base32(Buffer.from(s(v), 'utf8')), arity: [1, 1] },
  b32dec: { fn: ([v]) => unbase32(s(v)), arity: [1, 1] },
  sha1sum: { fn: ([v]) => hash('sha1', v), arity: [1, 1] },
  sha256sum: { fn: ([v]) => hash('sha256', v), arity: [1, 1] },
  sha512sum: { fn: ([v]) => hash('sha512', v), arity: [1, 1] },
  adler32sum: { fn: ([v]) => adler32(s(v)).toString(), arity: [1, 1] },
  toYaml: { fn: ([v]) => toYAML(v), arity: [1, 1] },
  mustToYaml: { fn: ([v]) => toYAML(v), arity: [1, 1] },
  toYamlPretty: { fn: ([v]) => toYAML(v), arity: [1, 1] },
  fromYaml: { fn: ([v]) => fromYaml(s(v)), arity: [1, 1] },
  fromYamlArray: { fn: ([v]) => fromYamlArray(s(v)), arity: [1, 1] },
  toJson: { fn: ([v]) => toJSON(v), arity: [1, 1] },
  mustToJson: { fn: ([v]) => toJSON(v), arity: [1, 1] },
  toPrettyJson: { fn: ([v]) => toJSON(v, '  '), arity: [1, 1] },
  mustToPrettyJson: { fn: ([v]) => toJSON(v, '  '), arity: [1, 1] },
  toRawJson: { fn: ([v]) => toJSON(v, '', false), arity: [1, 1] },
  mustToRawJson: { fn: ([v]) => toJSON(v, '', false), arity: [1, 1] },
  fromJson: { fn: ([v]) => fromJson(s(v), false), arity: [1, 1] },
  mustFromJson: { fn: ([v]) => fromJson(s(v), false), arity: [1, 1] },
  fromJsonArray: { fn: ([v]) => fromJson(s(v), true), arity: [1, 1] },
  toToml: { fn: ([v]) => toToml(v), arity: [1, 1] },
  fromToml: { fn: () => newMap([['Error', 'fromToml is not supported']]), arity: [1, 1] },
  semver: { fn: ([v]) => semverStruct(s(v)), arity: [1, 1] },
  semverCompare: { fn: ([c, v]) => semverCompare(s(c), s(v)), arity: [2, 2] },
  base: { fn: ([v]) => (s(v) === '' ? '.' : path.posix.basename(s(v)) || '/'), arity: [1, 1] },
  dir: { fn: ([v]) => path.posix.dirname(s(v)), arity: [1, 1] },
  ext: { fn: ([v]) => path.posix.extname(s(v)), arity: [1, 1] },
  clean: {
    fn: ([v]) => (s(v) === '' ? '.' : path.posix.normalize(s(v)).replace(/(.)\/$/, '$1')),
    arity: [1, 1],
  },
  isAbs: { fn: ([v]) => s(v).startsWith('/'), arity: [1, 1] },
  osBase: { fn: ([v]) => path.posix.basename(s(v)), arity: [1, 1] },
  osDir: { fn: ([v]) => path.posix.dirname(s(v)), arity: [1, 1] },
  osExt: { fn: ([v]) => path.posix.extname(s(v)), arity: [1, 1] },
  osClean: { fn: ([v]) => path.posix.normalize(s(v)), arity: [1, 1] },
  osIsAbs: { fn: ([v]) => s(v).startsWith('/'), arity: [1, 1] },
  urlParse: { fn: ([v]) => urlParse(s(v)), arity: [1, 1] },
  urlJoin: { fn: ([v]) => urlJoin(v), arity: [1, 1] },
  uuidv4: { fn: () => crypto.randomUUID(), arity: [0, 0], nonReproducible: nr },
  randAlphaNum: {
    fn: ([n]) => randomFrom(ALPHA + NUM, Number(toInt64(n))),
    arity: [1, 1],
    nonReproducible: nr,
  },
  randAlpha: {
    fn: ([n]) => randomFrom(ALPHA, Number(toInt64(n))),
    arity: [1, 1],
    nonReproducible: nr,
  },
  randNumeric: {
    fn: ([n]) => randomFrom(NUM, Number(toInt64(n))),
    arity: [1, 1],
    nonReproducible: nr,
  },
  randAscii: {
    fn: ([n]) => randomFrom(ASCII, Number(toInt64(n))),
    arity: [1, 1],
    nonReproducible: nr,
  },
  randBytes: {
    fn: ([n]) => crypto.randomBytes(Number(toInt64(n))).toString('base64'),
    arity: [1, 1],
    nonReproducible: nr,
  },
  randInt: {
    fn: ([a, b]) =>
      toInt64(a) + BigInt(Math.floor(Math.random() * Number(toInt64(b) - toInt64(a)))),
    arity: [2, 2],
    nonReproducible: nr,
  },
  genPrivateKey: { fn: () => pem('RSA PRIVATE KEY', 1190), arity: [1, 1], nonReproducible: nr },
  genCA: { fn: () => certificate(), arity: [2, 2], nonReproducible: nr },
  genCAWithKey: { fn: () => certificate(), arity: [3, 3], nonReproducible: nr },
  genSelfSignedCert: { fn: () => certificate(), arity: [4, 4], nonReproducible: nr },
  genSelfSignedCertWithKey: { fn: () => certificate(), arity: [5, 5], nonReproducible: nr },
  genSignedCert: { fn: () => certificate(), arity: [5, 5], nonReproducible: nr },
  genSignedCertWithKey: { fn: () => certificate(), arity: [6, 6], nonReproducible: nr },
  buildCustomCert: {
    fn: ([c, k]) =>
      new GoStruct('sprig.certificate', {
        Cert: Buffer.from(s(c), 'base64').toString(),
        Key: Buffer.from(s(k), 'base64').toString(),
      }),
    arity: [2, 2],
  },
  htpasswd: {
    fn: ([u]) => `${s(u)}:$2a$10$${randomFrom(ALPHA + NUM + './', 53)}`,
    arity: [2, 2],
    nonReproducible: nr,
  },
  bcrypt: {
    fn: () => `$2a$10$${randomFrom(ALPHA + NUM + './', 53)}`,
    arity: [1, 1],
    nonReproducible: nr,
  },
  derivePassword: { fn: () => randomFrom(ALPHA + NUM, 20), arity: [5, 5], nonReproducible: nr },
  encryptAES: {
    fn: () => crypto.randomBytes(32).toString('base64'),
    arity: [2, 2],
    nonReproducible: nr,
  },
  decryptAES: { fn: () => '', arity: [2, 2] },
  now: { fn: () => new GoTime(new Date()), arity: [0, 0], nonReproducible: nr },
  date: { fn: ([f, t]) => goDate(s(f), toDateValue(t)), arity: [2, 2], nonReproducible: nr },
  dateInZone: { fn: ([f, t]) => goDate(s(f), toDateValue(t)), arity: [3, 3], nonReproducible: nr },
  htmlDate: {
    fn: ([t]) => goDate('2006-01-02', toDateValue(t)),
    arity: [1, 1],
    nonReproducible: nr,
  },
  unixEpoch: {
    fn: ([t]) => String(Math.floor(toDateValue(t).getTime() / 1000)),
    arity: [1, 1],
    nonReproducible: nr,
  },
  ago: { fn: () => '0s', arity: [1, 1], nonReproducible: nr },
  dateModify: { fn: ([, t]) => t, arity: [2, 2], nonReproducible: nr },
  toDate: { fn: ([, v]) => new GoTime(new Date(s(v))), arity: [2, 2], nonReproducible: nr },
  duration: { fn: ([v]) => `${toInt64(v)}s`, arity: [1, 1] },
  getHostByName: { fn: () => '', arity: [1, 1] },
  // Helm's own.
  include: {
    fn: ([name, data], ctx) => {
      if (typeof name !== 'string')
        throw new Error(`wrong type for value; expected string; got ${typeOf(name)}`);
      return ctx.include(name, data ?? null);
    },
    arity: [2, 2],
  },
  tpl: {
    fn: ([text, data], ctx) => {
      try {
        return ctx.tpl(s(text), data ?? null);
      } catch (e) {
        if (isStackOverflow(e)) throw e;
        throw new TemplateError(
          `error during tpl function execution for ${JSON.stringify(s(text))}: ${(e as Error).message}`,
        );
      }
    },
    arity: [2, 2],
  },
  required: {
    fn: ([msg, v]) => {
      if (v === null || v === '') throw new TemplateError(s(msg));
      return v;
    },
    arity: [2, 2],
  },
  fail: {
    fn: ([msg]) => {
      throw new TemplateError(s(msg));
    },
    arity: [1, 1],
  },
  lookup: { fn: () => newMap(), arity: [4, 4] },
};
