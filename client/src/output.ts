/** The "Flux Overlays" output channel and the one way errors reach the user: never silent. */
import * as vscode from 'vscode';

export const OUTPUT_CHANNEL_NAME = 'Flux Overlays';

/** A problem in the user's input (the server's report on a file), not a failure of ours. */
export class InputProblem extends Error {}

export class Output implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  /** A problem in the user's input (a file, a setting): a warning line, no stack trace. */
  warn(message: string): void {
    this.channel.warn(message);
  }

  log(severity: 'error' | 'warning' | 'info', message: string): void {
    if (severity === 'info') this.channel.info(message);
    else if (severity === 'warning') this.channel.warn(message);
    else this.channel.error(message);
  }

  /** Logs the error with its details and shows a message with a "Show details" button. */
  async error(what: string, err: unknown): Promise<void> {
    // Problems in the user's files (what the server reports) are warnings without a stack
    // trace; only our own failures get one.
    if (err instanceof InputProblem) {
      this.channel.warn(`${what}: ${err.message}`);
    } else {
      this.channel.error(
        `${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
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
