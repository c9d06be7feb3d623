// Name references: every field that holds the name of a renamed object (prefix, suffix, hash)
// follows it, at the root (kustomize's NameReferenceTransformer). The rules are in the
// transformer config (built-in ones plus `configurations:` nameReference entries).

import { fixNameReferences } from '../nameReference';
import { Step } from './step';

export const nameReferenceStep: Step = {
  name: 'nameReference',
  fields: [],
  run(resources, ctx) {
    fixNameReferences(resources, ctx.config.nameReference);
    return resources;
  },
};
