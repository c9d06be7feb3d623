// publishDiagnostics: the shared diagnostics module, for open documents and (diagnosticsScope
// "workspace", the default) every YAML file of the index, debounced by ServerState.
import * as path from 'path';
import { loadProfile } from '../engine';
import { computeDiagnostics } from '../ide';
import { toDiagnostic, uriToPath } from './convert';
import { ServerState } from './state';

export function publishDiagnostics(state: ServerState, uris: string[]): void {
  const p = state.settings.clusterProfile ? state.abs(state.settings.clusterProfile) : undefined;
  const profile = p
    ? { name: path.posix.relative(state.root(), p), variables: loadProfile(state.fs, p).variables }
    : undefined;
  for (const uri of uris) {
    try {
      const file = uriToPath(uri);
      const doc = state.documents.get(uri);
      // Closed files: checked too with diagnosticsScope "workspace" (as `flux-overlays check`).
      if (
        !doc &&
        !(state.settings.diagnosticsScope === 'workspace' && state.index.yamlFiles.has(file))
      ) {
        if (state.published.delete(uri))
          void state.connection.sendDiagnostics({ uri, diagnostics: [] });
        continue;
      }
      const diags = computeDiagnostics(state.index, file, {
        validation: state.settings.validationEnable,
        profile,
      });
      if (diags.length === 0 && !doc && !state.published.has(uri)) continue; // nothing to say, nothing to clear
      if (diags.length > 0) state.published.add(uri);
      else state.published.delete(uri);
      void state.connection.sendDiagnostics({
        uri,
        ...(doc ? { version: doc.version } : {}),
        diagnostics: diags.map(toDiagnostic),
      });
    } catch (e) {
      state.log(`diagnostics failed for ${uri}: ${(e as Error).stack ?? e}`);
    }
  }
}
