// nameSuffix: appends to names (kustomize's SuffixTransformer); references follow at the root
// (nameReference step).

import { nameSpecs } from '../builtinConfig';
import { stringField } from '../kustomizationFile';
import { applyNamePrefixSuffix } from '../transformers';
import { Step } from './step';

export const nameSuffixStep: Step = {
  name: 'nameSuffix',
  fields: ['nameSuffix'],
  fieldSpecs: { nameSuffix: nameSpecs },
  run(resources, ctx) {
    const suffix = stringField(ctx.k, 'nameSuffix');
    if (!suffix) return resources;
    applyNamePrefixSuffix(
      resources,
      suffix,
      'suffix',
      ctx.specs('nameSuffix'),
      ctx.by('nameSuffix'),
    );
    ctx.noted(resources, 'SuffixTransformer');
    return resources;
  },
};
