// The analysis layer's one entry point: what the LSP features (features/), the CLI (cli/) and
// server.ts use of it (test/unit/layers.test.ts enforces that they import nothing else of ide/).

export { WorkspaceIndex } from './workspaceIndex';
export { buildErrorsOutside, computeDiagnostics } from './diagnostics';
export type { DiagnosticOptions, FileDiagnostic } from './diagnostics';
export { complete } from './completion';
export type { Candidate } from './completion';
export {
  codeLenses,
  definition,
  documentLinks,
  documentSymbols,
  hover,
  references,
} from './navigation';
export type { SymbolResult } from './navigation';
export { effectiveValues, listOverlays, overlayManifests } from './overlays';
export type { PlainRendered } from './overlays';
export type { PlainLineOrigin } from './context';
export {
  overlaysDifferingFromTarget,
  promotionChanges,
  promotionEffectiveValues,
  PromotionSides,
  promotionRenderOverlay,
} from './promotion';
export type { PromotionEvalOptions } from './promotion';
export { clusterValues, discoverClusters } from './clusters';
export type { EvaluatedCluster } from './clusters';
export { clusterProfiles } from './clusterProfiles';
export { ChartsOutside, chartObjects } from './chartObjects';
