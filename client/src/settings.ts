/** Typed access to the `fluxOverlays.*` settings declared in package.json. */
import * as vscode from 'vscode';

export interface Settings {
  overlayFolders: string[];
  productionOverlay: string;
  promotionFrom: string;
  promotionTo: string;
  clusterProfile: string;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('fluxOverlays', scope);
  return {
    overlayFolders: c.get<string[]>('overlayFolders', ['staging', 'production']),
    productionOverlay: c.get<string>('productionOverlay', 'production'),
    promotionFrom: c.get<string>('promotion.sourceBranch', 'main'),
    promotionTo: c.get<string>('promotion.targetBranch', 'production'),
    clusterProfile: c.get<string>('clusterProfile', ''),
  };
}
