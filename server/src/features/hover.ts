// textDocument/hover: schema docs, and for Helm values the effective value in every overlay.
import { Hover, HoverParams, MarkupKind } from 'vscode-languageserver/node';
import { RenderedFieldsOptions, hover } from '../ide';
import { uriToPath } from './convert';
import { capabilities } from './customRequests';
import { ServerState } from './state';

/** Charts render for the hover as for the manifests preview: fetched ones from their archive. */
function renderedFieldsOptions(state: ServerState): RenderedFieldsOptions {
  const charts = state.charts;
  return {
    chartArchive: charts ? (source: string) => charts.archive(source) : undefined,
    chartCache: state.chartCache,
    ...capabilities(state),
  };
}

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
    state.trusted ? renderedFieldsOptions(state) : undefined,
  );
  if (!h) return null;
  const line = params.position.line;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: { start: { line, character: h.start }, end: { line, character: h.end } },
  };
}
