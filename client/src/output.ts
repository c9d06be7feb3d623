/** The "Flux Overlays" output channel and the one way errors reach the user: never silent. */
import * as vscode from 'vscode';

export const OUTPUT_CHANNEL_NAME = 'Flux Overlays';

export class Output implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });

  info(message: string): void {
    this.channel.appendLine(`[${new Date().toISOString()}] ${message}`);
  }

  /** Logs the error with its details and shows a message with a "Show details" button. */
  async error(what: string, err: unknown): Promise<void> {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.info(`ERROR ${what}: ${detail}`);
    const short = err instanceof Error ? err.message : String(err);
    const choice = await vscode.window.showErrorMessage(
      `Flux Overlays: ${what}: ${short}`,
      'Show details',
    );
    if (choice === 'Show details') {
      this.channel.show(true);
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}
