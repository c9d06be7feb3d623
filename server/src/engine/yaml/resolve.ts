// How an unquoted YAML scalar becomes a value, the way kustomize (go-yaml v3, then a JSON round
// trip) reads it: only true/false spellings are booleans (`yes`, `on` stay strings), `0755` is
// octal, `0x`/`0o`/`0b` prefixes and `_` separators are numbers, timestamps become RFC 3339
// strings. Getting this exactly right is what makes our output equal kubectl's.

import { Scalar } from './node';

/**
 * Which reader's rules to follow. `kustomize`: go-yaml v3 (only true/false are booleans).
 * `helm`: go-yaml v2 as used by sigs.k8s.io/yaml, which Helm and helm-controller use to read
 * values files and valuesFrom data: YAML 1.1 booleans (`yes`, `on`, `y`, `off`...).
 */
export type YamlFlavor = 'kustomize' | 'helm';

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/;

function pad(n: number | string, w = 2): string {
  return String(n).padStart(w, '0');
}

function timestamp(s: string): string | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, tz] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  if (h === undefined) return `${y}-${pad(mo)}-${pad(d)}T00:00:00Z`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 60) return undefined;
  // A time without zone must use the T form with zone, or the space form (taken as UTC).
  const fraction = frac ? `.${frac.replace(/0+$/, '')}`.replace(/^\.$/, '') : '';
  let zone = 'Z';
  if (tz && tz !== 'Z') {
    const tm = /^([-+])(\d{1,2})(?::?(\d{2}))?$/.exec(tz)!;
    zone =
      Number(tm[2]) === 0 && Number(tm[3] ?? 0) === 0
        ? 'Z'
        : `${tm[1]}${pad(tm[2])}:${pad(tm[3] ?? '00')}`;
  }
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(se)}${fraction}${zone}`;
}

function integer(s: string): number | undefined {
  const plain = s.replace(/_/g, '');
  let m: RegExpExecArray | null;
  if ((m = /^([-+]?)0b([01]+)$/.exec(plain))) return sign(m[1]) * parseInt(m[2], 2);
  if ((m = /^([-+]?)0o([0-7]+)$/.exec(plain))) return sign(m[1]) * parseInt(m[2], 8);
  if ((m = /^([-+]?)0x([0-9a-fA-F]+)$/.exec(plain))) {
    const v = parseInt(m[2], 16);
    return Number.isSafeInteger(v) ? sign(m[1]) * v : undefined;
  }
  if ((m = /^([-+]?)0([0-7]+)$/.exec(plain))) return sign(m[1]) * parseInt(m[2], 8);
  if (/^[-+]?[0-9]+$/.test(plain)) return Number(plain);
  return undefined;
}

function sign(s: string): number {
  return s === '-' ? -1 : 1;
}

const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

export function resolvePlainScalar(s: string, flavor: YamlFlavor = 'kustomize'): Scalar {
  if (NULLS.has(s)) return null;
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  if (flavor === 'helm') {
    if (YAML11_TRUE.has(s)) return true;
    if (YAML11_FALSE.has(s)) return false;
  }
  const c = s[0];
  if ((c >= '0' && c <= '9') || c === '-' || c === '+' || c === '.') {
    const i = integer(s);
    if (i !== undefined) return i === 0 ? 0 : i;
    const plain = s.replace(/_/g, '');
    if (FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return f === 0 ? 0 : f;
      return s;
    }
    // go-yaml v2 keeps timestamp-looking text as a string when decoding into interface{}.
    const t = flavor === 'kustomize' ? timestamp(s) : undefined;
    if (t !== undefined) return t;
  }
  return s;
}
