// Which files a kustomization uses as patches. Those files hold partial objects, so they are
// validated without expecting required fields (and a JSON 6902 file is a list of operations,
// not an object at all).

import * as path from 'path';
import type { Origin, YNode } from '../yaml/node';
import { get, getString, isMap, isSeq } from '../yaml/node';

export interface PatchFileRef {
  /** Absolute (POSIX) path of the patch file. */
  path: string;
  /** Which kustomization field referenced it. */
  field: 'patches' | 'patchesStrategicMerge' | 'patchesJson6902';
  /** Where the reference is written in the kustomization file. */
  origin?: Origin;
}

/** An entry of patchesStrategicMerge may be an inline patch rather than a file name. */
function looksInline(entry: string): boolean {
  return (
    entry.includes('\n') ||
    /^\s*(apiVersion|kind|metadata)\s*:/.test(entry) ||
    /^\s*[{[]/.test(entry)
  );
}

function isRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    entry.startsWith('github.com/') ||
    entry.startsWith('git@')
  );
}

/**
 * The patch files a kustomization references under `patches[].path`, `patchesStrategicMerge`
 * and `patchesJson6902[].path`, resolved against `dir` (the kustomization's folder). Inline
 * patches and remote URLs are left out; whether the files exist is not checked here.
 */
export function patchFilesOf(root: YNode | undefined, dir: string): PatchFileRef[] {
  const out: PatchFileRef[] = [];
  if (!isMap(root)) return out;
  const add = (rel: string, field: PatchFileRef['field'], origin?: Origin) => {
    if (rel.trim() === '' || isRemote(rel)) return;
    const ref: PatchFileRef = { path: path.posix.resolve(dir, rel.trim()), field };
    if (origin) ref.origin = origin;
    out.push(ref);
  };
  const patches = get(root, 'patches');
  if (isSeq(patches)) {
    for (const p of patches.items) {
      const rel = getString(p, 'path');
      if (rel !== undefined) add(rel, 'patches', get(p, 'path')?.origin);
    }
  }
  const smp = get(root, 'patchesStrategicMerge');
  if (isSeq(smp)) {
    for (const item of smp.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string' && !looksInline(item.value))
        add(item.value, 'patchesStrategicMerge', item.origin);
    }
  }
  const json = get(root, 'patchesJson6902');
  if (isSeq(json)) {
    for (const p of json.items) {
      const rel = getString(p, 'path');
      if (rel !== undefined) add(rel, 'patchesJson6902', get(p, 'path')?.origin);
    }
  }
  return out;
}
