// textDocument/completion: cursor -> engine candidates -> CompletionItems.
import { CompletionList, CompletionParams } from 'vscode-languageserver/node';
import { complete } from '../ide';
import { toCompletionItem, uriToPath } from './convert';
import { ServerState } from './state';

export function onCompletion(state: ServerState, params: CompletionParams): CompletionList {
  const text = state.text(params.textDocument.uri);
  if (text === undefined) return { isIncomplete: false, items: [] };
  const candidates = complete(
    state.index,
    uriToPath(params.textDocument.uri),
    text,
    params.position.line,
    params.position.character,
  );
  return {
    isIncomplete: false,
    items: candidates.map((c) => toCompletionItem(c, params.position.line)),
  };
}
