// Values kept in other repositories (keos-system-services holds the `02-<app>-helm-chart-
// override-values` ConfigMaps of keos-apps): every kustomization folder of an extra root is
// built once and its ConfigMaps and Secrets indexed by kind, namespace and name. When several
// folders define the same object, an overlay (a folder not named `base`) wins over a base.

import * as path from 'path';
import { FileSystem, WalkGuard } from '../fs';
import { ParseCache } from '../kustomize/loader';
import { buildKustomization } from '../kustomize/build';
import { ExternalObject } from '../values/effective';
import { get, getString } from '../yaml/node';
import { kustomizationFileOf } from './discover';

export type ExternalLookup = (
  kind: string,
  namespace: string | undefined,
  name: string,
) => ExternalObject | undefined;

/** Kustomization folders below `dir`, not through folder links (see WalkGuard). */
function kustomizationDirs(
  fs: FileSystem,
  dir: string,
  guard = new WalkGuard(fs, dir),
  depth = 0,
  out: string[] = [],
): string[] {
  if (depth > 12 || !guard.enter(dir)) return out;
  if (kustomizationFileOf(fs, dir)) out.push(dir);
  for (const n of fs.readDir(dir).sort()) {
    if (n.startsWith('.') || n === 'node_modules') continue;
    const d = path.posix.join(dir, n);
    if (fs.stat(d) === 'dir') kustomizationDirs(fs, d, guard, depth + 1, out);
  }
  return out;
}

/** A lookup over the ConfigMaps/Secrets that the kustomizations under `roots` render. */
export function externalLookupFor(
  fs: FileSystem,
  roots: readonly string[],
  cache = new ParseCache(),
): ExternalLookup {
  const index = new Map<string, { obj: ExternalObject; base: boolean }>();
  for (const root of roots) {
    for (const dir of kustomizationDirs(fs, root)) {
      const built = buildKustomization(fs, dir, { cache, loadRestrictor: 'None' });
      const base = path.posix.basename(dir) === 'base';
      for (const o of built.objects) {
        const kind = getString(o.node, 'kind');
        if (kind !== 'ConfigMap' && kind !== 'Secret') continue;
        const meta = get(o.node, 'metadata');
        const key = `${kind}/${getString(meta, 'namespace') ?? ''}/${getString(meta, 'name') ?? ''}`;
        const prev = index.get(key);
        if (prev && !prev.base && base) continue;
        index.set(key, {
          obj: {
            object: o.node,
            source: `${path.posix.basename(root)} (${path.posix.relative(root, dir) || '.'})`,
          },
          base,
        });
      }
    }
  }
  return (kind, namespace, name) => index.get(`${kind}/${namespace ?? ''}/${name}`)?.obj;
}
