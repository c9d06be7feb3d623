// The schemas we author (schemas/*.json), loaded once and resolved. They are imported as
// modules rather than read from disk so the engine needs no file access to know them.

import chart from '../../../../schemas/chart.json';
import common from '../../../../schemas/common.json';
import configMap from '../../../../schemas/configmap.json';
import fluxKustomization from '../../../../schemas/flux-kustomization.json';
import fluxKustomizationLegacy from '../../../../schemas/flux-kustomization-v1beta.json';
import gitRepository from '../../../../schemas/gitrepository.json';
import gitRepositoryLegacy from '../../../../schemas/gitrepository-v1beta.json';
import helmRelease from '../../../../schemas/helmrelease.json';
import helmReleaseLegacy from '../../../../schemas/helmrelease-v2beta.json';
import helmRepository from '../../../../schemas/helmrepository.json';
import kustomization from '../../../../schemas/kustomization.json';
import ociRepository from '../../../../schemas/ocirepository.json';
import secret from '../../../../schemas/secret.json';
import { resolveSchemas } from './store';
import type { JsonSchema } from './types';

export interface BuiltinEntry {
  apiVersion: string;
  kind: string;
  /** `$id` of the schema file. */
  schemaId: string;
  /** For a deprecated apiVersion: the current one. */
  replacement?: string;
}

const FLUX_SOURCE = 'source.toolkit.fluxcd.io';

/** Which schema file validates which apiVersion and kind. */
export const BUILTIN_ENTRIES: readonly BuiltinEntry[] = [
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', schemaId: 'helmrelease.json' },
  {
    apiVersion: 'helm.toolkit.fluxcd.io/v2beta2',
    kind: 'HelmRelease',
    schemaId: 'helmrelease-v2beta.json',
    replacement: 'helm.toolkit.fluxcd.io/v2',
  },
  {
    apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
    kind: 'HelmRelease',
    schemaId: 'helmrelease-v2beta.json',
    replacement: 'helm.toolkit.fluxcd.io/v2',
  },
  { apiVersion: `${FLUX_SOURCE}/v1`, kind: 'HelmRepository', schemaId: 'helmrepository.json' },
  {
    apiVersion: `${FLUX_SOURCE}/v1beta2`,
    kind: 'HelmRepository',
    schemaId: 'helmrepository.json',
    replacement: `${FLUX_SOURCE}/v1`,
  },
  {
    apiVersion: `${FLUX_SOURCE}/v1beta1`,
    kind: 'HelmRepository',
    schemaId: 'helmrepository.json',
    replacement: `${FLUX_SOURCE}/v1`,
  },
  { apiVersion: `${FLUX_SOURCE}/v1`, kind: 'OCIRepository', schemaId: 'ocirepository.json' },
  {
    apiVersion: `${FLUX_SOURCE}/v1beta2`,
    kind: 'OCIRepository',
    schemaId: 'ocirepository.json',
    replacement: `${FLUX_SOURCE}/v1`,
  },
  { apiVersion: `${FLUX_SOURCE}/v1`, kind: 'GitRepository', schemaId: 'gitrepository.json' },
  {
    apiVersion: `${FLUX_SOURCE}/v1beta2`,
    kind: 'GitRepository',
    schemaId: 'gitrepository-v1beta.json',
    replacement: `${FLUX_SOURCE}/v1`,
  },
  {
    apiVersion: `${FLUX_SOURCE}/v1beta1`,
    kind: 'GitRepository',
    schemaId: 'gitrepository-v1beta.json',
    replacement: `${FLUX_SOURCE}/v1`,
  },
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    schemaId: 'flux-kustomization.json',
  },
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
    kind: 'Kustomization',
    schemaId: 'flux-kustomization-v1beta.json',
    replacement: 'kustomize.toolkit.fluxcd.io/v1',
  },
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta1',
    kind: 'Kustomization',
    schemaId: 'flux-kustomization-v1beta.json',
    replacement: 'kustomize.toolkit.fluxcd.io/v1',
  },
  { apiVersion: 'v1', kind: 'ConfigMap', schemaId: 'configmap.json' },
  { apiVersion: 'v1', kind: 'Secret', schemaId: 'secret.json' },
  {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    schemaId: 'kustomization.json',
  },
  {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    schemaId: 'kustomization.json',
  },
];

/** The raw schema documents, as written in schemas/. */
export const BUILTIN_SCHEMA_FILES: readonly JsonSchema[] = [
  chart,
  common,
  configMap,
  fluxKustomization,
  fluxKustomizationLegacy,
  gitRepository,
  gitRepositoryLegacy,
  helmRelease,
  helmReleaseLegacy,
  helmRepository,
  kustomization,
  ociRepository,
  secret,
] as unknown as JsonSchema[];

let resolved: Map<string, JsonSchema> | undefined;

/** The authored schemas with every `$ref` resolved, by `$id`. */
export function builtinSchemas(): Map<string, JsonSchema> {
  if (!resolved) resolved = resolveSchemas(BUILTIN_SCHEMA_FILES as JsonSchema[]).schemas;
  return resolved;
}

export function builtinSchema(id: string): JsonSchema {
  const s = builtinSchemas().get(id);
  if (!s) throw new Error(`no built-in schema ${id}`); // a programming error: ids are constants above
  return s;
}
