// textDocument/documentLink: every path written in a kustomization file.
import { DocumentLink, DocumentLinkParams } from 'vscode-languageserver/node';
import { documentLinks } from '../ide';
import { pathToUri, uriToPath } from './convert';
import { ServerState } from './state';

export function onDocumentLinks(state: ServerState, params: DocumentLinkParams): DocumentLink[] {
  return documentLinks(state.index, uriToPath(params.textDocument.uri)).map((l) => ({
    range: { start: { line: l.line, character: l.start }, end: { line: l.line, character: l.end } },
    target: pathToUri(l.target),
  }));
}
