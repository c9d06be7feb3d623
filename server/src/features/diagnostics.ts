// publishDiagnostics: the shared diagnostics module, for open documents, debounced by ServerState.
import { computeDiagnostics } from '../engine/lsp-support/diagnostics';
import { toDiagnostic, uriToPath } from './convert';
import { ServerState } from './state';

export function publishDiagnostics(state: ServerState, uris: string[]): void {
  for (const uri of uris) {
    try {
      if (!state.documents.get(uri)) {
        void state.connection.sendDiagnostics({ uri, diagnostics: [] });
        continue;
      }
      const file = uriToPath(uri);
      const diags = computeDiagnostics(state.index, file, { validation: state.settings.validationEnable });
      void state.connection.sendDiagnostics({ uri, version: state.documents.get(uri)?.version, diagnostics: diags.map(toDiagnostic) });
    } catch (e) {
      state.log(`diagnostics failed for ${uri}: ${(e as Error).stack ?? e}`);
    }
  }
}
