/**
 * The Flux Clusters view (cluster -> the Kustomizations it runs, nested as they apply each other
 * -> the HelmReleases each applies) and "Preview Values on Cluster...": both forward
 * fluxOverlays/listClusters and fluxOverlays/clusterValues and show what the server answers (the
 * values as read-only YAML, each line annotated with where it came from).
 */
import * as vscode from 'vscode';
import {
  ClusterApplierInfo,
  ClusterInfo,
  ClusterReleaseInfo,
  ClusterValuesResult,
  clusterValuesRequest,
  listClustersRequest,
} from './protocol';
import { Requests, progressAfter } from './requests';

export const CLUSTER_COMMANDS = {
  previewValuesOnCluster: 'fluxOverlays.previewValuesOnCluster',
  refreshClusters: 'fluxOverlays.refreshClusters',
};

export type ClustersNode =
  | { kind: 'cluster'; cluster: ClusterInfo }
  | { kind: 'applier'; cluster: ClusterInfo; applier: ClusterApplierInfo }
  | { kind: 'release'; cluster: ClusterInfo; release: ClusterReleaseInfo }
  | { kind: 'message'; text: string };

/** The component folder of the file the user is in and the names of the releases the file feeds (all of the component's when none in particular). */
export type FileReleases = (
  uri: string,
) => Promise<{ component: string; releases: string[] } | undefined>;

export function releaseLabel(r: { namespace: string; name: string }): string {
  return `${r.namespace ? r.namespace + '/' : ''}${r.name}`;
}

export class ClustersTree implements vscode.TreeDataProvider<ClustersNode> {
  private readonly changed = new vscode.EventEmitter<ClustersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One evaluation per cluster until the next refresh (a cluster evaluation builds every path it runs). */
  private readonly evaluated = new Map<string, Promise<ClusterValuesResult>>();

  constructor(
    private readonly requests: Requests,
    private readonly fileReleases?: FileReleases,
  ) {}

  refresh(): void {
    this.evaluated.clear();
    this.changed.fire(undefined);
  }

  /** What the cluster gets (cached until refresh). */
  evaluate(clusterUri: string): Promise<ClusterValuesResult> {
    let r = this.evaluated.get(clusterUri);
    if (!r) {
      r = this.requests.send(clusterValuesRequest, { uri: clusterUri });
      r.catch(() => this.evaluated.delete(clusterUri));
      this.evaluated.set(clusterUri, r);
    }
    return r;
  }

  getTreeItem(node: ClustersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      case 'cluster': {
        const t = new vscode.TreeItem(node.cluster.name, vscode.TreeItemCollapsibleState.Collapsed);
        t.resourceUri = vscode.Uri.parse(node.cluster.uri);
        t.contextValue = 'fluxCluster';
        t.iconPath = new vscode.ThemeIcon('server-environment');
        return t;
      }
      case 'applier': {
        const a = node.applier;
        // "Kustomization flux-system/apps-podinfo" does not fit a side bar: the name, the rest in the tooltip.
        const [kind, ref] = a.name.split(' ');
        const name = ref?.slice(ref.indexOf('/') + 1) ?? a.name;
        const t = new vscode.TreeItem(
          kind === 'Kustomization' ? name : `${kind} ${name}`,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        const folder = a.folder
          ? vscode.workspace.asRelativePath(vscode.Uri.parse(a.folder))
          : undefined;
        // What a user asks first: which folder (component overlay) it builds, and whether it applies.
        t.description =
          a.status === 'applied'
            ? (folder ?? `${a.objects} objects`)
            : `${a.status}${folder ? ` · ${folder}` : ''}`;
        t.tooltip = `${a.name}: ${a.status}, ${a.objects} object${a.objects === 1 ? '' : 's'}${folder ? `\nbuilds ${folder}` : ''}${a.parent ? `\napplied by ${a.parent}` : ''}`;
        t.contextValue = 'fluxClusterApplier';
        t.iconPath = new vscode.ThemeIcon(a.status === 'applied' ? 'layers' : 'warning');
        if (a.location) {
          const loc = a.location;
          t.command = {
            title: 'Open',
            command: 'vscode.open',
            arguments: [
              vscode.Uri.parse(loc.uri),
              {
                selection: new vscode.Range(
                  loc.range.start.line,
                  loc.range.start.character,
                  loc.range.start.line,
                  loc.range.start.character,
                ),
              },
            ],
          };
        }
        return t;
      }
      case 'release': {
        const name = releaseLabel(node.release);
        const t = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
        if (node.release.location)
          t.description = vscode.workspace.asRelativePath(
            vscode.Uri.parse(node.release.location.uri),
          );
        t.tooltip = node.release.chain.join('\n> ');
        t.contextValue = 'fluxClusterRelease';
        t.iconPath = new vscode.ThemeIcon('rocket');
        t.command = {
          title: 'Preview Values on Cluster',
          command: CLUSTER_COMMANDS.previewValuesOnCluster,
          arguments: [node.cluster.uri, name],
        };
        return t;
      }
    }
  }

