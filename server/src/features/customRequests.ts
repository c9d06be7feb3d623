// The custom requests of server/src/protocol.ts, answered by the engine (lsp-support/overlays.ts).
import * as path from 'path';
import { PlainLineOrigin, PlainProblem, PlainRendered, effectiveValues, listOverlays, renderOverlay } from '../engine/lsp-support/overlays';
import {
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
import { originToLocation, pathToUri, uriToPath } from './convert';
import { ServerState } from './state';

function toProblem(p: PlainProblem): Problem {
  const out: Problem = { message: p.message, severity: p.severity };
  if (p.step) out.step = p.step;
  if (p.origin) out.location = originToLocation({ ...p.origin, endLine: p.origin.line, endCol: p.origin.col + 1 });
  return out;
}

function toLineOrigin(o: PlainLineOrigin): LineOrigin {
  const out: LineOrigin = { line: o.line, location: originToLocation(o.origin), layer: o.layer };
  if (o.overridden?.length) out.overridden = o.overridden.map((x) => ({ value: x.value, location: originToLocation(x.origin), layer: x.layer }));
  return out;
}

function toRendered(r: PlainRendered): { content: string; origins: LineOrigin[]; problems: Problem[] } {
  return { content: r.content, origins: r.origins.map(toLineOrigin), problems: r.problems.map(toProblem) };
}

function profile(state: ServerState, explicit?: string): string | undefined {
  const p = explicit || state.settings.clusterProfile;
  if (!p) return undefined;
  const f = p.startsWith('file:') ? uriToPath(p) : p;
  return path.isAbsolute(f) ? f : path.posix.join(state.root(), f);
}

const PROMOTION_UNAVAILABLE: Problem = { severity: 'error', message: 'reading git revisions is not available in this server build yet (the git engine is not wired in); showing nothing rather than the working tree', step: 'git' };

export function onListOverlays(state: ServerState, params: ListOverlaysParams): ListOverlaysResult {
  const r = listOverlays(state.index, params.uri ? uriToPath(params.uri) : undefined);
  return {
    components: r.components.map((c) => ({ name: c.name, uri: pathToUri(c.dir), overlays: c.overlays.map((o) => ({ name: o.name, uri: pathToUri(o.dir), releases: o.releases })) })),
    problems: r.problems.map(toProblem),
  };
}

export function onEffectiveValues(state: ServerState, params: EffectiveValuesParams): EffectiveValuesResult {
  if (params.source && params.source.kind !== 'workspace') return { content: '', origins: [], problems: [PROMOTION_UNAVAILABLE] };
  const r = effectiveValues(state.index, uriToPath(params.uri), params.overlay, state.root(), params.release, profile(state, params.clusterProfile));
  return { ...toRendered(r), ...(r.release ? { release: r.release } : {}) };
}

export function onRenderOverlay(state: ServerState, params: RenderOverlayParams): RenderOverlayResult {
  if (params.source && params.source.kind !== 'workspace') return { content: '', origins: [], problems: [PROMOTION_UNAVAILABLE] };
  return toRendered(renderOverlay(state.index, uriToPath(params.uri), params.overlay, state.root(), profile(state, params.clusterProfile)));
}

export function onPromotionDiff(state: ServerState, params: PromotionDiffParams): PromotionDiffResult {
  void state;
  void params;
  return { changes: [], problems: [PROMOTION_UNAVAILABLE] };
}
