// textDocument/documentSymbol: one symbol per YAML document (Kind/name), its top-level keys below.
import { DocumentSymbol, DocumentSymbolParams, SymbolKind } from 'vscode-languageserver/node';
import { SymbolResult, documentSymbols } from '../ide';
import { originToRange, uriToPath } from './convert';
import { ServerState } from './state';

const KIND = {
  object: SymbolKind.Object,
  module: SymbolKind.Module,
  key: SymbolKind.Field,
} as const;

function toSymbol(s: SymbolResult): DocumentSymbol {
  const range = originToRange(s.origin);
  return {
    name: s.name,
    detail: s.detail,
    kind: KIND[s.kind],
    range,
    selectionRange: { start: range.start, end: range.start },
    children: s.children.map(toSymbol),
  };
}

export function onDocumentSymbols(
  state: ServerState,
  params: DocumentSymbolParams,
): DocumentSymbol[] {
  return documentSymbols(state.index, uriToPath(params.textDocument.uri)).map(toSymbol);
}
