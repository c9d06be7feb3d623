// replicas: sets the replica count of the objects with a name (kustomize's
// ReplicaCountTransformer); a name no replicas-bearing object has is an error, as in kustomize.

import { get, getString, isScalar } from '../../yaml/node';
import { replicaSpecs } from '../builtinConfig';
import { fail } from '../errors';
import { mapList } from '../kustomizationFile';
import { applyReplicas } from '../transformers';
import { Step } from './step';

export const replicasStep: Step = {
  name: 'replicas',
  fields: ['replicas'],
  fieldSpecs: { replicas: replicaSpecs },
  run(resources, ctx) {
    for (const entry of mapList(ctx.k, 'replicas')) {
      const name = getString(entry, 'name');
      const count = get(entry, 'count');
      if (!name) fail('replicas entry needs a name', entry.origin);
      if (!isScalar(count) || typeof count.value !== 'number')
        fail(`replicas entry ${name} needs a numeric count`, entry.origin);
      applyReplicas(resources, name, count.value, ctx.specs('replicas'), {
        ...(entry.origin ?? ctx.by('replicas')),
        by: ctx.label('replicas'),
      });
    }
    ctx.noted(resources, 'ReplicaCountTransformer', ctx.count('replicas'));
    return resources;
  },
};