  async getChildren(node?: ClustersNode): Promise<ClustersNode[]> {
    if (!this.requests.available) return [];
    if (!node) {
      const r = await this.requests.send(listClustersRequest, {});
      return r.clusters.map((cluster) => ({ kind: 'cluster', cluster }));
    }
    if (node.kind === 'message' || node.kind === 'release') return [];
    let r: ClusterValuesResult;
    try {
      r = await this.evaluate(node.cluster.uri);
    } catch (err) {
      return [{ kind: 'message', text: `Could not evaluate the cluster: ${String(err)}` }];
    }
    const appliers = r.appliers ?? [];
    const known = new Set(appliers.map((a) => a.name));
    const parent = node.kind === 'applier' ? node.applier.name : undefined;
    // Top level: appliers nothing else applied (the root, normally the cluster's flux-system sync).
    const children = appliers.filter((a) =>
      parent ? a.parent === parent : !a.parent || !known.has(a.parent),
    );
    const releases = parent ? r.releases.filter((x) => x.chain[x.chain.length - 1] === parent) : [];
    return [
      ...children.map((applier): ClustersNode => ({
        kind: 'applier',
        cluster: node.cluster,
        applier,
      })),
      ...releases.map((release): ClustersNode => ({
        kind: 'release',
        cluster: node.cluster,
        release,
      })),
    ];
  }

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      this.changed,
      vscode.window.registerTreeDataProvider('fluxOverlays.clusters', this),
      vscode.commands.registerCommand(CLUSTER_COMMANDS.refreshClusters, () => this.refresh()),
      vscode.commands.registerCommand(
        CLUSTER_COMMANDS.previewValuesOnCluster,
        (clusterUri?: string, release?: string) => this.previewValuesOnCluster(clusterUri, release),
      ),
    );
  }

  /**
   * The release under the cursor: a HelmRelease written in the active file (the one whose
   * document holds the cursor), else the release of the file's component that the file feeds
   * (or the component's only one). Returns the clusters that get it with that release's name
   * there, as the server's cluster evaluation finds it.
   */
  async releaseUnderCursor(): Promise<
    | { release: string; clusters: { cluster: ClusterInfo; release: ClusterReleaseInfo }[] }
    | undefined
  > {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== 'file') return undefined;
    const file = editor.document.uri;
    const clusters = (await this.requests.send(listClustersRequest, {})).clusters;
    const all: { cluster: ClusterInfo; release: ClusterReleaseInfo }[] = [];
    const results = await progressAfter(
      'Evaluating the clusters',
      Promise.all(clusters.map((c) => this.evaluate(c.uri).catch(() => undefined))),
    );
    clusters.forEach((cluster, i) => {
      for (const release of results[i]?.releases ?? []) all.push({ cluster, release });
    });
    const text = editor.document.getText();
    const cursor = editor.selection.active.line;
    const [from, to] = documentAround(text, cursor);
    // A HelmRelease written in this file, in the document (between `---`) holding the cursor.
    const inFile = all.filter(
      (x) => x.release.location && vscode.Uri.parse(x.release.location.uri).path === file.path,
    );
    const underCursor = inFile.filter(
      (x) =>
        x.release.location!.range.start.line >= from && x.release.location!.range.start.line <= to,
    );
    let chosen = underCursor.length ? underCursor : undefined;
    if (!chosen && this.fileReleases) {
      const own = await this.fileReleases(file.toString()).catch(() => undefined);
      if (own) {
        const inComponent = all.filter(
          (x) =>
            x.release.location &&
            vscode.Uri.parse(x.release.location.uri).path.startsWith(
              vscode.Uri.parse(own.component).path + '/',
            ),
        );
        const named = inComponent.filter((x) => own.releases.includes(x.release.name));
        chosen = named.length ? named : inComponent;
      }
    }
    if (!chosen?.length) return undefined;
    const names = [...new Set(chosen.map((x) => releaseLabel(x.release)))];
    let release = names[0];
    if (names.length > 1) {
      const pick = await vscode.window.showQuickPick(names, {
        title: 'Flux Overlays: Preview Values on Cluster',
        placeHolder: 'HelmRelease',
      });
      if (!pick) return undefined;
      release = pick;
    }
    return { release, clusters: chosen.filter((x) => releaseLabel(x.release) === release) };
  }

  /**
   * Asks for the cluster and release when not given (starting from the release under the
   * cursor), then opens the values as YAML. Returns the document (tests read it).
   */
  async previewValuesOnCluster(
    clusterUri?: string,
    release?: string,
  ): Promise<vscode.TextDocument | undefined> {
    if (!clusterUri && !release) {
      const here = await this.releaseUnderCursor();
      if (here) {
        release = here.release;
        if (here.clusters.length === 1) {
          clusterUri = here.clusters[0].cluster.uri;
        } else {
          const pick = await vscode.window.showQuickPick(
            here.clusters.map((c) => ({
              label: c.cluster.name,
              description: c.release.chain.join(' > '),
              uri: c.cluster.uri,
            })),
            { title: `Flux Overlays: Values of ${release} on cluster`, placeHolder: 'Cluster' },
          );
          if (!pick) return undefined;
          clusterUri = pick.uri;
        }
      }
    }
    if (!clusterUri) {
      const clusters = (await this.requests.send(listClustersRequest, {})).clusters;
      const pick = await vscode.window.showQuickPick(
        clusters.map((c) => ({ label: c.name, uri: c.uri })),
        { placeHolder: 'Cluster' },
      );
      if (!pick) return undefined;
      clusterUri = pick.uri;
    }
    if (!release) {
      const all = (
        await this.requests.withProgress('Evaluating the cluster', clusterValuesRequest, {
          uri: clusterUri,
        })
      ).releases;
      const pick = await vscode.window.showQuickPick(
        all.map((r) => ({ label: releaseLabel(r), description: r.chain.join(' > ') })),
        { placeHolder: 'HelmRelease' },
      );
      if (!pick) return undefined;
      release = pick.label;
    }
    const r = await this.requests.withProgress('Evaluating the cluster', clusterValuesRequest, {
      uri: clusterUri,
      release,
    });
    const byLine = new Map(r.origins.map((o) => [o.line, o]));
    const lines = r.content.split('\n').map((l, i) => {
      const o = byLine.get(i);
      return o && l.trim()
        ? `${l}  # ${vscode.workspace.asRelativePath(vscode.Uri.parse(o.location.uri))}:${o.location.range.start.line + 1} (${o.layer})`
        : l;
    });
    const header = [
      `# Values of HelmRelease ${r.release ?? release} on cluster ${vscode.workspace.asRelativePath(vscode.Uri.parse(clusterUri))}`,
      ...r.problems.map((p) => `# ${p.severity}: ${p.message}`),
    ];
    const doc = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: [...header, ...lines].join('\n'),
    });
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  }
}

/** The lines [first, last] of the YAML document (between `---` separators) holding `line`. */
function documentAround(text: string, line: number): [number, number] {
  const lines = text.split('\n');
  let from = line;
  while (from > 0 && !/^---\s*$/.test(lines[from])) from--;
  let to = line + 1;
  while (to < lines.length && !/^---\s*$/.test(lines[to])) to++;
  return [from, to - 1];
}
