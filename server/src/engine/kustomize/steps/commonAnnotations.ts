// commonAnnotations (kustomize's AnnotationsTransformer).

import { commonAnnotationSpecs } from '../builtinConfig';
import { stringMapField } from '../kustomizationFile';
import { applyAnnotations } from '../transformers';
import { Step } from './step';

export const commonAnnotationsStep: Step = {
  name: 'commonAnnotations',
  fields: ['commonAnnotations'],
  fieldSpecs: { commonAnnotations: commonAnnotationSpecs },
  run(resources, ctx) {
    applyAnnotations(
      resources,
      stringMapField(ctx.k, 'commonAnnotations'),
      ctx.specs('commonAnnotations'),
      ctx.by('commonAnnotations'),
    );
    if (ctx.count('commonAnnotations')) ctx.noted(resources, 'AnnotationsTransformer');
    return resources;
  },
};
