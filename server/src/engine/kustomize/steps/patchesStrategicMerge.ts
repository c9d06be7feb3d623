// patchesStrategicMerge: strategic merge patches (files or inline text) matched by their own
// apiVersion, kind, name and namespace (kustomize's PatchStrategicMergeTransformer).

import { applyPatchesStrategicMerge } from '../patches';
import { Step } from './step';

export const patchesStrategicMergeStep: Step = {
  name: 'patchesStrategicMerge',
  fields: ['patchesStrategicMerge'],
  run(resources, ctx) {
    const out = applyPatchesStrategicMerge(resources, ctx.k, ctx.loader);
    if (ctx.count('patchesStrategicMerge')) ctx.noted(out, 'PatchStrategicMergeTransformer');
    return out;
  },
};
