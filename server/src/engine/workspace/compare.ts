// What differs between two evaluated overlays: per HelmRelease, the effective values as YAML;
// per object, the rendered manifest (Secrets masked unless asked). Keys pair the two sides, so
// a release or object present on one side only shows as added or removed.

import { emitYaml } from '../yaml/emit';
import { get, getString } from '../yaml/node';
import { unifiedDiff } from './lineDiff';
import { OverlayRun } from './pipeline';

export interface TextPair {
  /** `ns/name` for releases, `Kind ns/name` for objects. */
  key: string;
  /** undefined when absent on that side. */
  a?: string;
  b?: string;
}

export function releaseTexts(r: OverlayRun, showSecrets = false): Map<string, string> {
  const m = new Map<string, string>();
  for (const rel of r.releases)
    m.set(`${rel.namespace}/${rel.name}`, emitYaml(rel.values, { showSecrets }));
  return m;
}

export function manifestTexts(r: OverlayRun, showSecrets = false): Map<string, string> {
  const m = new Map<string, string>();
  for (const o of r.objects) {
    const meta = get(o.node, 'metadata');
    // Generated ConfigMaps/Secrets pair by name without the content hash, which always differs.
    const name = (getString(meta, 'name') ?? '').replace(
      o.generatedBy ? /-[a-z0-9]{10}$/ : /$^/,
      '',
    );
    const key = `${getString(o.node, 'kind') ?? '?'} ${getString(meta, 'namespace') ?? ''}/${name}`;
    m.set(
      m.has(key) ? `${key} (${getString(o.node, 'apiVersion')})` : key,
      emitYaml(o.node, { showSecrets }),
    );
  }
  return m;
}

/** The keys of both maps (a's order first, then b's new ones) with their texts. */
export function pairTexts(a: Map<string, string>, b: Map<string, string>): TextPair[] {
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return keys.map((key) => ({ key, a: a.get(key), b: b.get(key) }));
}

/** Unified diffs of the pairs that differ ('' when all are equal). */
export function diffPairs(pairs: readonly TextPair[], aLabel: string, bLabel: string): string {
  let out = '';
  for (const p of pairs) {
    if (p.a === p.b) continue;
    out += unifiedDiff(
      p.a ?? '',
      p.b ?? '',
      p.a === undefined ? '/dev/null' : `${aLabel} ${p.key}`,
      p.b === undefined ? '/dev/null' : `${bLabel} ${p.key}`,
    );
  }
  return out;
}
