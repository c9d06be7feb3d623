/** Sends the custom requests of protocol.ts; the one place that knows whether a server runs. */
import * as vscode from 'vscode';
import type { LanguageClient, RequestParam, RequestType } from 'vscode-languageclient/node';

export class ServerUnavailableError extends Error {
  constructor() {
    super('the language server is not running (see the "Flux Overlays" output for why)');
  }
}

export class Requests {
  client: LanguageClient | undefined;

  get available(): boolean {
    return this.client !== undefined && this.client.isRunning();
  }

  async send<P, R>(
    type: RequestType<P, R, void>,
    params: P,
    token?: vscode.CancellationToken,
  ): Promise<R> {
    if (!this.client || !this.client.isRunning()) {
      throw new ServerUnavailableError();
    }
    // Our params are never null, so RequestParam<P> is P; TypeScript cannot see it for a generic P.
    return this.client.sendRequest(type, params as RequestParam<P>, token);
  }

  /** Like send, with a progress notification when the answer takes longer than ~300 ms. */
  async withProgress<P, R>(title: string, type: RequestType<P, R, void>, params: P): Promise<R> {
    return progressAfter(title, this.send(type, params));
  }
}

/** Waits for `pending`; a progress notification appears if it takes longer than `delayMs`. */
export async function progressAfter<R>(
  title: string,
  pending: Promise<R>,
  delayMs = 300,
): Promise<R> {
  // The timer is cleared as soon as the work ends, so nothing lingers after a quick answer.
  let timer: NodeJS.Timeout | undefined;
  try {
    const quick = await Promise.race([
      pending.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), delayMs);
      }),
    ]);
    if (quick) {
      return pending;
    }
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Flux Overlays: ${title}` },
      () => pending,
    );
  } finally {
    clearTimeout(timer);
  }
}
