// The shape every built-in transformer step has: a name (its errors and warnings carry the step
// `kustomize/<name>`), the kustomization fields it reads, the field-spec lists it reads from the
// transformer config (with kustomize's defaults; `configurations:` files extend them under the
// same keys), and one function from resources to resources. The order is in steps/index.ts.

import { Origin } from '../../yaml/node';
import { FieldSpec } from '../fieldspec';
import { KustomizationFile } from '../kustomizationFile';
import { Loader } from '../loader';
import { Resource } from '../resource';
import type { NameReferenceRule } from '../builtinConfig';

/** The transformer config a build carries from bases into overlays (transformerConfig.ts). */
export interface TransformerConfig {
  /** Field specs by configurations key (`namePrefix`, `commonLabels`, `images`...). */
  fieldSpecs: Record<string, FieldSpec[]>;
  nameReference: NameReferenceRule[];
}

export interface StepWarning {
  message: string;
  code: string;
  origin?: Origin;
  /** Facts for consumers (the analysis layer words its own message from them). */
  data?: Record<string, unknown>;
}

export interface StepContext {
  k: KustomizationFile;
  loader: Loader;
  config: TransformerConfig;
  /** The field specs under a configurations key (`namespace`, `commonLabels`...). */
  specs(key: string): FieldSpec[];
  /** Where a field of the kustomization is, as the origin of the values the step writes. */
  by(field: string): Origin;
  /** `by` text for an entry of a list field: `images (kustomization.yaml)`. */
  label(field: string): string;
  /** How many entries a list or map field has (0 when absent). */
  count(field: string): number;
  /** Lists a transformer kind on each of `resources` for buildMetadata transformerAnnotations. */
  noted(resources: Resource[], kind: string, times?: number): void;
  /** A problem that does not fail the build; the runner tags it with the step. */
  warn(w: StepWarning): void;
}

export interface Step {
  /** `namespace`, `patches`...: problems of the step carry `kustomize/<name>`. */
  name: string;
  /** The kustomization fields the step reads. */
  fields: readonly string[];
  /** The field-spec lists the step reads, by configurations key, with kustomize's defaults. */
  fieldSpecs?: Readonly<Record<string, readonly FieldSpec[]>>;
  run(resources: Resource[], ctx: StepContext): Resource[];
}
