// The built-in transformer steps in the order kustomize runs them (api/internal/target
// kusttarget.go: each kustomization's transformers after its resources, generators and
// components; then, once at the root, hash suffixes, name references, local-config removal,
// sorting and build metadata), and the runner that tags what a step reports with its name.

import { BuildError } from '../errors';
import { Resource } from '../resource';
import { buildMetadataStep } from './buildMetadata';
import { commonAnnotationsStep } from './commonAnnotations';
import { hashSuffixStep } from './hashSuffix';
import { imagesStep } from './images';
import { labelsStep } from './labels';
import { localConfigStep } from './localConfig';
import { namePrefixStep } from './namePrefix';
import { nameReferenceStep } from './nameReference';
import { nameSuffixStep } from './nameSuffix';
import { namespaceStep } from './namespace';
import { patchesStep } from './patches';
import { patchesJson6902Step } from './patchesJson6902';
import { patchesStrategicMergeStep } from './patchesStrategicMerge';
import { replacementsStep } from './replacements';
import { replicasStep } from './replicas';
import { sortOptionsStep } from './sortOptions';
import { Step, StepContext, StepWarning } from './step';

/** Run for every kustomization (and component), on what it has accumulated. */
export const TRANSFORMER_STEPS: readonly Step[] = [
  patchesStrategicMergeStep,
  patchesStep,
  namespaceStep,
  namePrefixStep,
  nameSuffixStep,
  labelsStep,
  commonAnnotationsStep,
  patchesJson6902Step,
  replicasStep,
  imagesStep,
  replacementsStep,
];

/** Run once, at the root kustomization, on the whole build. */
export const ROOT_STEPS: readonly Step[] = [
  hashSuffixStep,
  nameReferenceStep,
  localConfigStep,
  sortOptionsStep,
  buildMetadataStep,
];

export const ALL_STEPS: readonly Step[] = [...TRANSFORMER_STEPS, ...ROOT_STEPS];

/** The `step` of a problem a step reports. */
export function stepId(s: Step): string {
  return `kustomize/${s.name}`;
}

/**
 * Runs `steps` in order. A failure leaves tagged with the step it came from (the first tag wins:
 * it is the innermost); warnings go to `warn` with it.
 */
export function runSteps(
  steps: readonly Step[],
  resources: Resource[],
  ctx: Omit<StepContext, 'warn'>,
  warn: (step: string, w: StepWarning) => void,
): Resource[] {
  for (const step of steps) {
    const id = stepId(step);
    try {
      resources = step.run(resources, { ...ctx, warn: (w) => warn(id, w) });
    } catch (e) {
      if (e instanceof BuildError) e.step ??= id;
      throw e;
    }
  }
  return resources;
}

export type { Step, StepContext, StepWarning } from './step';
