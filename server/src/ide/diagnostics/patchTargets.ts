// patch-target-none: a patches[] entry of a kustomization file whose target selects nothing in
// the build (a warning: kustomize accepts it; the build's patches step reports it as
// `patch-target-unmatched`), and an untargeted strategic merge patch matching nothing (an error:
// kustomize fails, `patch-no-target`), placed on the entry.

import * as path from 'path';
import { YNode, get, getString, isSeq } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic, at } from './types';

export function patchTargetsCheck(ctx: CheckContext): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  if (!ctx.isKust) return out;
  for (const d of ctx.docs)
    if (d && ctx.index.kustomizationDirs.has(path.posix.dirname(ctx.file)))
      out.push(...patchTargets(ctx.index, d, ctx.file));
  return out;
}

function patchTargets(index: WorkspaceIndex, root: YNode, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const dir = path.posix.dirname(file);
  if (getString(root, 'kind') === 'Component') return out;
  const list = get(root, 'patches');
  if (!isSeq(list) || list.items.length === 0) return out;
  const built = index.build(dir);
  // A resource file without any object is a placeholder a tool fills later (`flux bootstrap`
  // writes gotk-components.yaml): what the patches target will come from it, say nothing.
  const res = get(root, 'resources');
  const placeholder =
    isSeq(res) &&
    res.items.some(
      (i) =>
        i.kind === 'scalar' &&
        typeof i.value === 'string' &&
        /\.ya?ml$/.test(i.value) &&
        index
          .parse(path.posix.resolve(dir, i.value))
          ?.documents.every(
            (d) => d.root === undefined || (d.root.kind === 'scalar' && d.root.value === null),
          ),
    );
  // Targets that select nothing: the patches step of the build reports them, at the moment it
  // applies the patch (names as they are then, before this kustomization's prefix and suffix).
  for (const p of built.problems) {
    if (
      placeholder ||
      p.code !== 'patch-target-unmatched' ||
      p.step !== 'kustomize/patches' ||
      !p.span ||
      p.span.file !== file
    )
      continue;
    const sp = p.span;
    out.push({
      span: { ...sp, endLine: sp.endLine ?? sp.line, endCol: sp.endCol ?? sp.col },
      severity: 'warning',
      code: 'patch-target-none',
      message: `this patch's target (${String(p.data?.target ?? '')}) selects nothing in the build of ${path.posix.basename(dir)}; the patch has no effect`,
    });
  }
  // Untargeted strategic merge patches: kustomize fails; put the error on the entry too.
  for (const p of built.problems) {
    if (p.code !== 'patch-no-target' || !p.span || p.span.file === file) continue;
    for (const entry of list.items) {
      const pathNode = get(entry, 'path');
      if (
        pathNode?.kind === 'scalar' &&
        typeof pathNode.value === 'string' &&
        path.posix.resolve(dir, pathNode.value) === p.span.file
      ) {
        out.push({
          ...at(pathNode.origin, file),
          severity: 'error',
          code: 'patch-target-none',
          message: `the patch ${pathNode.value} matches no object of this build: ${p.message}`,
        });
      }
    }
  }
  return out;
}
