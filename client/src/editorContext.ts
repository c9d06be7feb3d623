/**
 * The `fluxOverlays.inComponent` context key: true when the active editor's file belongs to a
 * Flux component, so the editor-title button appears only there. Component folders come from
 * the server (fluxOverlays/listOverlays) and are asked again when it says overlays changed.
 */
import * as vscode from 'vscode';
import { listOverlaysRequest } from './protocol';
import { Requests } from './requests';

export const IN_COMPONENT = 'fluxOverlays.inComponent';

export class EditorContext implements vscode.Disposable {
  private folders: string[] = [];
  private readonly subscription: vscode.Disposable;
  /** The value last set (tests read it: context keys cannot be read back through the API). */
  inComponent = false;

  constructor(private readonly requests: Requests) {
    this.subscription = vscode.window.onDidChangeActiveTextEditor(() => void this.update());
  }

  /** Asks the server for the component folders again, then updates the key. */
  async refresh(): Promise<void> {
    if (!this.requests.available) return;
    try {
      const r = await this.requests.send(listOverlaysRequest, {});
      this.folders = r.components.map((c) => vscode.Uri.parse(c.uri).path);
    } catch {
      this.folders = [];
    }
    await this.update();
  }

  async update(): Promise<void> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const p = uri?.scheme === 'file' ? uri.path : undefined;
    const value = p !== undefined && this.folders.some((f) => p.startsWith(f + '/'));
    this.inComponent = value;
    await vscode.commands.executeCommand('setContext', IN_COMPONENT, value);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
