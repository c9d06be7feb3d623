// publishDiagnostics: the shared diagnostics module, for open documents, debounced by ServerState.
import * as path from 'path';
import { loadProfile } from '../engine/substitute/postBuild';
import { computeDiagnostics } from '../engine/lsp-support/diagnostics';
import { toDiagnostic, uriToPath } from './convert';
import { ServerState } from './state';

export function publishDiagnostics(state: ServerState, uris: string[]): void {
  const p = state.settings.clusterProfile ? state.abs(state.settings.clusterProfile) : undefined;
  const profile = p ? { name: path.posix.relative(state.root(), p), variables: loadProfile(state.fs, p).variables } : undefined;
  for (const uri of uris) {
    try {
      if (!state.documents.get(uri)) {
        void state.connection.sendDiagnostics({ uri, diagnostics: [] });
        continue;
      }
      const file = uriToPath(uri);
      const diags = computeDiagnostics(state.index, file, { validation: state.settings.validationEnable, profile });
      void state.connection.sendDiagnostics({ uri, version: state.documents.get(uri)?.version, diagnostics: diags.map(toDiagnostic) });
    } catch (e) {
      state.log(`diagnostics failed for ${uri}: ${(e as Error).stack ?? e}`);
    }
  }
}
