// patchesJson6902: JSON patches applied to the objects a target selects (kustomize's
// PatchJson6902Transformer); a target that selects nothing is a warning, as in the patches step.

import { applyPatchesJson6902 } from '../patches';
import { Step } from './step';

export const patchesJson6902Step: Step = {
  name: 'patchesJson6902',
  fields: ['patchesJson6902'],
  run(resources, ctx) {
    applyPatchesJson6902(resources, ctx.k, ctx.loader, (w) => ctx.warn(w));
    ctx.noted(resources, 'PatchJson6902Transformer', ctx.count('patchesJson6902'));
    return resources;
  },
};
