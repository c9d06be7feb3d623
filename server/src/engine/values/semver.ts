// Just enough of Helm's version constraints (Masterminds/semver) to pick a cached chart for a
// HelmRelease `version:` such as `6.5.0`, `6.x`, `>=1.2.0 <2.0.0`, `^1.2`, `~1.2.3` or `*`.

type Version = [number, number, number, string];

export function parseVersion(v: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(
    v.trim(),
  );
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0), m[4] ?? ''];
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1; // a release sorts after its pre-releases
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

function comparator(c: string, v: Version): boolean {
  const m =
    /^(>=|<=|!=|>|<|=|\^|~>?)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(-[0-9A-Za-z.-]+)?$/.exec(
      c,
    );
  if (!m) return false;
  const op = m[1] ?? '';
  const wild = (s: string | undefined) => s === undefined || /^[xX*]$/.test(s);
  const parts = [m[2], m[3], m[4]];
  const fixed = parts.findIndex(wild);
  const n = parts.map((p) => (wild(p) ? 0 : Number(p))) as [number, number, number];
  const target: Version = [n[0], n[1], n[2], m[5] ? m[5].slice(1) : ''];
  // Pre-releases only match constraints that name a pre-release (Masterminds default).
  if (v[3] !== '' && target[3] === '') return false;
  const cmp = compareVersions(v, target);
  const upper = (level: number): Version =>
    level <= 0
      ? [n[0] + 1, 0, 0, '']
      : level === 1
        ? [n[0], n[1] + 1, 0, '']
        : [n[0], n[1], n[2] + 1, ''];
  const below = (u: Version) => compareVersions([v[0], v[1], v[2], ''], u) < 0;
  if (fixed === 0 && (op === '' || op === '=')) return true;
  switch (op) {
    case '':
    case '=':
      return fixed < 0 ? cmp === 0 : cmp >= 0 && below(upper(fixed - 1));
    case '!=':
      return cmp !== 0;
    case '>':
      return fixed < 0 ? cmp > 0 : !below(upper(fixed - 1));
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return fixed < 0 ? cmp <= 0 : below(upper(fixed - 1));
    case '^': {
      const level = n[0] > 0 || fixed === 1 ? 0 : n[1] > 0 || fixed === 2 ? 1 : 2;
      return cmp >= 0 && below(upper(level));
    }
    default: // ~ and ~>
      return cmp >= 0 && below(upper(fixed === 1 ? 0 : 1));
  }
}

/** Does version `v` satisfy constraint `range` (`||` alternatives of space/comma-joined comparators)? */
export function satisfies(v: string, range: string): boolean {
  const version = parseVersion(v);
  if (!version) return false;
  return range.split('||').some((alt) => {
    const parts = alt
      .trim()
      .replace(/([<>=~^!]+)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter(Boolean);
    if (parts.length === 0) return version[3] === '';
    return parts.every((c) => comparator(c, version));
  });
}

/** The highest of `versions` satisfying `range`, or undefined. */
export function maxSatisfying(versions: readonly string[], range: string): string | undefined {
  let best: string | undefined;
  for (const v of versions) {
    if (!satisfies(v, range)) continue;
    if (best === undefined || compareVersions(parseVersion(v)!, parseVersion(best)!) > 0) best = v;
  }
  return best;
}
