/**
 * Flux Overlays for VS Code: wiring only. The client forwards requests to the language server
 * and displays what it renders (see protocol.ts for the custom messages).
 */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClusterProfile } from './clusterProfile';
import { ClustersTree } from './clustersView';
import { COMMANDS, Commands } from './commands';
import { ComponentsTree } from './componentsTree';
import { EditorContext } from './editorContext';
import { startLanguageClient } from './languageClient';
import { Output } from './output';
import { PreviewDocuments } from './previewDocuments';
import { didChangeOverlaysNotification } from './protocol';
import { Requests } from './requests';

/** What activate returns: used by the editor tests, not a public API. */
export interface FluxOverlaysApi {
  output: vscode.OutputChannel;
  /** Resolves once the language server started, or failed to (then undefined). */
  ready: Promise<LanguageClient | undefined>;
  commands: Commands;
  tree: ComponentsTree;
  profile: ClusterProfile;
  previews: PreviewDocuments;
  editorContext: EditorContext;
  clusters: ClustersTree;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): FluxOverlaysApi {
  const output = new Output();
  const requests = new Requests();
  const previews = new PreviewDocuments(requests, (what, err) => void output.error(what, err));
  const tree = new ComponentsTree(requests);
  const profile = new ClusterProfile(requests, context.workspaceState);
  const commands = new Commands(requests, profile, output, undefined, (l, r) =>
    previews.pair(l, r),
  );
  const editorContext = new EditorContext(requests);
  const clusters = new ClustersTree(requests, async (uri) => {
    const ctx = await commands.contextOf(uri);
    const releases = ctx.overlays
      .flatMap((o) => o.releases)
      .filter((r) => !ctx.releaseKey || r.key === ctx.releaseKey);
    return { component: ctx.component.uri, releases: [...new Set(releases.map((r) => r.name))] };
  });
  context.subscriptions.push(
    clusters.register(),
    output,
    editorContext,
    profile,
    previews.register(),
    tree.register(),
    commands.register({ [COMMANDS.refreshComponents]: () => tree.refresh() }),
    profile.onDidChange(() => {
      // The server pulls its settings again (the profile is injected there) and re-checks ${VAR}s.
      void client
        ?.sendNotification(DidChangeConfigurationNotification.type, { settings: null })
        .catch(() => undefined);
      previews.refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('fluxOverlays')) {
        profile.update();
        previews.refreshAll();
        tree.refresh();
      }
    }),
  );
  output.info(
    `Activating ${context.extension.id} ${context.extension.packageJSON.version as string}`,
  );

  const start = () =>
    startLanguageClient(context, output, () => profile.current).then((c) => {
      client = c;
      requests.client = c;
      if (c) {
        context.subscriptions.push(
          c.onNotification(didChangeOverlaysNotification, (p) => {
            previews.refreshAll();
            tree.refresh();
            clusters.refresh();
            // An edit inside a component names it; only other changes can add or drop components.
            if (!p?.uris) void editorContext.refresh();
          }),
        );
      }
      tree.refresh();
      void editorContext.refresh();
      clusters.refresh();
      return c;
    });
  const ready = start();
  // Restricted mode started the server with trusted=false; once trusted, start it again trusted.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      output.info('Workspace trusted: restarting the language server');
      await ready;
      await client?.stop().catch(() => undefined);
      await start();
      previews.refreshAll();
    }),
  );
  return {
    output: output.channel,
    ready,
    commands,
    tree,
    profile,
    previews,
    editorContext,
    clusters,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
