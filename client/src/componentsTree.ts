/** The "Flux Components" view: components, their overlays, their HelmReleases. */
import * as vscode from 'vscode';
import { readSettings } from './settings';
import { ComponentInfo, OverlayInfo, ReleaseInfo, listOverlaysRequest } from './protocol';
import { Requests } from './requests';

export type ComponentsNode =
  | { kind: 'component'; component: ComponentInfo }
  | { kind: 'overlay'; component: ComponentInfo; overlay: OverlayInfo }
  | { kind: 'release'; component: ComponentInfo; overlay: OverlayInfo; release: ReleaseInfo }
  | { kind: 'message'; text: string };

export const VIEW_ID = 'fluxOverlays.components';

export class ComponentsTree implements vscode.TreeDataProvider<ComponentsNode> {
  private readonly changed = new vscode.EventEmitter<ComponentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly requests: Requests) {}

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      this.changed,
      vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true }),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: ComponentsNode): Promise<ComponentsNode[]> {
    if (!node) {
      if (!this.requests.available) {
        return [{ kind: 'message', text: 'Language server not running (see output)' }];
      }
      try {
        const result = await this.requests.send(listOverlaysRequest, {});
        return result.components.map((component) => ({ kind: 'component', component }));
      } catch (err) {
        return [{ kind: 'message', text: `Could not list components: ${String(err)}` }];
      }
    }
    switch (node.kind) {
      case 'component':
        return node.component.overlays.map((overlay) => ({
          kind: 'overlay',
          component: node.component,
          overlay,
        }));
      case 'overlay':
        return node.overlay.releases.map((release) => ({ ...node, kind: 'release', release }));
      default:
        return [];
    }
  }

  getTreeItem(node: ComponentsNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text, None);
      case 'component': {
        const item = new vscode.TreeItem(node.component.name, Collapsed);
        item.resourceUri = vscode.Uri.parse(node.component.uri);
        item.contextValue = 'fluxComponent';
        item.iconPath = new vscode.ThemeIcon('package');
        return item;
      }
      case 'overlay': {
        const item = new vscode.TreeItem(node.overlay.name, node.overlay.releases.length > 0 ? Collapsed : None);
        item.resourceUri = vscode.Uri.parse(node.overlay.uri);
        item.contextValue = 'fluxOverlay';
        item.iconPath = new vscode.ThemeIcon('layers');
        if (node.overlay.differsFromPromotionTarget) {
          const target = readSettings().promotionTo;
          item.description = `differs from ${target}`;
          item.tooltip = `Renders differently than on the promotion target branch ${target}`;
          item.iconPath = new vscode.ThemeIcon('layers-dot');
        }
        item.command = {
          command: 'fluxOverlays.previewEffectiveValues',
          title: 'Preview Effective Values',
          arguments: [node],
        };
        return item;
      }
      case 'release': {
        const r = node.release;
        const item = new vscode.TreeItem(r.namespace ? `${r.namespace}/${r.name}` : r.name, None);
        item.contextValue = 'fluxRelease';
        item.iconPath = new vscode.ThemeIcon('rocket');
        item.command = {
          command: 'fluxOverlays.previewEffectiveValues',
          title: 'Preview Effective Values',
          arguments: [node],
        };
        return item;
      }
    }
  }
}
