// namePrefix: prepends to names (kustomize's PrefixTransformer); references follow at the root
// (nameReference step).

import { nameSpecs } from '../builtinConfig';
import { stringField } from '../kustomizationFile';
import { applyNamePrefixSuffix } from '../transformers';
import { Step } from './step';

export const namePrefixStep: Step = {
  name: 'namePrefix',
  fields: ['namePrefix'],
  fieldSpecs: { namePrefix: nameSpecs },
  run(resources, ctx) {
    const prefix = stringField(ctx.k, 'namePrefix');
    if (!prefix) return resources;
    applyNamePrefixSuffix(
      resources,
      prefix,
      'prefix',
      ctx.specs('namePrefix'),
      ctx.by('namePrefix'),
    );
    ctx.noted(resources, 'PrefixTransformer');
    return resources;
  },
};
