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

/** The temporary copy of examples/keos-apps opened as the workspace. */
export function workspaceDir(): string {
  const dir = process.env.FLUX_OVERLAYS_TEST_WORKSPACE;
  if (!dir) {
    throw new Error('FLUX_OVERLAYS_TEST_WORKSPACE is not set');
  }
  return dir;
}

export function wsUri(relative: string): vscode.Uri {
  return vscode.Uri.file(`${workspaceDir()}/${relative}`);
}

/** The extension's API once its language server runs. */
export async function ready(): Promise<FluxOverlaysApi> {
  const api = await activated();
  const client = await api.ready;
  if (!client) {
    throw new Error('the language server did not start');
  }
  return api;
}

export async function openFile(
  relative: string,
  column = vscode.ViewColumn.One,
): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(wsUri(relative));
  return vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs a command that shows a quick pick and accepts the pick's selection (what Enter does),
 * the way a user would: the command starts, the quick pick opens, it is accepted.
 */
export async function runAcceptingQuickPick<T>(command: string, ...args: unknown[]): Promise<T> {
  let done = false;
  const result = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(
    () => {
      done = true;
    },
  );
  const deadline = Date.now() + 20_000;
  while (!done && Date.now() < deadline) {
    await sleep(250);
    if (!done) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
  }
  return result;
}

/** Text of the open document with this URI. */
export function textOf(uri: vscode.Uri): string {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc) {
    throw new Error(`${uri.toString()} is not open`);
  }
  return doc.getText();
}

/** The hover texts at a position, through every registered hover provider. */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers =
    (await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      pos,
    )) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) {
    throw new Error(`no line containing ${JSON.stringify(needle)} in:\n${text}`);
  }
  return i;
}

/**
 * Puts every dirty file buffer back to the text on disk, then saves it (no change on disk).
 * `workbench.action.files.revert` acts on the focused editor only, and in the browser workbench
 * focus may sit in a preview tab or elsewhere, leaving the edit in place for the next tests.
 */
export async function revertDirtyFiles(): Promise<void> {
  const fs = await import('fs');
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme !== 'file' || !doc.isDirty) continue;
    const disk = fs.readFileSync(doc.uri.fsPath, 'utf8');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), disk);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await waitFor(
      `${doc.uri.fsPath} to be clean`,
      () => (!doc.isDirty && doc.getText() === disk ? true : undefined),
      10_000,
    );
  }
}
