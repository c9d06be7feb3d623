/** Small helpers shared by the editor tests (they run inside the extension host). */
import * as vscode from 'vscode';
import type { FluxOverlaysApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'flux-overlays.flux-overlays';

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function extension(): vscode.Extension<FluxOverlaysApi> {
  const ext = vscode.extensions.getExtension<FluxOverlaysApi>(EXTENSION_ID);
  if (!ext) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  }
  return ext;
}

/** The extension's API once activated by VS Code itself (never activated by the test). */
export async function activated(): Promise<FluxOverlaysApi> {
  const ext = extension();
  await waitFor('activation by workspaceContains', () => ext.isActive);
  return ext.exports;
}
