/** Which variables substitute Flux `${VAR}`: a cluster ConfigMap or a file; shown in the status bar. */
import * as path from 'path';
import * as vscode from 'vscode';
import { listClusterProfilesRequest, listClustersRequest } from './protocol';
import { Requests } from './requests';
import { readSettings } from './settings';

export class ClusterProfile implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'fluxOverlays.clusterProfile',
    vscode.StatusBarAlignment.Left,
    10,
  );

  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the user picks another profile. */
  readonly onDidChange = this.changed.event;

  /**
   * The choice is kept in the workspace's state (`memento`), not written to settings.json: picking
   * a profile must not change files in the user's repository. The `fluxOverlays.clusterProfile`
   * setting, if a team sets one, is the default until a choice is made.
   */
  constructor(
    private readonly requests?: Requests,
    private readonly memento: Pick<vscode.Memento, 'get' | 'update'> = memoryMemento(),
  ) {
    this.item.name = 'Flux Overlays Cluster Profile';
    this.item.command = 'fluxOverlays.selectClusterProfile';
    this.update();
  }

  /** The selected profile's path, or undefined for none. */
  get current(): string | undefined {
    const chosen = this.memento.get<string>(PROFILE_KEY);
    if (chosen !== undefined) return chosen || undefined;
    return readSettings().clusterProfile || undefined;
  }

  update(): void {
    const p = this.current;
    this.item.text = `$(server-environment) ${p ? shortName(p) : 'No cluster profile'}`;
    this.item.tooltip = p
      ? `Flux Overlays: \${VAR} substitutions from ${p.startsWith('file:') ? vscode.workspace.asRelativePath(vscode.Uri.parse(p)) : p}`
      : 'Flux Overlays: select which cluster variables substitute ${VAR}';
    this.item.show();
  }

  /**
   * Offers the cluster profiles the server found (fleet ConfigMaps such as flux-runtime-info), a
   * file, or none. `value` (a file URI, a path relative to a workspace folder, '' for none)
   * skips the pick.
   */
  async select(value?: string): Promise<string | undefined> {
    if (value !== undefined) {
      await this.store(value);
      return value;
    }
    // The server knows which ConfigMaps are cluster profiles (named by a Flux Kustomization's
    // postBuild.substituteFrom, or runtime-info style names).
    const available = this.requests?.available === true;
    const found = available
      ? (await this.requests!.send(listClusterProfilesRequest, {})).profiles
      : [];
    // Where a fleet is open the user thinks in clusters: a profile inside a cluster's entry
    // folder is offered as that cluster (the variables its Kustomizations substitute).
    const clusters = available
      ? (await this.requests!.send(listClustersRequest, {}).catch(() => ({ clusters: [] })))
          .clusters
      : [];
    const clusterOf = (uri: string) => {
      const p = vscode.Uri.parse(uri).path;
      return clusters
        .filter((c) => p.startsWith(vscode.Uri.parse(c.uri).path + '/'))
        .sort((a, b) => b.uri.length - a.uri.length)[0];
    };
    type Pick = vscode.QuickPickItem & { value?: string; browse?: boolean; order: number };
    const profiles: Pick[] = found.map((p) => {
      const rel = vscode.workspace.asRelativePath(vscode.Uri.parse(p.uri));
      const cluster = clusterOf(p.uri);
      const detail = `${p.variables} variable(s)${p.detail ? ` · ${p.detail}` : ''}`;
      // Kept as a URI: a path relative to "the workspace" is ambiguous in a multi-root one.
      return cluster
        ? {
            label: `$(server-environment) ${cluster.name}`,
            description: `${p.name} · ${rel}`,
            detail,
            value: p.uri,
            order: clusters.indexOf(cluster),
          }
        : { label: p.name, description: rel, detail, value: p.uri, order: clusters.length };
    });
    const picks: Pick[] = [
      { label: 'None', description: 'no ${VAR} substitution', value: '', order: -1 },
      ...profiles.sort((a, b) => a.order - b.order),
      {
        label: 'Choose a file...',
        description: 'a ConfigMap or a YAML file of key: value',
        browse: true,
        order: Infinity,
      },
    ];
    const fleet = profiles.some((p) => p.order < clusters.length);
    const pick = await vscode.window.showQuickPick(picks, {
      title: fleet ? 'Flux Overlays: Select Cluster' : 'Flux Overlays: Select Cluster Profile',
      placeHolder: fleet
        ? 'The cluster whose variables substitute ${VAR}'
        : 'Variables used for ${VAR} substitution',
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
      chosenValue = chosen[0].toString();
    }
    await this.store(chosenValue);
    return chosenValue;
  }

  /** The status bar's text (what the user sees). */
  get statusText(): string {
    return this.item.text;
  }

  private async store(value: string): Promise<void> {
    await this.memento.update(PROFILE_KEY, value);
    this.update();
    this.changed.fire();
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }
}

const PROFILE_KEY = 'fluxOverlays.clusterProfile';

/** A memento for callers without an extension context (tests). */
function memoryMemento(): Pick<vscode.Memento, 'get' | 'update'> {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string, fallback?: T) =>
      (values.has(key) ? (values.get(key) as T) : fallback) as T,
    update: async (key: string, value: unknown) => {
      values.set(key, value);
    },
  } as Pick<vscode.Memento, 'get' | 'update'>;
}

/** "clusters/production/flux-runtime-info.yaml" -> "production/flux-runtime-info.yaml". */
function shortName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join('/') || path.basename(p);
}
