/**
 * Custom LSP messages between the Flux Overlays client and language server, declared once for
 * both (client/src/protocol.ts re-exports this file). Imports only the protocol package.
 * Positions are LSP positions (0-based lines and characters); URIs are strings as in LSP.
 * Documented in ARCHITECTURE.md, "Custom LSP requests" (a test checks every method is there).
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Where a problem or a value came from. */
export interface Location {
  uri: string;
  range: Range;
}

export interface Problem {
  message: string;
  severity: 'error' | 'warning' | 'info';
  /** The build step the problem comes from, e.g. "resources", "patches", "valuesFrom". */
  step?: string;
  location?: Location;
}

/**
 * Which revision of the repository to evaluate. `workspace` (the default) is the files on disk
 * plus unsaved editor buffers; `promotion` reads git objects only: `before` is `to` as it is,
 * `after` is the result of merging `from` into `to`.
 */
export type Source =
  { kind: 'workspace' } | { kind: 'promotion'; from: string; to: string; side: 'before' | 'after' };

/** The origin of one line of a rendered document. */
export interface LineOrigin {
  /** 0-based line in `content`. */
  line: number;
  location: Location;
  /** Human-readable layer, e.g. "base values.yaml", "production patch", "valuesFrom Secret x". */
  layer: string;
  /** Lower-layer values this line overrides (shown on demand). */
  overridden?: { value: string; location: Location; layer: string }[];
}

export interface RenderedDocument {
  /** YAML text (secrets already masked). */
  content: string;
  origins: LineOrigin[];
  problems: Problem[];
}

// ---- fluxOverlays/listOverlays -------------------------------------------------------------

export interface ListOverlaysParams {
  /** Limit to the component containing this file or folder; all components when absent. */
  uri?: string;
}

export interface ReleaseInfo {
  name: string;
  namespace?: string;
  /**
   * The same across overlays for the same release: where the HelmRelease comes from in the base
   * (file and line of its `kind`), so `staging-podinfo` in staging pairs with `podinfo` in
   * production whatever namePrefix/nameSuffix did to the name.
   */
  key?: string;
  /** True when the file of ListOverlaysParams.uri patches this release or feeds its values. */
  fedByFile?: boolean;
}

export interface OverlayInfo {
  /** Overlay name: its folder name, or "base". */
  name: string;
  /** The overlay's folder (containing kustomization.yaml). */
  uri: string;
  releases: ReleaseInfo[];
  /** True when this overlay differs from the promotion target branch. */
  differsFromPromotionTarget?: boolean;
}

export interface ComponentInfo {
  /** Folder relative to its workspace folder. */
  name: string;
  /** The workspace folder holding the component. */
  root?: string;
  /** The component's folder. */
  uri: string;
  overlays: OverlayInfo[];
}

export interface ListOverlaysResult {
  components: ComponentInfo[];
  problems: Problem[];
}

export const listOverlaysRequest = new RequestType<ListOverlaysParams, ListOverlaysResult, void>(
  'fluxOverlays/listOverlays',
);

// ---- fluxOverlays/effectiveValues ----------------------------------------------------------

export interface EffectiveValuesParams {
  /** Any file or folder of the component (the active editor's file, a tree item's folder). */
  uri: string;
  /** Overlay name ("production", "staging", "base", ...). */
  overlay: string;
  /** HelmRelease name when the overlay renders several; the only one otherwise. */
  release?: string;
  /** Path of the cluster profile supplying `${VAR}` substitutions. */
  clusterProfile?: string;
  source?: Source;
}

export type EffectiveValuesResult = RenderedDocument & { release?: string };

export const effectiveValuesRequest = new RequestType<
  EffectiveValuesParams,
  EffectiveValuesResult,
  void
>('fluxOverlays/effectiveValues');

// ---- fluxOverlays/renderOverlay ------------------------------------------------------------

export interface RenderOverlayParams {
  uri: string;
  overlay: string;
  clusterProfile?: string;
  source?: Source;
  /**
   * Also the objects each HelmRelease's chart installs (rendered in process and post-rendered as
   * helm-controller does, in Helm's install order, Secrets masked), after the overlay's own
   * objects: per release a comment line `# HelmRelease NS/NAME -> chart NAME VERSION: N objects`,
   * or `: not rendered: WHY` when the chart is not at hand or does not render.
   */
  releaseManifests?: boolean;
}

export type RenderOverlayResult = RenderedDocument;

export const renderOverlayRequest = new RequestType<RenderOverlayParams, RenderOverlayResult, void>(
  'fluxOverlays/renderOverlay',
);

