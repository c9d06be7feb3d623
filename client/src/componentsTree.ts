/** The "Flux Components" view: components, their overlays, their HelmReleases. */
import * as vscode from 'vscode';
import { readSettings } from './settings';
import { ComponentInfo, OverlayInfo, ReleaseInfo, listOverlaysRequest } from './protocol';
import { Requests } from './requests';

export type ComponentsNode =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder; components: ComponentInfo[] }
  | { kind: 'component'; component: ComponentInfo }
  | { kind: 'overlay'; component: ComponentInfo; overlay: OverlayInfo }
  | { kind: 'release'; component: ComponentInfo; overlay: OverlayInfo; release: ReleaseInfo }
  | { kind: 'message'; text: string };

export const VIEW_ID = 'fluxOverlays.components';

export class ComponentsTree implements vscode.TreeDataProvider<ComponentsNode> {
  private readonly changed = new vscode.EventEmitter<ComponentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The view (set by register); tests read its selection. */
  view: vscode.TreeView<ComponentsNode> | undefined;
  /**
   * The nodes handed out since the last refresh, and who their parent is: TreeView.reveal finds
   * an element by identity, so the component node revealed must be the one getChildren returned.
   */
  private children = new Map<ComponentsNode | undefined, Promise<ComponentsNode[]>>();
  private parents = new Map<ComponentsNode, ComponentsNode>();

  constructor(private readonly requests: Requests) {}

  register(): vscode.Disposable {
    this.view = vscode.window.createTreeView(VIEW_ID, {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    return vscode.Disposable.from(
      this.changed,
      this.view,
      // As the Explorer does with files: the active file's component is selected when the view shows.
      vscode.window.onDidChangeActiveTextEditor(() => void this.revealActive()),
      this.view.onDidChangeVisibility(() => void this.revealActive()),
    );
  }

  refresh(): void {
    this.children = new Map();
    this.parents = new Map();
    this.changed.fire(undefined);
  }

  getParent(node: ComponentsNode): ComponentsNode | undefined {
    return this.parents.get(node);
  }

  getChildren(node?: ComponentsNode): Promise<ComponentsNode[]> {
    let r = this.children.get(node);
    if (!r) {
      const [parents, children] = [this.parents, this.children];
      r = this.computeChildren(node).then((nodes) => {
        if (node) for (const n of nodes) parents.set(n, node);
        // A failed or empty top level (server or index not ready yet) is asked again next time.
        if (!node && (nodes.length === 0 || nodes.some((n) => n.kind === 'message')))
          children.delete(node);
        return nodes;
      });
      children.set(node, r);
    }
    return r;
  }

  /** The component node holding `file` (the deepest component folder containing it). */
  async componentOf(file: vscode.Uri): Promise<ComponentsNode | undefined> {
    const p = file.path;
    const within = (n: ComponentsNode) =>
      n.kind === 'component' &&
      (p === vscode.Uri.parse(n.component.uri).path ||
        p.startsWith(vscode.Uri.parse(n.component.uri).path + '/'));
    let found: Extract<ComponentsNode, { kind: 'component' }> | undefined;
    for (const top of await this.getChildren()) {
      const candidates = top.kind === 'folder' ? await this.getChildren(top) : [top];
      for (const c of candidates)
        if (
          within(c) &&
          c.kind === 'component' &&
          (!found || c.component.uri.length > found.component.uri.length)
        )
          found = c;
    }
    return found;
  }

  /** Selects the active file's component in the view, when the view is visible. */
  async revealActive(): Promise<ComponentsNode | undefined> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!this.view?.visible || !uri || uri.scheme !== 'file' || !this.requests.available)
      return undefined;
    const node = await this.componentOf(uri).catch(() => undefined);
    if (!node) return undefined;
    await this.view.reveal(node, { select: true, focus: false, expand: false });
    return node;
  }

  private async computeChildren(node?: ComponentsNode): Promise<ComponentsNode[]> {
    if (!node) {
      if (!this.requests.available) {
        return [{ kind: 'message', text: 'Language server not running (see output)' }];
      }
      try {
        const result = await this.requests.send(listOverlaysRequest, {});
        const folders = vscode.workspace.workspaceFolders ?? [];
        if (folders.length <= 1) {
          return result.components.map((component) => ({ kind: 'component', component }));
        }
        // Multi-root: a level per workspace folder (components of the same name may be in several).
        return folders
          .map((folder) => ({
            kind: 'folder' as const,
            folder,
            components: result.components.filter(
              (c) => c.root === folder.uri.toString() || (!c.root && folder.index === 0),
            ),
          }))
          .filter((n) => n.components.length > 0);
      } catch (err) {
        return [{ kind: 'message', text: `Could not list components: ${String(err)}` }];
      }
    }
    switch (node.kind) {
      case 'folder':
        return node.components.map((component) => ({ kind: 'component', component }));
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
      case 'folder': {
        const item = new vscode.TreeItem(
          node.folder.name,
          vscode.TreeItemCollapsibleState.Expanded,
        );
        item.resourceUri = node.folder.uri;
        item.contextValue = 'fluxFolder';
        item.iconPath = new vscode.ThemeIcon('root-folder');
        item.description = `${node.components.length} component${node.components.length === 1 ? '' : 's'}`;
        return item;
      }
      case 'component': {
        const item = new vscode.TreeItem(node.component.name, Collapsed);
        item.resourceUri = vscode.Uri.parse(node.component.uri);
        item.contextValue = 'fluxComponent';
        item.iconPath = new vscode.ThemeIcon('package');
        return item;
      }
      case 'overlay': {
        const item = new vscode.TreeItem(
          node.overlay.name,
          node.overlay.releases.length > 0 ? Collapsed : None,
        );
        item.resourceUri = vscode.Uri.parse(node.overlay.uri);
        item.contextValue = 'fluxOverlay';
        item.iconPath = new vscode.ThemeIcon('layers');
        if (node.overlay.differsFromPromotionTarget) {
          // "not on branch production yet", never "production differs from production".
          const target = readSettings(vscode.Uri.parse(node.overlay.uri)).promotionTo;
          item.description = `not on branch ${target} yet`;
          item.tooltip = `The ${node.overlay.name} overlay renders differently here than on branch ${target} (the promotion target)`;
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
