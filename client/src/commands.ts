/**
 * The palette commands of issue 5. Each resolves its target (argument from a code lens or the
 * tree, else the active editor), asks the server, and opens what it rendered. Failures become a
 * message with "Show details", never an exception out of the command.
 */
import * as vscode from 'vscode';
import { ClusterProfile } from './clusterProfile';
import { ComponentsNode } from './componentsTree';
import { InputProblem, Output } from './output';
import { SCHEME, previewUri } from './previewDocuments';
import {
  ComponentInfo,
  EffectiveValuesParams,
  OverlayInfo,
  PromotionChange,
  RenderOverlayParams,
  listOverlaysRequest,
  promotionDiffRequest,
} from './protocol';
import { Requests, progressAfter } from './requests';
import { readSettings } from './settings';

/** Command ids and their titles, exactly as contributed in package.json. */
export const COMMANDS = {
  previewProductionValues: 'fluxOverlays.previewProductionValues',
  previewEffectiveValues: 'fluxOverlays.previewEffectiveValues',
  showRenderedManifests: 'fluxOverlays.showRenderedManifests',
  compareOverlays: 'fluxOverlays.compareOverlays',
  openPromotionDiff: 'fluxOverlays.openPromotionDiff',
  selectClusterProfile: 'fluxOverlays.selectClusterProfile',
  refreshComponents: 'fluxOverlays.refreshComponents',
  switchValuesManifests: 'fluxOverlays.switchValuesManifests',
} as const;

/** What code lenses and other callers pass: a component file/folder and optional choices. */
export interface CommandTarget {
  uri: string;
  overlay?: string;
  release?: string;
  /** compareOverlays only: the two overlays. */
  left?: string;
  right?: string;
}

/** Open Promotion Diff's optional argument: which changed component to open (skips the pick). */
export interface PromotionTarget {
  component?: string;
  overlay?: string;
  release?: string;
  /** The workspace folder (repository) to compare; default: the active file's, else a pick. */
  folder?: string;
}

type CommandArg = CommandTarget | ComponentsNode | vscode.Uri | undefined;

class UserError extends Error {}

export class Commands {
  constructor(
    private readonly requests: Requests,
    private readonly profile: ClusterProfile,
    private readonly output: Output,
    /** Workspace trust (injectable for tests: the test workbench always trusts). */
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
    /** Tells the previews that two URIs are the sides of one comparison (see PreviewDocuments.pair). */
    private readonly pairSides: (left: vscode.Uri, right: vscode.Uri) => void = () => undefined,
  ) {}

