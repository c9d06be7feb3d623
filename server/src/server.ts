// The Flux Overlays language server: the connection, the capabilities and the wiring of every
// feature, in one place. Features live one per file in ./features (LSP params -> engine -> LSP
// result); the engine (./engine, ./ide) knows nothing about LSP.
// Start: `node out/server/src/server.js --stdio` (or --node-ipc / --socket=N, as the client chooses).

import {
  CodeActionKind,
  Connection,
  DidChangeConfigurationNotification,
  ErrorCodes,
  InitializeParams,
  InitializeResult,
  ResponseError,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { createRedactingConnection, redactStderr } from './transport';
import { checkRequestParams, pathToUri, uriToPath } from './features/convert';
import { onCodeActions } from './features/codeActions';
import { onCodeLens } from './features/codeLens';
import { onCompletion } from './features/completion';
import {
  onClusterValues,
  onEffectiveValues,
  onListClusterProfiles,
  onListClusters,
  onListOverlays,
  onPromotionDiff,
  onRenderOverlay,
} from './features/customRequests';
import { onDefinition } from './features/definition';
import { publishDiagnostics } from './features/diagnostics';
import { onDocumentLinks } from './features/documentLinks';
import { onDocumentSymbols } from './features/documentSymbols';
import { onHover } from './features/hover';
import { onReferences } from './features/references';
import { ServerState, readSettings } from './features/state';
import {
  clusterValuesRequest,
  effectiveValuesRequest,
  listClusterProfilesRequest,
  listClustersRequest,
  listOverlaysRequest,
  promotionDiffRequest,
  renderOverlayRequest,
} from './protocol';

export function startServer(connection: Connection): ServerState {
  const state = new ServerState(connection);
  let canConfigure = false;

  // Requests wait for the first index (built once the settings are read after `initialized`),
  // so a request sent right after initialize answers from the workspace, not from an empty index.
  let indexed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (indexed = resolve));

  /** One failing request answers its fallback and is logged; the server keeps running. */
  // What a custom request that threw answers: its empty result and this problem (the client shows
  // it), so a failure is never mistaken for "nothing here".
  const internalError = [
    { severity: 'error' as const, message: 'internal error (see the server log)' },
  ];
  const safe =
    <P, R>(name: string, fallback: R, fn: (state: ServerState, params: P) => R) =>
    async (params: P): Promise<R | ResponseError<void>> => {
      await ready;
      try {
        // A URI that is not a file of this machine, or a position that is not one, is answered
        // with a clear error; a position past the end of the document is clamped to it.
        const bad = checkRequestParams(params, (uri) => state.text(uri));
        if (bad) return new ResponseError(ErrorCodes.InvalidParams, `${name}: ${bad}`);
        return fn(state, params);
      } catch (e) {
        state.log(`${name} failed: ${(e as Error).stack ?? e}`);
        return fallback;
      }
    };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const folders =
      params.workspaceFolders?.map((f) => uriToPath(f.uri)) ??
      (params.rootUri ? [uriToPath(params.rootUri)] : params.rootPath ? [params.rootPath] : []);
    state.roots = folders;
    const opts = (params.initializationOptions ?? {}) as { trusted?: boolean; settings?: unknown };
    state.trusted = opts.trusted !== false;
    if (opts.settings) state.settings = readSettings(opts.settings);
    canConfigure = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '/', '-', '.'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'flux-overlays-language-server', version: '0.1.0' },
    };
  });

  const loadSettings = async () => {
    if (!canConfigure) return;
    try {
      state.settings = readSettings(await connection.workspace.getConfiguration('fluxOverlays'));
      // A folder's own settings (its .vscode/settings.json in a multi-root workspace) may set
      // extraRoots; their relative paths resolve in that folder.
      const scoped =
        state.roots.length > 1
          ? await connection.workspace.getConfiguration(
              state.roots.map((r) => ({
                scopeUri: pathToUri(r),
                section: 'fluxOverlays.extraRoots',
              })),
            )
          : [];
      state.folderExtraRoots = new Map(
        state.roots.map((r, i) => [
          r,
          Array.isArray(scoped[i]) ? (scoped[i] as unknown[]).map(String) : [],
        ]),
      );
    } catch (e) {
      state.log(`could not read settings: ${(e as Error).message}`);
    }
  };

  connection.onInitialized(async () => {
    if (canConfigure)
      void connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'fluxOverlays' })
        .catch(() => undefined);
    await loadSettings();
    try {
      state.reindex();
    } catch (e) {
      state.log(`indexing failed: ${(e as Error).stack ?? e}`);
    }
    indexed();
    state.scheduleAll();
  });

  connection.onDidChangeConfiguration(async (change) => {
    // Pull when the client can answer: it adds what is not in settings.json (the cluster profile
    // the user picked, kept in workspace state); a pushed payload would miss it.
    const s = (change.settings as { fluxOverlays?: unknown } | undefined)?.fluxOverlays;
    if (s && !canConfigure) state.settings = readSettings(s);
    else await loadSettings();
    state.reindex();
    state.scheduleAll();
  });

  state.publish = (uris) => publishDiagnostics(state, uris);
  state.documents.onDidChangeContent((e) => {
    try {
      state.changed(e.document.uri, e.document.getText());
    } catch (err) {
      state.log(`update failed: ${(err as Error).stack ?? err}`);
    }
  });
  state.documents.onDidClose((e) => {
    try {
      // Scheduled: publishDiagnostics clears it, or checks the file on disk (workspace scope).
      state.changed(e.document.uri, undefined);
    } catch (err) {
      state.log(`close failed: ${(err as Error).stack ?? err}`);
    }
  });
  connection.onDidChangeWatchedFiles((p) => {
    for (const c of p.changes) {
      try {
        if (!state.documents.get(c.uri)) state.fileChanged(uriToPath(c.uri));
      } catch (err) {
        state.log(`watch failed: ${(err as Error).message}`);
      }
    }
    state.schedule();
  });

  connection.onCompletion(safe('completion', { isIncomplete: false, items: [] }, onCompletion));
  connection.onHover(safe('hover', null, onHover));
  connection.onDefinition(safe('definition', [], onDefinition));
  connection.onReferences(safe('references', [], onReferences));
  connection.onDocumentLinks(safe('documentLinks', [], onDocumentLinks));
  connection.onDocumentSymbol(safe('documentSymbols', [], onDocumentSymbols));
  connection.onCodeLens(safe('codeLens', [], onCodeLens));
  connection.onCodeAction(safe('codeActions', [], onCodeActions));
  connection.onRequest(
    listOverlaysRequest,
    safe('listOverlays', { components: [], problems: internalError }, onListOverlays),
  );
  connection.onRequest(
    effectiveValuesRequest,
    safe(
      'effectiveValues',
      {
        content: '',
        origins: [],
        problems: internalError,
      },
      onEffectiveValues,
    ),
  );
  connection.onRequest(
    renderOverlayRequest,
    safe(
      'renderOverlay',
      {
        content: '',
        origins: [],
        problems: internalError,
      },
      onRenderOverlay,
    ),
  );
  connection.onRequest(
    promotionDiffRequest,
    safe('promotionDiff', { changes: [], problems: internalError }, onPromotionDiff),
  );
  connection.onRequest(
    listClusterProfilesRequest,
    safe('listClusterProfiles', { profiles: [], problems: internalError }, onListClusterProfiles),
  );
  connection.onRequest(
    listClustersRequest,
    safe('listClusters', { clusters: [], problems: internalError }, onListClusters),
  );
  connection.onRequest(
    clusterValuesRequest,
    safe(
      'clusterValues',
      { content: '', origins: [], problems: internalError, releases: [] },
      onClusterValues,
    ),
  );

  state.documents.listen(connection);
  connection.listen();
  return state;
}

if (require.main === module) {
  if (
    !process.argv.some(
      (a) =>
        a === '--stdio' ||
        a === '--node-ipc' ||
        a.startsWith('--socket=') ||
        a.startsWith('--pipe='),
    )
  )
    process.argv.push('--stdio');
  redactStderr();
  process.on('uncaughtException', (e) =>
    process.stderr.write(`[flux-overlays] uncaught: ${e.stack ?? e}\n`),
  );
  // Every message the server writes passes engine/secrets.ts's net (transport.ts).
  startServer(createRedactingConnection());
}
