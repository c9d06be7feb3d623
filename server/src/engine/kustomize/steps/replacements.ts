// replacements: copy a field of one object into fields of others (kustomize's
// ReplacementTransformer).

import { applyReplacements } from '../replacements';
import { Step } from './step';

export const replacementsStep: Step = {
  name: 'replacements',
  fields: ['replacements'],
  run(resources, ctx) {
    applyReplacements(resources, ctx.k, ctx.loader);
    if (ctx.count('replacements')) ctx.noted(resources, 'ReplacementTransformer');
    return resources;
  },
};
