// textDocument/hover: schema docs, and for Helm values the effective value in every overlay.
import { Hover, HoverParams, MarkupKind } from 'vscode-languageserver/node';
import { hover } from '../ide';
import { uriToPath } from './convert';
import { trustedChartRendering } from './customRequests';
import { ServerState } from './state';

export function onHover(state: ServerState, params: HoverParams): Hover | null {
  const text = state.text(params.textDocument.uri);
  if (text === undefined) return null;
  const h = hover(
    state.index,
    uriToPath(params.textDocument.uri),
    text,
    params.position.line,
    params.position.character,
    state.rootOf(uriToPath(params.textDocument.uri)),
    () => state.evaluatedClusters(),
    state.trusted ? trustedChartRendering(state) : undefined,
  );
  if (!h) return null;
  const line = params.position.line;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: { start: { line, character: h.start }, end: { line, character: h.end } },
  };
}