// ---- fluxOverlays/promotionDiff ------------------------------------------------------------

export interface PromotionDiffParams {
  /** Root of the git repository (a workspace folder). */
  uri: string;
  /** Branch merged, e.g. "main". */
  from: string;
  /** Branch merged into, e.g. "production". */
  to: string;
  /**
   * Overlay evaluated on both sides; by default every overlay that differs, the
   * `fluxOverlays.productionOverlay` one first.
   */
  overlay?: string;
}

export interface PromotionChange {
  component: string;
  /** Component folder, usable as `uri` in effectiveValues/renderOverlay with a promotion source. */
  uri: string;
  overlay: string;
  release?: string;
  /** What changed: values, manifests or both. */
  changed: ('values' | 'manifests')[];
  /** 'added': the component or overlay is new with the merge (absent on `to`); 'removed': gone after it. */
  status?: 'added' | 'removed';
}

export interface PromotionDiffResult {
  changes: PromotionChange[];
  problems: Problem[];
}

export const promotionDiffRequest = new RequestType<PromotionDiffParams, PromotionDiffResult, void>(
  'fluxOverlays/promotionDiff',
);

// ---- fluxOverlays/listClusterProfiles ------------------------------------------------------

/** No parameters. */
export type ListClusterProfilesParams = Record<string, never>;

export interface ClusterProfileInfo {
  /** The file holding the variables. */
  uri: string;
  /** The ConfigMap/Secret name (e.g. `flux-runtime-info`), or the file name for plain key: value files. */
  name: string;
  /** How many variables it sets. */
  variables: number;
  /** Why it is offered: which Flux Kustomization's postBuild.substituteFrom names it, if any. */
  detail?: string;
}

export interface ListClusterProfilesResult {
  profiles: ClusterProfileInfo[];
  problems: Problem[];
}

export const listClusterProfilesRequest = new RequestType<
  ListClusterProfilesParams,
  ListClusterProfilesResult,
  void
>('fluxOverlays/listClusterProfiles');

// ---- fluxOverlays/listClusters -------------------------------------------------------------

/** No parameters. */
export type ListClustersParams = Record<string, never>;

export interface ClusterInfo {
  /** The entry folder relative to its workspace folder, e.g. `clusters/staging`. */
  name: string;
  /** The cluster's entry folder (what `flux-overlays cluster` takes). */
  uri: string;
}

export interface ListClustersResult {
  clusters: ClusterInfo[];
  problems: Problem[];
}

export const listClustersRequest = new RequestType<ListClustersParams, ListClustersResult, void>(
  'fluxOverlays/listClusters',
);

// ---- fluxOverlays/clusterValues ------------------------------------------------------------

export interface ClusterValuesParams {
  /** The cluster's entry folder. */
  uri: string;
  /** `namespace/name` (or `name`) of the HelmRelease; the first the cluster gets when absent. */
  release?: string;
}

export interface ClusterReleaseInfo {
  namespace: string;
  name: string;
  /** The appliers that produced it, root first, e.g. `Kustomization flux-system/apps`. */
  chain: string[];
  /** Where the HelmRelease is written (in whichever workspace folder). */
  location?: Location;
}

/** A Flux Kustomization (or ResourceSet, FluxInstance) the cluster runs. */
export interface ClusterApplierInfo {
  /** `Kustomization flux-system/apps`, as in ClusterReleaseInfo.chain. */
  name: string;
  /** The applier that applied it; absent for the root. */
  parent?: string;
  status: 'applied' | 'failed' | 'source-unavailable' | 'blocked' | 'suspended';
  /** How many objects it applied. */
  objects: number;
  /** The folder it builds (in its source's local folder), when the source is available. */
  folder?: string;
  /** Where the applier object is written. */
  location?: Location;
}

/** The release's values on that cluster, with origins in any workspace folder. */
export type ClusterValuesResult = RenderedDocument & {
  release?: string;
  releases: ClusterReleaseInfo[];
  appliers?: ClusterApplierInfo[];
};

export const clusterValuesRequest = new RequestType<ClusterValuesParams, ClusterValuesResult, void>(
  'fluxOverlays/clusterValues',
);

// ---- notifications (server to client) ------------------------------------------------------

/** A contributing file changed (saved or not): open previews and the components tree refresh. */
export interface DidChangeOverlaysParams {
  /** Component folders affected; all when absent. */
  uris?: string[];
}

export const didChangeOverlaysNotification = new NotificationType<DidChangeOverlaysParams>(
  'fluxOverlays/didChangeOverlays',
);
