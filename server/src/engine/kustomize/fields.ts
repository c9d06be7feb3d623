// Which kustomization fields the build knows, derived from the steps and the generators that
// read them, plus the fields read while accumulating and those refused or with nothing to do.
// kustomize fails on any other field, and so do we (kustomizationFile.ts). A test checks this
// list against schemas/kustomization.json both ways, so a field no step registers fails a test.

import { GENERATOR_FIELDS } from './generators';
import { ALL_STEPS } from './steps';

/** The object's own fields. */
export const IDENTITY_FIELDS: readonly string[] = ['apiVersion', 'kind', 'metadata'];

/** Read while accumulating a kustomization (build.ts): what it pulls in, and how. */
export const ACCUMULATION_FIELDS: readonly string[] = [
  'resources',
  'bases',
  'components',
  'configurations',
  'openapi',
];

/** Fields kustomize knows that we refuse, each with why (an error naming the field). */
export const REFUSED_FIELDS: Readonly<Record<string, string>> = {
  helmCharts:
    'inflating Helm charts needs helm and the network; render the chart with flux-overlays values instead',
  helmChartInflationGenerator: 'inflating Helm charts needs helm and the network',
  generators: 'generator plugins run external programs',
  transformers: 'transformer plugins run external programs',
  validators: 'validator plugins run external programs',
  vars: 'vars are deprecated in kustomize; use replacements',
  crds: 'crds: registering CRD field specs is not implemented',
};

/** Fields kustomize knows that have nothing to do here, each with why. */
export const IGNORED_FIELDS: Readonly<Record<string, string>> = {
  helmGlobals: 'settings for helmCharts, which is refused',
};

/**
 * In schemas/kustomization.json (the published schema) but not a field of kustomize v5:
 * kubectl 1.33 fails with `json: unknown field "inventory"`, and so do we.
 */
export const NOT_KUSTOMIZE_FIELDS: readonly string[] = ['inventory'];

export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...IDENTITY_FIELDS,
  ...ACCUMULATION_FIELDS,
  ...GENERATOR_FIELDS,
  ...ALL_STEPS.flatMap((s) => s.fields),
  ...Object.keys(REFUSED_FIELDS),
  ...Object.keys(IGNORED_FIELDS),
]);
