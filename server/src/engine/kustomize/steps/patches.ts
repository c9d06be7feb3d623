// patches: strategic merge or JSON6902 patches, by target selector or by the patch's own id
// (kustomize's PatchTransformer, one per entry). A target that selects nothing is not an error in
// kustomize; the step reports it as a warning (`patch-target-unmatched`).

import { applyPatchesField } from '../patches';
import { Step } from './step';

export const patchesStep: Step = {
  name: 'patches',
  fields: ['patches'],
  run(resources, ctx) {
    const out = applyPatchesField(resources, ctx.k, ctx.loader, (w) => ctx.warn(w));
    ctx.noted(out, 'PatchTransformer', ctx.count('patches'));
    return out;
  },
};
