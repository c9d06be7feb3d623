// The custom requests of server/src/protocol.ts, answered by the engine (ide/overlays.ts
// for the workspace, ide/promotion.ts over git objects for a `promotion` source).
import {
  PlainLineOrigin,
  PlainRendered,
  effectiveValues,
  listOverlays,
  overlayManifests,
  clusterProfiles,
  clusterValues,
  discoverClusters,
  PromotionEvalOptions,
  overlaysDifferingFromTarget,
  promotionChanges,
  promotionEffectiveValues,
  promotionRenderOverlay,
} from '../ide';
import { loadProfile, parseKubeVersion } from '../engine';
import {
  ClusterValuesParams,
  ClusterValuesResult,
  ListClustersResult,
  ListClusterProfilesResult,
  EffectiveValuesParams,
  EffectiveValuesResult,
  LineOrigin,
  ListOverlaysParams,
  ListOverlaysResult,
  Problem,
  PromotionDiffParams,
  PromotionDiffResult,
  RenderOverlayParams,
  RenderOverlayResult,
} from '../protocol';
import { originToLocation, pathToUri, toProblem, uriToPath } from './convert';
import { ServerState } from './state';

function toLineOrigin(o: PlainLineOrigin): LineOrigin {
  const out: LineOrigin = { line: o.line, location: originToLocation(o.origin), layer: o.layer };
  if (o.overridden?.length)
    out.overridden = o.overridden.map((x) => ({
      value: x.value,
      location: originToLocation(x.origin),
      layer: x.layer,
    }));
  return out;
}

function toRendered(r: PlainRendered): {
  content: string;
  origins: LineOrigin[];
  problems: Problem[];
} {
  return {
    content: r.content,
    origins: r.origins.map(toLineOrigin),
    problems: r.problems.map(toProblem),
  };
}

function profile(state: ServerState, explicit?: string): string | undefined {
  const p = explicit || state.settings.clusterProfile;
  return p ? state.abs(p) : undefined;
}

const RESTRICTED: Problem = {
  severity: 'error',
  message: 'restricted mode: reading git revisions is refused until the workspace is trusted',
  step: 'git',
};

function promotionOptions(
  state: ServerState,
  file: string,
  clusterProfile?: string,
): PromotionEvalOptions {
  return {
    workspaceFs: state.fs,
    values: state.index.valuesOptions,
    clusterProfile: profile(state, clusterProfile),
    root: state.rootOf(file),
  };
}

export function onListOverlays(state: ServerState, params: ListOverlaysParams): ListOverlaysResult {
  const r = listOverlays(state.index, params.uri ? uriToPath(params.uri) : undefined);
  // Which overlays differ from the promotion target branch: read from git objects, so only in a
  // trusted workspace.
  // Each workspace folder is its own repository (multi-root: apps, system-services, fleet).
  const differs = new Map<string, boolean>();
  if (state.trusted) {
    const byRoot = new Map<
      string,
      { dir: string; workspace: () => ReturnType<typeof state.index.build> }[]
    >();
    for (const c of r.components) {
      const root = c.root ?? state.root();
      const list = byRoot.get(root) ?? [];
      for (const o of c.overlays)
        list.push({ dir: o.dir, workspace: () => state.index.build(o.dir) });
      byRoot.set(root, list);
    }
    for (const [root, overlays] of byRoot)
      for (const [k, v] of overlaysDifferingFromTarget(
        state.promotion,
        state.fs,
        root,
        state.settings.promotionTarget,
        overlays,
      ))
        differs.set(k, v);
  }
  return {
    components: r.components.map((c) => ({
      name: c.name,
      uri: pathToUri(c.dir),
      ...(c.root ? { root: pathToUri(c.root) } : {}),
      overlays: c.overlays.map((o) => ({
        name: o.name,
        uri: pathToUri(o.dir),
        releases: o.releases,
        ...(differs.has(o.dir) ? { differsFromPromotionTarget: differs.get(o.dir) } : {}),
      })),
    })),
    problems: r.problems.map(toProblem),
  };
}

export function onEffectiveValues(
  state: ServerState,
  params: EffectiveValuesParams,
): EffectiveValuesResult {
  let r;
  if (params.source?.kind === 'promotion') {
    if (!state.trusted) return { content: '', origins: [], problems: [RESTRICTED] };
    r = promotionEffectiveValues(
      state.promotion,
      uriToPath(params.uri),
      params.overlay,
      params.source,
      promotionOptions(state, uriToPath(params.uri), params.clusterProfile),
      params.release,
    );
  } else
    r = effectiveValues(
      state.index,
      uriToPath(params.uri),
      params.overlay,
      state.rootOf(uriToPath(params.uri)),
      params.release,
      profile(state, params.clusterProfile),
    );
  return { ...toRendered(r), ...(r.release ? { release: r.release } : {}) };
}

/**
 * With `releaseManifests`, what a release whose chart is not at hand is told: why no chart was
 * fetched (restricted mode reads no chart outside the workspace; fluxOverlays.charts.fetch).
 */
function chartOptions(
  state: ServerState,
  params: RenderOverlayParams,
):
  | {
      notAtHandHint: { notFetched?: string; fetchFailed?: string };
      chartArchive?: (source: string) => Uint8Array | undefined;
      chartCache?: ServerState['chartCache'];
      kubeVersion?: string;
      apiVersions?: readonly string[];
    }
  | undefined {
  if (!params.releaseManifests) return undefined;
  return { ...capabilities(state), ...chartSources(state) };
}

