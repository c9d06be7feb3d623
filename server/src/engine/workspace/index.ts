// The workspace model: components, overlays, and what each overlay renders to and gives its
// HelmReleases. What the editor's listOverlays/effectiveValues/renderOverlay requests and the
// CLI's values/diff/promotion-diff commands are answered from.
export * from './discover';
export * from './pipeline';
export * from './external';
export * from './lineDiff';
export * from './compare';
export * from './releaseManifests';
