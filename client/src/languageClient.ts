/** Finds and starts the Flux Overlays language server; reports clearly when it cannot. */
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { Output } from './output';

/** Where the server may be, in order: the esbuild bundle (packaged), then the tsc output. */
export const SERVER_CANDIDATES = ['dist/server.js', 'out/server/src/server.js'];

export function findServerModule(context: vscode.ExtensionContext): string | undefined {
  return SERVER_CANDIDATES.map((p) => context.asAbsolutePath(p)).find((p) => fs.existsSync(p));
}

/** Starts the client, or returns undefined (after saying why in the output channel). */
export async function startLanguageClient(
  context: vscode.ExtensionContext,
  output: Output,
): Promise<LanguageClient | undefined> {
  const module = findServerModule(context);
  if (!module) {
    output.info(
      `Language server not found (looked for ${SERVER_CANDIDATES.join(', ')} in ` +
        `${context.extensionPath}). Previews, the components tree and the other commands ` +
        'are unavailable until it is built.',
    );
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: {
      configurationSection: 'fluxOverlays',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
    outputChannel: output.channel,
    initializationOptions: { trusted: vscode.workspace.isTrusted },
  };
  const client = new LanguageClient('fluxOverlays', 'Flux Overlays', serverOptions, clientOptions);
  try {
    output.info(`Starting language server ${module}`);
    await client.start();
    output.info('Language server started');
    return client;
  } catch (err) {
    await output.error('the language server did not start', err);
    return undefined;
  }
}
