// textDocument/codeLens: "Preview effective values (production)" and one lens per other overlay,
// wired to the client's commands (client/src/commands.ts COMMANDS).
import { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { codeLenses } from '../ide';
import { pathToUri, uriToPath } from './convert';
import { ServerState } from './state';

export function onCodeLens(state: ServerState, params: CodeLensParams): CodeLens[] {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return codeLenses(
    state.index,
    uriToPath(params.textDocument.uri),
    state.settings.productionOverlay,
  ).map((l) => ({
    range,
    command: {
      title: l.title,
      command: l.command,
      arguments: [{ uri: pathToUri(l.args.uri), overlay: l.args.overlay }],
    },
  }));
}
