// Objects annotated `config.kubernetes.io/local-config: "true"` are dropped from the output.

import { get, getString } from '../../yaml/node';
import { Step } from './step';

export const localConfigStep: Step = {
  name: 'localConfig',
  fields: [],
  run(resources) {
    return resources.filter(
      (r) =>
        getString(
          get(get(r.node, 'metadata'), 'annotations'),
          'config.kubernetes.io/local-config',
        ) !== 'true',
    );
  },
};
