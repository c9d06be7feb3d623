/** Which variables substitute Flux `${VAR}`: a cluster ConfigMap or a file; shown in the status bar. */
import * as path from 'path';
import * as vscode from 'vscode';
import { readSettings } from './settings';

export class ClusterProfile implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'fluxOverlays.clusterProfile',
    vscode.StatusBarAlignment.Left,
    10,
  );

  constructor() {
    this.item.name = 'Flux Overlays Cluster Profile';
    this.item.command = 'fluxOverlays.selectClusterProfile';
    this.update();
  }

  /** The selected profile's path, or undefined for none. */
  get current(): string | undefined {
    return readSettings().clusterProfile || undefined;
  }

  update(): void {
    const p = this.current;
    this.item.text = `$(server-environment) ${p ? shortName(p) : 'No cluster profile'}`;
    this.item.tooltip = p
      ? `Flux Overlays: \${VAR} substitutions from ${p}`
      : 'Flux Overlays: select which cluster variables substitute ${VAR}';
    this.item.show();
  }

  /**
   * Offers ConfigMaps found in the workspace (files whose name mentions cluster or runtime), a
   * file, or none. `value` (a workspace-relative path, '' for none) skips the pick.
   */
  async select(value?: string): Promise<string | undefined> {
    if (value !== undefined) {
      await this.store(value);
      return value;
    }
    const files = await vscode.workspace.findFiles('{**/*cluster*,**/*runtime*,**/clusters/**/*}.{yaml,yml}', '**/node_modules/**', 200);
    type Pick = vscode.QuickPickItem & { value?: string; browse?: boolean };
    const picks: Pick[] = [
      { label: 'None', description: 'no ${VAR} substitution', value: '' },
      ...files.map((f) => ({
        label: path.basename(f.fsPath),
        description: vscode.workspace.asRelativePath(f),
        value: vscode.workspace.asRelativePath(f),
      })),
      { label: 'Choose a file...', browse: true },
    ];
    const pick = await vscode.window.showQuickPick(picks, {
      title: 'Flux Overlays: Select Cluster Profile',
      placeHolder: 'Variables used for ${VAR} substitution',
    });
    if (!pick) {
      return undefined;
    }
    let chosenValue = pick.value ?? '';
    if (pick.browse) {
      const chosen = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { YAML: ['yaml', 'yml'], 'Env files': ['env'] },
      });
      if (!chosen?.[0]) {
        return undefined;
      }
      chosenValue = vscode.workspace.asRelativePath(chosen[0]);
    }
    await this.store(chosenValue);
    return chosenValue;
  }

  /** The status bar's text (what the user sees). */
  get statusText(): string {
    return this.item.text;
  }

  private async store(value: string): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('fluxOverlays').update('clusterProfile', value, target);
    this.update();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** "clusters/production/flux-runtime-info.yaml" -> "production/flux-runtime-info.yaml". */
function shortName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join('/') || path.basename(p);
}
