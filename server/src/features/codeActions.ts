// textDocument/codeAction: quick fixes carried by diagnostics' data: deprecated apiVersion ->
// current one, and "did you mean" (misspelt field, enum value or reference name).
import { CodeAction, CodeActionKind, CodeActionParams, TextEdit } from 'vscode-languageserver/node';
import { ServerState } from './state';

export function onCodeActions(state: ServerState, params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  const uri = params.textDocument.uri;
  for (const d of params.context.diagnostics) {
    if (d.source !== 'flux-overlays' || !d.data) continue;
    const data = d.data as { suggestion?: string; replacement?: string; fieldsMap?: boolean };
    if (d.code === 'deprecated-api-version' && data.replacement) {
      out.push({
        title: `Change apiVersion to ${data.replacement}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: data.fieldsMap === true,
        edit: { changes: { [uri]: [TextEdit.replace(d.range, data.replacement)] } },
      });
    } else if (data.suggestion) {
      out.push({
        title: `Change to '${data.suggestion}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [uri]: [TextEdit.replace(d.range, data.suggestion)] } },
      });
    }
  }
  void state;
  return out;
}
