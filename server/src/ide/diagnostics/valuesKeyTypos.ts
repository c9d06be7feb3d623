// values-key-typo: a Helm values key in an overlay layer that no lower layer sets, when a
// near-identical key (edit distance <= 2, or equal ignoring case) is set below: a likely typo.
// Keys with no near-identical neighbour below are legitimately new and say nothing. Checked in
// spec.values of HelmRelease documents and in the YAML embedded in ConfigMaps a release of the
// base reads through valuesFrom.

import * as path from 'path';
import { editDistance } from '../../engine/schema/suggest';
import { parseValuesText } from '../../engine/values/sources';
import { YNode, get, getString, isMap, isScalar, isSeq } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic, at, relToRoot as rel } from './types';

export function valuesKeyTyposCheck(ctx: CheckContext): FileDiagnostic[] {
  return ctx.isKust ? [] : valuesKeyTypos(ctx.index, ctx.file, ctx.docs);
}

/** A key below that `key` is plausibly a typo of. */
export function nearKey(key: string, below: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const b of below) {
    if (b === key) return undefined;
    if (b.toLowerCase() === key.toLowerCase()) return b;
    // Two-character keys are all within distance 2 of each other: too short to call a typo.
    if (Math.min(b.length, key.length) < 4) continue;
    const d = editDistance(key, b);
    if (d <= 2 && d < bestD) {
      best = b;
      bestD = d;
    }
  }
  return best ?? sameStem(key, below);
}

/**
 * `replicas` for `replicaCount`: the keys share a long stem and then part ways, neither being
 * the other plus a suffix (`service` and `serviceMonitor` are two different settings).
 */
function sameStem(key: string, below: readonly string[]): string | undefined {
  for (const b of below) {
    if (b.startsWith(key) || key.startsWith(b)) continue;
    let n = 0;
    while (n < key.length && n < b.length && key[n] === b[n]) n++;
    if (n >= 6 && n >= 0.8 * Math.min(key.length, b.length)) return b;
  }
  return undefined;
}

/** Walks `layer` (as written in this file) against `below` (what the lower layers set). */
function compareKeys(
  layer: YNode,
  below: YNode | undefined,
  file: string,
  baseName: string,
  out: FileDiagnostic[],
): void {
  if (!isMap(layer) || !isMap(below)) return;
  const belowKeys = below.pairs.map((p) => p.key);
  for (const p of layer.pairs) {
    const under = get(below, p.key);
    if (under !== undefined) {
      compareKeys(p.value, under, file, baseName, out);
      continue;
    }
    const near = nearKey(p.key, belowKeys);
    if (!near || belowKeys.includes(p.key)) continue;
    // A sibling in this same layer already writes the near key: both are meant.
    if (layer.pairs.some((q) => q.key === near)) continue;
    const where = get(below, near)?.origin?.file;
    out.push({
      ...at(p.keyOrigin, file),
      severity: 'warning',
      code: 'values-key-typo',
      message: `\`${p.key}\` is not set anywhere below (base: ${where ?? baseName}); typo of \`${near}\`?`,
      data: { suggestion: near },
    });
  }
}

/**
 * Values an overlay file writes, against the base's effective values of the same release:
 * spec.values of HelmRelease documents, and the YAML embedded in ConfigMaps a release of the
 * base reads through valuesFrom (keos' `02-<app>-helm-chart-override-values`).
 */
function valuesKeyTypos(
  index: WorkspaceIndex,
  file: string,
  docs: readonly (YNode | undefined)[],
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const c = index.componentOf(file);
  if (!c) return out;
  const baseDir = path.posix.join(c.dir, 'base');
  if (file.startsWith(baseDir + '/')) return out;
  const base = c.overlays.find((o) => o.name === 'base');
  // `apps/base/<app>` layouts: the base folder has no kustomization of its own; the apps'
  // folders below it are the base of their releases.
  const baseDirs = base
    ? [base.dir]
    : [...index.kustomizationDirs].filter((d) => d.startsWith(baseDir + '/')).sort();
  if (baseDirs.length === 0) return out;
  let releases: ReturnType<typeof index.effectiveValues> | undefined;
  const baseReleases = () => (releases ??= baseDirs.flatMap((d) => index.effectiveValues(d)));
  const baseName = rel(index, base ? base.dir : baseDir);
  for (const d of docs) {
    if (!isMap(d)) continue;
    const kind = getString(d, 'kind');
    const name = getString(get(d, 'metadata'), 'name');
    if (kind === 'HelmRelease') {
      const values = get(get(d, 'spec'), 'values');
      if (!isMap(values)) continue;
      const rel0 = baseReleases().find((r) => r.name === name);
      if (rel0) compareKeys(values, rel0.values, file, baseName, out);
    } else if (kind === 'ConfigMap' && name) {
      for (const r of baseReleases()) {
        const refs = get(get(r.release, 'spec'), 'valuesFrom');
        if (!isSeq(refs)) continue;
        for (const ref of refs.items) {
          if (
            getString(ref, 'kind') !== 'ConfigMap' ||
            getString(ref, 'name') !== name ||
            getString(ref, 'targetPath')
          )
            continue;
          const key = getString(ref, 'valuesKey') ?? 'values.yaml';
          const entry = get(get(d, 'data'), key);
          if (!isScalar(entry) || typeof entry.value !== 'string') continue;
          const parsed = parseValuesText(
            { text: entry.value, node: entry, decoded: false },
            index.fs,
            'overlay values',
            `${name}/${key}`,
          );
          if (parsed.values) compareKeys(parsed.values, r.values, file, baseName, out);
        }
      }
    }
  }
  return out;
}