  register(extra: Record<string, () => unknown>): vscode.Disposable {
    const wrap =
      (what: string, fn: (arg: CommandArg) => Promise<unknown>) =>
      async (arg: CommandArg): Promise<unknown> => {
        try {
          return await fn(arg);
        } catch (err) {
          if (err instanceof UserError) {
            void vscode.window.showInformationMessage(`Flux Overlays: ${err.message}`);
            return undefined;
          }
          void this.output.error(what, err);
          return undefined;
        }
      };
    const table: Record<string, (arg: CommandArg) => Promise<unknown>> = {
      [COMMANDS.previewProductionValues]: wrap('Preview Production Values', (a) =>
        this.previewValues(a, readSettings().productionOverlay),
      ),
      [COMMANDS.previewEffectiveValues]: wrap('Preview Effective Values', (a) =>
        this.previewValues(a),
      ),
      [COMMANDS.showRenderedManifests]: wrap('Show Rendered Manifests', (a) =>
        this.showManifests(a),
      ),
      [COMMANDS.compareOverlays]: wrap('Compare Overlays', (a) => this.compare(a)),
      [COMMANDS.openPromotionDiff]: wrap('Open Promotion Diff', (a) =>
        this.promotionDiff(
          a && 'kind' in a
            ? a.kind === 'message'
              ? undefined
              : a.kind === 'folder'
                ? { folder: a.folder.uri.toString() }
                : {
                    component: a.component.name,
                    ...(a.component.root ? { folder: a.component.root } : {}),
                  }
            : (a as PromotionTarget | undefined),
        ),
      ),
      [COMMANDS.selectClusterProfile]: wrap('Select Cluster Profile', (a) =>
        this.profile.select(typeof a === 'string' ? a : undefined),
      ),
      [COMMANDS.switchValuesManifests]: wrap('Switch Between Values and Manifests', () =>
        this.switchValuesManifests(),
      ),
    };
    for (const [id, fn] of Object.entries(extra)) {
      table[id] = async () => fn();
    }
    return vscode.Disposable.from(
      ...Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, fn)),
    );
  }

  /**
   * Opens the effective values; returns the preview's URI (used by tests). `overlay` is the
   * configured production overlay for Preview Production Values: when the component has none
   * by that name, its overlays are offered instead (and the setting that makes one the default).
   */
  async previewValues(arg: CommandArg, overlay?: string): Promise<vscode.Uri | undefined> {
    const t = toTarget(arg);
    // With an overlay given (code lens, tree), a folder outside any component still previews.
    const ctx = t.overlay
      ? await this.contextOf(t.uri).catch(() => undefined)
      : await this.contextOf(t.uri);
    let chosen = t.overlay ?? overlay;
    if (ctx && chosen && !t.overlay && !ctx.overlays.some((o) => o.name === chosen)) {
      chosen = (
        await this.pickOverlay(
          ctx,
          `Effective values (no '${chosen}' overlay here; fluxOverlays.productionOverlay names the default) of`,
        )
      )?.name;
    } else if (ctx && !chosen) {
      chosen = (await this.pickOverlay(ctx, 'Effective values of'))?.name;
    }
    if (!chosen) {
      return undefined;
    }
    const release = t.release ?? (ctx ? await this.releaseIn(ctx, chosen) : undefined);
    const uri = previewUri('values', {
      uri: t.uri,
      overlay: chosen,
      release,
      clusterProfile: this.profile.current,
    });
    await showPreview(uri);
    return uri;
  }

  async showManifests(arg: CommandArg): Promise<vscode.Uri | undefined> {
    const t = toTarget(arg);
    const overlay =
      t.overlay ??
      (await this.pickOverlay(await this.contextOf(t.uri), 'Rendered manifests of'))?.name;
    if (!overlay) {
      return undefined;
    }
    // The overlay's objects and, per HelmRelease, what its chart installs (rendered by the server).
    const uri = previewUri('manifests', {
      uri: t.uri,
      overlay,
      clusterProfile: this.profile.current,
      releaseManifests: true,
    });
    await showPreview(uri);
    return uri;
  }

  async compare(arg: CommandArg): Promise<[vscode.Uri, vscode.Uri] | undefined> {
    const t = toTarget(arg);
    let left = t.left;
    let right = t.right;
    const ctx =
      left && right
        ? await this.contextOf(t.uri).catch(() => undefined)
        : await this.contextOf(t.uri);
    if (ctx && (!left || !right)) {
      const names = ctx.overlays.map((o) => o.name);
      const configured = readSettings().overlayFolders.filter((n) => names.includes(n));
      // Preselect the configured pair when the component has it, else the file's own overlay.
      const preselect =
        configured.length >= 2 ? configured.slice(0, 2) : ctx.own ? [ctx.own.name] : [];
      const items = names.map((label) => ({
        label,
        description: label === ctx.own?.name ? 'this file' : undefined,
        picked: preselect.includes(label),
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Flux Overlays: Compare Overlays',
        placeHolder: 'Pick two overlays (left, then right)',
        canPickMany: true,
      });
      if (!picked) {
        return undefined;
      }
      if (picked.length !== 2) {
        throw new UserError('pick exactly two overlays to compare');
      }
      // Left is the earlier stage: base, then the order of fluxOverlays.overlayFolders.
      const order = readSettings().overlayFolders;
      const rank = (n: string) =>
        n === 'base' ? -1 : order.includes(n) ? order.indexOf(n) : order.length + names.indexOf(n);
      [left, right] = picked.map((p) => p.label).sort((a, b) => rank(a) - rank(b));
    }
    if (!left || !right) {
      return undefined;
    }
    // The same release on both sides, paired through where it comes from in the base (its name
    // may differ: namePrefix `staging-`), starting from the file's own release.
    let key =
      ctx?.releaseKey ??
      (t.release
        ? ctx?.overlays.flatMap((o) => o.releases).find((r) => r.name === t.release)?.key
        : undefined);
    if (!key && ctx && !t.release) {
      const name = await this.releaseIn(ctx, left);
      key = ctx.overlays.find((o) => o.name === left)?.releases.find((r) => r.name === name)?.key;
    }
    const nameIn = (overlay: string) =>
      ctx?.overlays
        .find((o) => o.name === overlay)
        ?.releases.find((r) => key !== undefined && r.key === key)?.name ?? t.release;
    const [lr, rr] = [nameIn(left), nameIn(right)];
    const profile = this.profile.current;
    const l = previewUri('values', {
      uri: t.uri,
      overlay: left,
      release: lr,
      clusterProfile: profile,
    });
    const r = previewUri('values', {
      uri: t.uri,
      overlay: right,
      release: rr,
      clusterProfile: profile,
    });
    const what = lr && rr ? (lr === rr ? ` · ${lr}` : ` · ${lr} ↔ ${rr}`) : '';
    this.pairSides(l, r);
    await progressAfter(
      `comparing ${left} with ${right}`,
      Promise.resolve(
        vscode.commands.executeCommand(
          'vscode.diff',
          l,
          r,
          `Effective values: ${left} ↔ ${right}${what}`,
        ),
      ),
    );
    return [l, r];
  }

  async promotionDiff(arg?: PromotionTarget): Promise<PromotionChange | undefined> {
    const folder = await this.promotionFolder(arg);
    if (!folder) {
      return undefined;
    }
    if (!this.isTrusted()) {
      throw new UserError('promotion diffs read git objects; trust this workspace first');
    }
    const s = readSettings(folder.uri);
    // No overlay: the server reports every overlay that differs (the production overlay first),
    // since a promotion changes every overlay built from the target branch.
    const result = await this.requests.withProgress(
      `comparing ${s.promotionTo} with ${s.promotionFrom} merged`,
      promotionDiffRequest,
      { uri: folder.uri.toString(), from: s.promotionFrom, to: s.promotionTo },
    );
    const errors = result.problems.filter((p) => p.severity === 'error');
    for (const p of result.problems) {
      this.output.log(p.severity, `promotion diff: ${p.message}`);
    }
    if (result.changes.length === 0) {
      if (errors.length > 0) {
        throw new InputProblem(errors.map((p) => p.message).join('; '));
      }
      void vscode.window.showInformationMessage(
        `Flux Overlays: merging ${s.promotionFrom} into ${s.promotionTo} changes no overlay of ${folder.name}.`,
      );
      return undefined;
    }
    if (errors.length > 0) {
      void this.output.error(
        'Open Promotion Diff',
        new InputProblem(errors.map((p) => p.message).join('; ')),
      );
    }
    let c: PromotionChange | undefined;
    if (arg?.component) {
      const matches = (x: PromotionChange) =>
        (x.component === arg.component || x.component.split('/').pop() === arg.component) &&
        (!arg.overlay || x.overlay === arg.overlay) &&
        (!arg.release || x.release === arg.release);
      c = result.changes.find(matches);
      if (!c) {
        throw new UserError(
          `merging ${s.promotionFrom} into ${s.promotionTo} does not change ${arg.component}`,
        );
      }
    } else {
      const pick = await vscode.window.showQuickPick(
        result.changes.map((x) => ({
          label: x.component,
          description: [x.overlay, x.release].filter(Boolean).join(' · '),
          detail:
            x.status === 'added'
              ? `new: not on ${s.promotionTo} yet`
              : x.status === 'removed'
                ? `removed by the merge`
                : `changes ${x.changed.join(' and ')}`,
          change: x,
        })),
        { title: `Flux Overlays: Promotion ${s.promotionFrom} → ${s.promotionTo}` },
      );
      c = pick?.change;
    }
    if (!c) {
      return undefined;
    }
    const change = c;
    // A change of what is installed alone (a chart template of the repository, a patch of the
    // overlay's objects) shows in the manifests, with each release's chart objects.
    const manifestsOnly = !change.changed.includes('values') && change.changed.length > 0;
    const side = (x: 'before' | 'after') => {
      const source = {
        kind: 'promotion' as const,
        from: s.promotionFrom,
        to: s.promotionTo,
        side: x,
      };
      return manifestsOnly
        ? previewUri('manifests', {
            uri: change.uri,
            overlay: change.overlay,
            clusterProfile: this.profile.current,
            source,
            releaseManifests: true,
          })
        : previewUri('values', {
            uri: change.uri,
            overlay: change.overlay,
            release: change.release,
            clusterProfile: this.profile.current,
            source,
          });
    };
    this.pairSides(side('before'), side('after'));
    await vscode.commands.executeCommand(
      'vscode.diff',
      side('before'),
      side('after'),
      `${change.component} (${change.overlay}${change.release ? ` · ${change.release}` : ''}${change.status === 'added' ? ', new' : change.status === 'removed' ? ', removed' : ''}): ${s.promotionTo} ↔ after merging ${s.promotionFrom}`,
    );
    return change;
  }

  /** The repository to compare: the argument's, the active file's folder, the only one, or a pick. */
  private async promotionFolder(
    arg?: PromotionTarget,
  ): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      throw new UserError('open a folder (a Flux repository) first');
    }
    if (arg?.folder) {
      const f = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(arg.folder));
      if (!f) {
        throw new UserError(`${arg.folder} is not a workspace folder`);
      }
      return f;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromActive = active
      ? vscode.workspace.getWorkspaceFolder(
          active.scheme === SCHEME
            ? vscode.Uri.parse((JSON.parse(active.query) as { uri: string }).uri)
            : active,
        )
      : undefined;
    if (fromActive || folders.length === 1) {
      return fromActive ?? folders[0];
    }
    return vscode.window.showWorkspaceFolderPick({
      placeHolder: 'Repository whose promotion to compare',
    });
  }

  /** In a preview or a comparison: shows the same overlays' manifests instead of values, or back. */
  async switchValuesManifests(): Promise<vscode.Uri[] | undefined> {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    // Manifests are the overlay's objects and each release's chart objects (both sides of a
    // comparison or promotion diff: what the cluster gets before and after).
    const swap = (uri: vscode.Uri): vscode.Uri => {
      const params = JSON.parse(uri.query) as EffectiveValuesParams & RenderOverlayParams;
      const { release, releaseManifests: _charts, ...rest } = params;
      return uri.authority === 'manifests'
        ? previewUri('values', { ...rest, ...(release ? { release } : {}) })
        : previewUri('manifests', { ...rest, releaseManifests: true });
    };
    if (input instanceof vscode.TabInputTextDiff && input.original.scheme === SCHEME) {
      const [l, r] = [swap(input.original), swap(input.modified)];
      const label = vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '';
      const kind = l.authority === 'manifests' ? 'Rendered manifests' : 'Effective values';
      this.pairSides(l, r);
      await vscode.commands.executeCommand(
        'vscode.diff',
        l,
        r,
        label.replace(/^[^:]*:/, `${kind}:`),
      );
      return [l, r];
    }
    if (input instanceof vscode.TabInputText && input.uri.scheme === SCHEME) {
      const uri = swap(input.uri);
      await showPreview(uri, vscode.ViewColumn.Active);
      return [uri];
    }
    throw new UserError('open a values or manifests preview (or a comparison) first');
  }

  /**
   * The component of a file, the overlay the file is in, and the release it patches or feeds
   * (its `key`, the same in every overlay), so commands start from what the user is editing.
   */
  async contextOf(uri: string): Promise<FileContext> {
    const result = await this.requests.send(listOverlaysRequest, { uri });
    const component = result.components[0];
    if (!component || component.overlays.length === 0) {
      throw new UserError('no Flux component with overlays contains the active file');
    }
    const overlays = component.overlays;
    const path = vscode.Uri.parse(uri).path;
    const own = overlays
      .filter(
        (o) =>
          path === vscode.Uri.parse(o.uri).path ||
          path.startsWith(vscode.Uri.parse(o.uri).path + '/'),
      )
      .sort((a, b) => b.uri.length - a.uri.length)[0];
    // A file feeding one release (redis-values.yaml) names it; one feeding several (a shared
    // values file) names none, and the user picks.
    const fedIn = (o?: OverlayInfo) => [
      ...new Set((o?.releases ?? []).filter((r) => r.fedByFile && r.key).map((r) => r.key!)),
    ];
    const keys = own ? fedIn(own) : [];
    const anyKeys = [...new Set(overlays.flatMap((o) => fedIn(o)))];
    const releaseKey =
      keys.length === 1
        ? keys[0]
        : keys.length === 0 && anyKeys.length === 1
          ? anyKeys[0]
          : undefined;
    return { component, overlays, own, releaseKey };
  }

  private async pickOverlay(ctx: FileContext, title: string): Promise<OverlayInfo | undefined> {
    if (ctx.overlays.length === 1) {
      return ctx.overlays[0];
    }
    const ordered = ctx.own
      ? [ctx.own, ...ctx.overlays.filter((o) => o !== ctx.own)]
      : ctx.overlays;
    const pick = await vscode.window.showQuickPick(
      ordered.map((o) => ({
        label: o.name,
        description: `${o === ctx.own ? 'this file · ' : ''}${vscode.workspace.asRelativePath(vscode.Uri.parse(o.uri))}`,
        o,
      })),
      { title: `Flux Overlays: ${title}...`, placeHolder: 'Overlay' },
    );
    return pick?.o;
  }

  /** The release of `overlay` to show: the file's own, the only one, or a pick (the file's first). */
  private async releaseIn(ctx: FileContext, overlay: string): Promise<string | undefined> {
    const releases = ctx.overlays.find((o) => o.name === overlay)?.releases ?? [];
    const mine = ctx.releaseKey ? releases.find((r) => r.key === ctx.releaseKey) : undefined;
    if (mine) {
      return mine.name;
    }
    if (releases.length <= 1) {
      return releases[0]?.name;
    }
    const ordered = [
      ...releases.filter((r) => r.fedByFile),
      ...releases.filter((r) => !r.fedByFile),
    ];
    const pick = await vscode.window.showQuickPick(
      ordered.map((r) => ({
        label: r.name,
        description: [r.namespace, r.fedByFile ? 'uses this file' : ''].filter(Boolean).join(' · '),
      })),
      { title: 'Flux Overlays: HelmRelease', placeHolder: `Several releases in ${overlay}` },
    );
    return pick?.label;
  }
}

