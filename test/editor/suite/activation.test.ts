/// <reference types="mocha" />
/** Smoke test: the extension activates by itself on the example workspace and is wired up. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, extension } from './helpers';

const TITLES: Record<string, string> = {
  'fluxOverlays.previewProductionValues': 'Preview Production Values',
  'fluxOverlays.previewEffectiveValues': 'Preview Effective Values...',
  'fluxOverlays.showRenderedManifests': 'Show Rendered Manifests...',
  'fluxOverlays.compareOverlays': 'Compare Overlays...',
  'fluxOverlays.openPromotionDiff': 'Open Promotion Diff',
  'fluxOverlays.selectClusterProfile': 'Select Cluster Profile...',
};

suite('activation', () => {
  test('the example repository is the workspace', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a folder is open');
    assert.strictEqual(folder.uri.fsPath, process.env.FLUX_OVERLAYS_TEST_WORKSPACE);
  });

  test('activates on workspaceContains kustomization.yaml', async () => {
    await activated();
    assert.strictEqual(extension().isActive, true);
  });

  test('registers the commands of issue 5, titled exactly, in category Flux Overlays', async () => {
    await activated();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = extension().packageJSON.contributes.commands as {
      command: string;
      title: string;
      category: string;
    }[];
    for (const [id, title] of Object.entries(TITLES)) {
      assert.ok(registered.has(id), `${id} registered`);
      const c = contributed.find((x) => x.command === id);
      assert.ok(c, `${id} contributed`);
      assert.strictEqual(c.title, title);
      assert.strictEqual(c.category, 'Flux Overlays');
    }
  });

  test('has the "Flux Overlays" output channel', async () => {
    const api = await activated();
    assert.strictEqual(api.output.name, 'Flux Overlays');
  });

  test('starts the language server when it is built, and says so when it is not', async () => {
    const api = await activated();
    const client = await api.ready;
    const ext = extension();
    const main = path.join(ext.extensionPath, ext.packageJSON.main as string);
    const built = [
      path.join(path.dirname(main), 'server.js'),
      path.join(ext.extensionPath, 'out', 'server', 'src', 'server.js'),
    ].some((p) => fs.existsSync(p));
    assert.strictEqual(client !== undefined && client.isRunning(), built);
  });

  test('a command without a target fails gracefully', async () => {
    await activated();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const result = await vscode.commands.executeCommand('fluxOverlays.previewProductionValues');
    assert.strictEqual(result, undefined);
  });
});
