/** Finds and starts the Flux Overlays language server; reports clearly when it cannot. */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { Output } from './output';

/**
 * Where the server may be, in order: next to the running client (the esbuild bundle in dist/,
 * as packaged), then the tsc output (running the client from out/).
 */
export function serverCandidates(context: vscode.ExtensionContext): string[] {
  return [path.join(__dirname, 'server.js'), context.asAbsolutePath('out/server/src/server.js')];
}

export function findServerModule(context: vscode.ExtensionContext): string | undefined {
  return serverCandidates(context).find((p) => fs.existsSync(p));
}

/** Starts the client, or returns undefined (after saying why in the output channel). */
export async function startLanguageClient(
  context: vscode.ExtensionContext,
  output: Output,
  clusterProfile: () => string | undefined = () => undefined,
): Promise<LanguageClient | undefined> {
  const module = findServerModule(context);
  if (!module) {
    output.info(
      `Language server not found (looked for ${serverCandidates(context).join(', ')}). ` +
        'Previews, the components tree and the other commands are unavailable until it is built.',
    );
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const client = new LanguageClient(
    'fluxOverlays',
    'Flux Overlays',
    serverOptions,
    buildClientOptions(output, vscode.workspace.isTrusted, clusterProfile),
  );
  try {
    output.info(
      `Starting language server ${module} (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`,
    );
    await client.start();
    output.info('Language server started');
    return client;
  } catch (err) {
    await output.error('the language server did not start', err);
    return undefined;
  }
}

/**
 * The client options. `trusted` reaches the server as initializationOptions.trusted: false means
 * restricted mode (no git process, no files outside the workspace).
 */
export function buildClientOptions(
  output: Output,
  trusted: boolean,
  clusterProfile: () => string | undefined = () => undefined,
): LanguageClientOptions {
  return {
    // The selected cluster profile lives in workspace state, not in settings: it reaches the
    // server as the `clusterProfile` setting through the configuration it pulls.
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((r, i) =>
            params.items[i]?.section === 'fluxOverlays' && r && typeof r === 'object'
              ? { ...(r as object), clusterProfile: clusterProfile() ?? '' }
              : r,
          );
        },
      },
    },
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: {
      configurationSection: 'fluxOverlays',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    outputChannel: output.channel,
    initializationOptions: { trusted },
  };
}