export interface FileContext {
  component: ComponentInfo;
  overlays: OverlayInfo[];
  /** The overlay folder holding the file, if it is in one. */
  own?: OverlayInfo;
  /** ReleaseInfo.key of the one release the file patches or feeds. */
  releaseKey?: string;
}

function toTarget(arg: CommandArg): CommandTarget {
  if (arg instanceof vscode.Uri) {
    return { uri: arg.toString() };
  }
  if (arg && 'kind' in arg) {
    switch (arg.kind) {
      case 'component':
        return { uri: arg.component.uri };
      case 'overlay':
        return { uri: arg.component.uri, overlay: arg.overlay.name };
      case 'release':
        return { uri: arg.component.uri, overlay: arg.overlay.name, release: arg.release.name };
      default:
        break;
    }
  }
  if (arg && 'uri' in arg && typeof arg.uri === 'string') {
    return arg;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === SCHEME) {
    const params = JSON.parse(active.query) as { uri: string };
    return { uri: params.uri };
  }
  if (!active || active.scheme !== 'file') {
    throw new UserError('open a file of a Flux component first (or use the Flux Components view)');
  }
  return { uri: active.toString() };
}

async function showPreview(
  uri: vscode.Uri,
  viewColumn: vscode.ViewColumn = vscode.ViewColumn.Beside,
): Promise<void> {
  const what = uri.authority === 'manifests' ? 'rendering manifests' : 'computing effective values';
  const doc = await progressAfter(what, Promise.resolve(vscode.workspace.openTextDocument(uri)));
  if (doc.languageId !== 'yaml') {
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
  }
  await vscode.window.showTextDocument(doc, { viewColumn, preview: false });
}
