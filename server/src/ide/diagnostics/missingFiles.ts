// missing-file: `resources:` (and components, bases, crds) entries and patch paths of a
// kustomization file naming a file or folder that does not exist, on the entry.

import * as path from 'path';
import { isRemote } from '../../engine/kustomize/loader';
import { Origin, YNode, get, isSeq } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic, at } from './types';

const PATH_FIELDS = ['resources', 'components', 'bases', 'crds'];

export function missingFilesCheck(ctx: CheckContext, root: YNode): FileDiagnostic[] {
  return ctx.isKust ? missingFiles(ctx.index, root, ctx.file) : [];
}

/** The entries of kustomization `root` (in `file`) naming a path that does not exist. */
export function missingFiles(index: WorkspaceIndex, root: YNode, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const dir = path.posix.dirname(file);
  for (const field of PATH_FIELDS) {
    const list = get(root, field);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      if (item.kind !== 'scalar' || typeof item.value !== 'string' || isRemote(item.value))
        continue;
      const target = path.posix.resolve(dir, item.value);
      // a path restricted mode hides is not missing: the build's refusal says why, on this line
      if (index.fs.stat(target) === undefined && !index.fs.hiddenBecause?.(target)) {
        out.push({
          ...at(item.origin, file),
          severity: 'error',
          code: 'missing-file',
          message: `${field}: '${item.value}' does not exist (${path.posix.relative(dir, target) || '.'} from ${path.posix.basename(dir)}/)`,
        });
      }
    }
  }
  for (const p of patchEntries(root)) {
    const target = path.posix.resolve(dir, p.value);
    if (index.fs.stat(target) === undefined && !index.fs.hiddenBecause?.(target))
      out.push({
        ...at(p.origin, file),
        severity: 'error',
        code: 'missing-file',
        message: `patch file '${p.value}' does not exist`,
      });
  }
  return out;
}

function patchEntries(root: YNode): { value: string; origin?: Origin }[] {
  const out: { value: string; origin?: Origin }[] = [];
  for (const field of ['patches', 'patchesJson6902']) {
    const list = get(root, field);
    if (isSeq(list))
      for (const p of list.items) {
        const n = get(p, 'path');
        if (n && n.kind === 'scalar' && typeof n.value === 'string' && !isRemote(n.value))
          out.push({ value: n.value, origin: n.origin });
      }
  }
  return out;
}