/** fluxOverlays.kubeVersion and apiVersions, as `template --kube-version/--api-versions` take them. */
export function capabilities(state: ServerState): {
  kubeVersion?: string;
  apiVersions?: readonly string[];
} {
  const { kubeVersion, apiVersions } = state.settings;
  return {
    // One that does not read as a version is said (settingProblems) and left out: Helm's default.
    ...(kubeVersion && parseKubeVersion(kubeVersion) ? { kubeVersion } : {}),
    ...(apiVersions.length ? { apiVersions } : {}),
  };
}

/** The rendering settings that cannot be used, said with the manifests they would change. */
function settingProblems(state: ServerState): Problem[] {
  const v = state.settings.kubeVersion;
  if (!v || parseKubeVersion(v)) return [];
  return [
    toProblem({
      severity: 'warning',
      code: 'invalid-setting',
      message: `fluxOverlays.kubeVersion ${JSON.stringify(v)} is not a Kubernetes version (like 1.29 or v1.29.3): charts are rendered with Helm's default`,
    }),
  ];
}

/**
 * How charts render in a trusted workspace, for the previews and the hover: fetched charts (and
 * those of the chart cache) from their archive in the cache, with the settings' capabilities.
 */
export function trustedChartRendering(state: ServerState): {
  chartArchive?: (source: string) => Uint8Array | undefined;
  chartCache: ServerState['chartCache'];
  kubeVersion?: string;
  apiVersions?: readonly string[];
} {
  const charts = state.charts;
  return {
    chartArchive: charts ? (source: string) => charts.archive(source) : undefined,
    chartCache: state.chartCache,
    ...capabilities(state),
  };
}

function chartSources(state: ServerState): {
  notAtHandHint: { notFetched?: string; fetchFailed?: string };
  chartArchive?: (source: string) => Uint8Array | undefined;
  chartCache?: ServerState['chartCache'];
} {
  if (!state.trusted) {
    const restricted =
      'restricted mode: charts are neither fetched nor read from the chart cache until the workspace is trusted';
    return { notAtHandHint: { notFetched: restricted, fetchFailed: restricted } };
  }
  const rendering = trustedChartRendering(state);
  if (state.settings.chartsFetch === 'never') {
    const never =
      'fluxOverlays.charts.fetch is never: only charts on disk and in the chart cache are read';
    return { ...rendering, notAtHandHint: { notFetched: never, fetchFailed: never } };
  }
  return {
    ...rendering,
    notAtHandHint: {
      notFetched:
        'fluxOverlays.charts.fetch is auto: a chart being fetched shows here when it arrives',
    },
  };
}

export function onRenderOverlay(
  state: ServerState,
  params: RenderOverlayParams,
): RenderOverlayResult {
  const r = renderOverlay(state, params);
  return params.releaseManifests && state.trusted
    ? { ...r, problems: [...r.problems, ...settingProblems(state)] }
    : r;
}

function renderOverlay(state: ServerState, params: RenderOverlayParams): RenderOverlayResult {
  if (params.source?.kind === 'promotion') {
    if (!state.trusted) return { content: '', origins: [], problems: [RESTRICTED] };
    return toRendered(
      promotionRenderOverlay(
        state.promotion,
        uriToPath(params.uri),
        params.overlay,
        params.source,
        promotionOptions(state, uriToPath(params.uri), params.clusterProfile),
        chartOptions(state, params),
      ),
    );
  }
  return toRendered(
    overlayManifests(
      state.index,
      uriToPath(params.uri),
      params.overlay,
      state.rootOf(uriToPath(params.uri)),
      profile(state, params.clusterProfile),
      chartOptions(state, params),
    ),
  );
}

export function onPromotionDiff(
  state: ServerState,
  params: PromotionDiffParams,
): PromotionDiffResult {
  if (!state.trusted) return { changes: [], problems: [RESTRICTED] };
  const prof = profile(state);
  const variables = prof ? loadProfile(state.fs, prof).variables : undefined;
  const r = promotionChanges(
    state.promotion,
    uriToPath(params.uri),
    state.fs,
    params.from,
    params.to,
    params.overlay || undefined,
    { ...state.index.valuesOptions, variables, preferredOverlay: state.settings.productionOverlay },
  );
  return {
    changes: r.changes.map((c) => ({
      component: c.component,
      uri: pathToUri(c.dir),
      overlay: c.overlay,
      ...(c.release ? { release: c.release } : {}),
      changed: c.changed,
      ...(c.status ? { status: c.status } : {}),
    })),
    problems: r.problems.map(toProblem),
  };
}

export function onListClusterProfiles(state: ServerState): ListClusterProfilesResult {
  return {
    profiles: clusterProfiles(state.index).map((p) => ({
      uri: pathToUri(p.file),
      name: p.name,
      variables: p.variables,
      ...(p.detail ? { detail: p.detail } : {}),
    })),
    problems: [],
  };
}

export function onListClusters(state: ServerState): ListClustersResult {
  return {
    clusters: discoverClusters(state.fs, state.roots).map((c) => ({
      name: c.name,
      uri: pathToUri(c.dir),
    })),
    problems: [],
  };
}

export function onClusterValues(
  state: ServerState,
  params: ClusterValuesParams,
): ClusterValuesResult {
  // Workspace folders serve as the cluster's sources (matched by repository name); in restricted
  // mode the file system does not read outside them.
  const r = clusterValues(
    state.fs,
    uriToPath(params.uri),
    state.root(),
    state.roots,
    params.release,
    [],
    { values: state.index.valuesOptions },
  );
  return {
    ...toRendered(r),
    ...(r.release ? { release: r.release } : {}),
    releases: r.releases.map(({ origin, ...x }) => ({
      ...x,
      ...(origin ? { location: originToLocation(origin) } : {}),
    })),
    appliers: r.appliers.map(({ origin, dir, ...a }) => ({
      ...a,
      ...(dir ? { folder: pathToUri(dir) } : {}),
      ...(origin ? { location: originToLocation(origin) } : {}),
    })),
  };
}
