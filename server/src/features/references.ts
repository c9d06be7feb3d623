// textDocument/references: from a ConfigMap/Secret name to the HelmReleases whose valuesFrom use it.
import { Location, ReferenceParams } from 'vscode-languageserver/node';
import { references } from '../ide';
import { originToLocation, uriToPath } from './convert';
import { ServerState } from './state';

export function onReferences(state: ServerState, params: ReferenceParams): Location[] {
  const text = state.text(params.textDocument.uri);
  if (text === undefined) return [];
  return references(
    state.index,
    uriToPath(params.textDocument.uri),
    text,
    params.position.line,
    params.position.character,
  ).map(originToLocation);
}
