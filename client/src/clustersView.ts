/**
 * The Clusters view (cluster -> HelmReleases it gets) and "Preview Values on Cluster...": both
 * forward fluxOverlays/listClusters and fluxOverlays/clusterValues and show what the server
 * answers (the values as read-only YAML, each line annotated with where it came from).
 */
import * as vscode from 'vscode';
import { ClusterInfo, ClusterReleaseInfo, clusterValuesRequest, listClustersRequest } from './protocol';
import { Requests } from './requests';

export const CLUSTER_COMMANDS = {
  previewValuesOnCluster: 'fluxOverlays.previewValuesOnCluster',
  refreshClusters: 'fluxOverlays.refreshClusters',
};

type Item = { kind: 'cluster'; cluster: ClusterInfo } | { kind: 'release'; cluster: ClusterInfo; release: ClusterReleaseInfo };

export class ClustersTree implements vscode.TreeDataProvider<Item> {
  private readonly changed = new vscode.EventEmitter<Item | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  constructor(private readonly requests: Requests) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === 'cluster') {
      const t = new vscode.TreeItem(item.cluster.name, vscode.TreeItemCollapsibleState.Collapsed);
      t.resourceUri = vscode.Uri.parse(item.cluster.uri);
      t.contextValue = 'fluxCluster';
      t.iconPath = new vscode.ThemeIcon('server-environment');
      return t;
    }
    const name = `${item.release.namespace ? item.release.namespace + '/' : ''}${item.release.name}`;
    const t = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
    t.description = item.release.chain[item.release.chain.length - 1];
    t.tooltip = item.release.chain.join('\n> ');
    t.iconPath = new vscode.ThemeIcon('package');
    t.command = { title: 'Preview Values on Cluster', command: CLUSTER_COMMANDS.previewValuesOnCluster, arguments: [item.cluster.uri, name] };
    return t;
  }

  async getChildren(item?: Item): Promise<Item[]> {
    if (!this.requests.available) return [];
    if (!item) {
      const r = await this.requests.send(listClustersRequest, {});
      return r.clusters.map((cluster) => ({ kind: 'cluster', cluster }));
    }
    if (item.kind !== 'cluster') return [];
    const r = await this.requests.send(clusterValuesRequest, { uri: item.cluster.uri });
    return r.releases.map((release) => ({ kind: 'release', cluster: item.cluster, release }));
  }

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.window.registerTreeDataProvider('fluxOverlays.clusters', this),
      vscode.commands.registerCommand(CLUSTER_COMMANDS.refreshClusters, () => this.refresh()),
      vscode.commands.registerCommand(CLUSTER_COMMANDS.previewValuesOnCluster, (clusterUri?: string, release?: string) => previewValuesOnCluster(this.requests, clusterUri, release)),
    );
  }
}

/** Asks for the cluster and release when not given, then opens the values as YAML. */
export async function previewValuesOnCluster(requests: Requests, clusterUri?: string, release?: string): Promise<void> {
  if (!clusterUri) {
    const clusters = (await requests.send(listClustersRequest, {})).clusters;
    const pick = await vscode.window.showQuickPick(clusters.map((c) => ({ label: c.name, uri: c.uri })), { placeHolder: 'Cluster' });
    if (!pick) return;
    clusterUri = pick.uri;
  }
  if (!release) {
    const all = (await requests.withProgress('Evaluating the cluster', clusterValuesRequest, { uri: clusterUri })).releases;
    const pick = await vscode.window.showQuickPick(all.map((r) => ({ label: `${r.namespace ? r.namespace + '/' : ''}${r.name}`, description: r.chain.join(' > ') })), { placeHolder: 'HelmRelease' });
    if (!pick) return;
    release = pick.label;
  }
  const r = await requests.withProgress('Evaluating the cluster', clusterValuesRequest, { uri: clusterUri, release });
  const byLine = new Map(r.origins.map((o) => [o.line, o]));
  const lines = r.content.split('\n').map((l, i) => {
    const o = byLine.get(i);
    return o && l.trim() ? `${l}  # ${vscode.workspace.asRelativePath(vscode.Uri.parse(o.location.uri))}:${o.location.range.start.line + 1} (${o.layer})` : l;
  });
  const header = [`# Values of HelmRelease ${r.release ?? release} on cluster ${vscode.workspace.asRelativePath(vscode.Uri.parse(clusterUri))}`, ...r.problems.map((p) => `# ${p.severity}: ${p.message}`)];
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: [...header, ...lines].join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
}
