// Generated ConfigMaps and Secrets get their content hash appended to the name, once, at the root
// (after every overlay's transformers, so the hash is of the final content).

import { nameHash } from '../hash';
import { curId, setName, storePreviousId } from '../resource';
import { Step } from './step';

export const hashSuffixStep: Step = {
  name: 'hashSuffix',
  // generatorOptions.disableNameSuffixHash is read by the generators (needsHash).
  fields: [],
  run(resources) {
    for (const r of resources) {
      if (!r.generator?.needsHash) continue;
      const h = nameHash(r.node);
      storePreviousId(r);
      setName(r, `${curId(r).name}-${h}`, r.generator.by);
    }
    return resources;
  },
};
