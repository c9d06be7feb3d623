// The engine's visible API: what the layers above the analysis layer (features/, cli/,
// server.ts) use of it. They import the engine only through this file (test/unit/layers.test.ts
// enforces it); the analysis layer (ide/) may import engine submodules directly.
// engine/core.ts is the part a kustomize build needs, re-exported here whole.

export * from './core';

export type { YMap, YNode } from './yaml/node';
export { get, getPath, getString, isMap, isSeq, toJS } from './yaml/node';
export { parseYaml } from './yaml/parse';
export { loadProfile } from './substitute/postBuild';
export type { Variables } from './substitute/postBuild';
export { isHelmRelease } from './values/effective';
export type { EffectiveValuesOptions } from './values/effective';
export { helmRepositoryCache } from './values/chart';
export { ChartService, chartSourceOf, credentialsFrom, sourceKey } from './charts';
export type { Chart } from './render/chart';
export { fieldOrigins, valuesPathText } from './render/render';
export { parseKubeVersion } from './render/builtins';
export type { LineOrigin, RenderedObject } from './render/render';
export type { ReleaseManifests } from './workspace/releaseManifests';
export {
  diffPairs,
  externalLookupFor,
  manifestTexts,
  pairTexts,
  releaseManifestTexts,
  releaseTexts,
  renderReleaseManifests,
  runOverlay,
} from './workspace';
export type { ExternalLookup, OverlayOptions, OverlayRun, PipelineOptions } from './workspace';
export { GitRepository, isGitError, promotionDiff } from './git';
export type { ComponentChange, PromotionDiff } from './git';
export { describeApplier, evaluateCluster, parseSourceArg } from './cluster/cluster';
export type { ApplierRef, ClusterResult } from './cluster/cluster';
export { clusterPromotionDiff } from './cluster/promotion';
