// textDocument/definition: paths in kustomizations, valuesFrom names, sourceRef, dependsOn.
import { DefinitionParams, Location } from 'vscode-languageserver/node';
import { definition } from '../ide';
import { fileLocation, uriToPath } from './convert';
import { ServerState } from './state';

export function onDefinition(state: ServerState, params: DefinitionParams): Location[] {
  const text = state.text(params.textDocument.uri);
  if (text === undefined) return [];
  return definition(
    state.index,
    uriToPath(params.textDocument.uri),
    text,
    params.position.line,
    params.position.character,
  ).map((t) => fileLocation(t.file, t.origin));
}
