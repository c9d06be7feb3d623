// namespace: sets metadata.namespace of namespaced objects and the namespace fields its field
// specs name (RoleBinding subjects, webhook services...) (kustomize's NamespaceTransformer).

import { namespaceSpecs } from '../builtinConfig';
import { stringField } from '../kustomizationFile';
import { applyNamespace } from '../transformers';
import { Step } from './step';

export const namespaceStep: Step = {
  name: 'namespace',
  fields: ['namespace'],
  fieldSpecs: { namespace: namespaceSpecs },
  run(resources, ctx) {
    const ns = stringField(ctx.k, 'namespace');
    if (!ns) return resources;
    applyNamespace(resources, ns, ctx.specs('namespace'), ctx.by('namespace'));
    ctx.noted(resources, 'NamespaceTransformer');
    return resources;
  },
};
