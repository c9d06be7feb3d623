// Server state: open buffers (TextDocuments) layered over the disk with a MemoryFileSystem, the
// workspace index over that file system, the settings, and the debounced diagnostics queue.
// An edit updates the index for that file at once (cheap: one parse, dropping the builds that
// read it); diagnostics follow 120 ms later (under the 150 ms target), for the edited document and the open documents
// whose overlays read it. Requests always answer from what is there now.

import * as path from 'path';
import { Connection, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  BoundedFileSystem,
  Chart,
  DiskFileSystem,
  FileSystem,
  MemoryFileSystem,
  evaluateCluster,
  ParseCache,
  ExternalLookup,
  externalLookupFor,
  ChartService,
  credentialsFrom,
  chartSourceOf,
  sourceKey,
  isHelmRelease,
  YMap,
} from '../engine';
import {
  ChartsOutside,
  WorkspaceIndex,
  EvaluatedCluster,
  discoverClusters,
  PromotionSides,
} from '../ide';
import { didChangeOverlaysNotification } from '../protocol';
import { NodeHttpClient } from '../platform/nodeHttp';
import { DiskChartStore, chartCacheDir, registryConfigTexts } from '../platform/diskChartStore';
import { pathToUri, uriToPath } from './convert';

export interface Settings {
  overlayFolders: string[];
  productionOverlay: string;
  validationEnable: boolean;
  crdFolders: string[];
  clusterProfile: string;
  chartLocations: Record<string, string>;
  /** Other repositories whose ConfigMaps/Secrets valuesFrom may name (keos-system-services). */
  extraRoots: string[];
  /** The branch overlays are promoted to (the tree marks overlays that differ from it). */
  promotionTarget: string;
  /** fluxOverlays.charts.fetch: `auto` fetches charts, `never` reads only the cache. */
  chartsFetch: 'auto' | 'never';
  /** fluxOverlays.charts.cacheDir ('' = the default location). */
  chartsCacheDir: string;
  /** fluxOverlays.kubeVersion: .Capabilities.KubeVersion of rendered charts ('' = Helm's default). */
  kubeVersion: string;
  /** fluxOverlays.apiVersions: API versions the cluster serves besides the built-in ones and the workspace's CRDs. */
  apiVersions: string[];
  /** `workspace`: diagnostics for every YAML file once indexed (what `flux-overlays check` reports); `openFiles`: only open ones. */
  diagnosticsScope: 'workspace' | 'openFiles';
}

export const DEFAULT_SETTINGS: Settings = {
  overlayFolders: ['staging', 'production'],
  productionOverlay: 'production',
  validationEnable: true,
  crdFolders: [],
  clusterProfile: '',
  chartLocations: {},
  extraRoots: [],
  promotionTarget: 'production',
  chartsFetch: 'auto',
  chartsCacheDir: '',
  kubeVersion: '',
  apiVersions: [],
  diagnosticsScope: 'workspace',
};

export function readSettings(raw: unknown): Settings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const validation = (r.validation ?? {}) as Record<string, unknown>;
  return {
    overlayFolders: Array.isArray(r.overlayFolders)
      ? r.overlayFolders.map(String)
      : DEFAULT_SETTINGS.overlayFolders,
    productionOverlay:
      typeof r.productionOverlay === 'string' && r.productionOverlay
        ? r.productionOverlay
        : DEFAULT_SETTINGS.productionOverlay,
    validationEnable:
      typeof validation.enable === 'boolean'
        ? validation.enable
        : typeof r['validation.enable'] === 'boolean'
          ? (r['validation.enable'] as boolean)
          : true,
    crdFolders: Array.isArray(r.crdFolders) ? r.crdFolders.map(String) : [],
    clusterProfile: typeof r.clusterProfile === 'string' ? r.clusterProfile : '',
    chartLocations:
      r.chartLocations && typeof r.chartLocations === 'object'
        ? (r.chartLocations as Record<string, string>)
        : {},
    extraRoots: Array.isArray(r.extraRoots) ? r.extraRoots.map(String) : [],
    promotionTarget: promotionTarget(r),
    ...chartSettings(r),
    kubeVersion: typeof r.kubeVersion === 'string' ? r.kubeVersion.trim() : '',
    apiVersions: Array.isArray(r.apiVersions)
      ? r.apiVersions.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      : [],
    diagnosticsScope: diagnosticsScope(r),
  };
}

function diagnosticsScope(r: Record<string, unknown>): Settings['diagnosticsScope'] {
  const nested = (r.diagnostics ?? {}) as Record<string, unknown>;
  const v = nested.scope ?? r['diagnostics.scope'];
  return v === 'openFiles' ? 'openFiles' : 'workspace';
}

function chartSettings(
  r: Record<string, unknown>,
): Pick<Settings, 'chartsFetch' | 'chartsCacheDir'> {
  const c = (r.charts ?? {}) as Record<string, unknown>;
  const fetch = c.fetch ?? r['charts.fetch'];
  const dir = c.cacheDir ?? r['charts.cacheDir'];
  return {
    chartsFetch: fetch === 'never' ? 'never' : 'auto',
    chartsCacheDir: typeof dir === 'string' ? dir : '',
  };
}

function promotionTarget(r: Record<string, unknown>): string {
  const nested = (r.promotion ?? {}) as Record<string, unknown>;
  const v = nested.targetBranch ?? r['promotion.targetBranch'];
  return typeof v === 'string' && v ? v : DEFAULT_SETTINGS.promotionTarget;
}

export class ServerState {
  readonly documents = new TextDocuments(TextDocument);
  // In restricted mode (untrusted workspace) nothing outside the workspace folders is read.
  readonly fs = new MemoryFileSystem(
    new BoundedFileSystem(new DiskFileSystem(), () => (this.trusted ? undefined : this.roots)),
  );
  index: WorkspaceIndex;
  /** Git sides of promotions (fluxOverlays/promotionDiff and the `promotion` source), cached by commit pair. */
  readonly promotion = new PromotionSides();
  settings: Settings = DEFAULT_SETTINGS;
  roots: string[] = [];
  trusted = true;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  debounceMs = 120;
  /** Set by the diagnostics feature. */
  publish: (uris: string[]) => void = () => undefined;

  constructor(readonly connection: Connection) {
    this.index = new WorkspaceIndex(this.fs, []);
  }

  log(message: string): void {
    this.connection.console.log(`[flux-overlays] ${message}`);
  }

  /** (Re)builds the index over the workspace roots. */
  reindex(): number {
    const t0 = Date.now();
    const index = new WorkspaceIndex(this.fs, this.roots);
    index.settings = {
      overlayFolders: this.settings.overlayFolders,
      crdFolders: this.settings.crdFolders.map((f) =>
        path.isAbsolute(f) ? f : path.posix.join(this.roots[0] ?? '/', f),
      ),
    };
    const root = this.roots[0] ?? '/';
    index.extraRoots = this.extraRootPaths();
    this.charts = this.trusted ? this.chartService() : undefined;
    this.chartCache = new WeakMap([[this.fs as FileSystem, new ChartsOutside(() => this.roots)]]);
    const charts = this.charts;
    index.valuesOptions = this.trusted
      ? {
          ...(charts
            ? {
                chartLookup: (release: YMap, docs: readonly YMap[]) =>
                  this.chartLookup(charts, release, docs),
              }
            : {}),
          charts: Object.entries(this.settings.chartLocations).map(([name, p]) => ({
            name: name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name,
            path: path.isAbsolute(p) ? p : path.posix.join(root, p),
          })),
          sourceRoots: this.roots,
          // Other workspace folders are searched without configuration (keos-system-services
          // open beside keos-apps); fluxOverlays.extraRoots adds repositories not open.
          ...(this.settings.extraRoots.length || this.roots.length > 1
            ? {
                externalLookup: lazyExternalLookup(
                  this.fs,
                  [
                    ...new Set([
                      ...this.extraRootPaths(),
                      ...this.roots.slice(1),
                      ...this.roots.slice(0, 1),
                    ]),
                  ],
                  index.cache,
                ),
              }
            : {}),
        }
      : { sourceRoots: this.roots };
    index.onWalked = () =>
      this.log(
        `indexed ${index.yamlFiles.size} YAML files, ${index.kustomizationDirs.size} kustomizations in ${Date.now() - t0} ms`,
      );
    index.scan();
    this.index = index;
    this.clusters = undefined;
    this.indexStarted = t0;
    return Date.now() - t0;
  }

  /** When the last reindex began (its walk and reading of files go on in whenIndexed's slices). */
  private indexStarted = Date.now();

  /** Charts of releases (trusted workspaces only: restricted mode neither fetches nor reads the cache). */
  charts: ChartService | undefined;
  /**
   * Charts read to render releases (renderOverlay's releaseManifests), per file system: git trees
   * keep theirs; the workspace keeps only those outside its folders (ChartsOutside). Reset on reindex.
   */
  chartCache = new WeakMap<FileSystem, Map<string, Chart>>();
  private readonly chartJobs = new Set<string>();

  private chartService(): ChartService {
    const fetch = this.settings.chartsFetch === 'auto';
    return new ChartService({
      store: new DiskChartStore(
        chartCacheDir(
          process.env,
          undefined,
          this.settings.chartsCacheDir ? this.abs(this.settings.chartsCacheDir) : undefined,
        ),
      ),
      http: fetch ? new NodeHttpClient() : undefined,
      offline: !fetch,
      timeoutMs: 15_000,
      credentials: credentialsFrom(registryConfigTexts()),
      onProgress: (m) => this.log(m),
    });
  }

  /**
   * The chart of a release, synchronously: what the service already has; otherwise a fetch is
   * started in the background (with progress in the editor) and the previews and diagnostics
   * are refreshed when it settles.
   */
  private chartLookup(
    charts: ChartService,
    release: YMap,
    docs: readonly YMap[],
  ): ReturnType<ChartService['lookup']> {
    const r = charts.lookup(release, docs);
    if (r !== undefined) return r;
    const src = chartSourceOf(release, docs).source;
    if (!src) return undefined;
    const key = sourceKey(src);
    if (this.chartJobs.has(key)) return undefined;
    this.chartJobs.add(key);
    void this.fetchCharts(charts, docs, key);
    return undefined;
  }

  private async fetchCharts(
    charts: ChartService,
    docs: readonly YMap[],
    key: string,
  ): Promise<void> {
    let progress: { begin(t: string, p?: number, m?: string): void; done(): void } | undefined;
    try {
      progress = await this.connection.window.createWorkDoneProgress();
      progress.begin(
        'Flux Overlays',
        undefined,
        `Fetching chart ${key.split(' ').slice(1).join(' ')}`,
      );
    } catch {
      progress = undefined;
    }
    try {
      await charts.prepare(docs, isHelmRelease);
    } finally {
      progress?.done();
    }
    if (this.charts !== charts) return;
    this.index.forgetValues();
    this.scheduleAll();
    try {
      void this.connection.sendNotification(didChangeOverlaysNotification, {});
    } catch {
      /* closing */
    }
  }

  /**
   * A setting's path: absolute, a `file:` URI, or relative to a workspace folder: the first
   * folder where it exists, else `<folder name>/rest` as VS Code's asRelativePath writes paths
   * of a multi-root workspace, else the first folder.
   */
  abs(p: string): string {
    const f = p.startsWith('file:') ? uriToPath(p) : p;
    if (path.isAbsolute(f)) return f;
    for (const r of this.roots) {
      const j = path.posix.join(r, f);
      if (this.fs.stat(j) !== undefined) return j;
    }
    const [first, ...rest] = f.split('/');
    const named = this.roots.find((r) => path.posix.basename(r) === first);
    if (named && rest.length) return path.posix.join(named, ...rest);
    return path.posix.join(this.root(), f);
  }

  /** fluxOverlays.extraRoots as each workspace folder's own settings set it (multi-root). */
  folderExtraRoots = new Map<string, string[]>();

  /**
   * The extraRoots folders: entries of a folder's own settings resolve in that folder; entries
   * of the workspace or user settings (no folder holds them) as abs() resolves a setting's path.
   */
  extraRootPaths(): string[] {
    const global = this.settings.extraRoots;
    const out = global.map((r) => this.abs(r));
    for (const [root, list] of this.folderExtraRoots) {
      // The same list as the unscoped one: inherited from the workspace or user settings.
      if (list.length === global.length && list.every((x, i) => x === global[i])) continue;
      for (const r of list) {
        const f = r.startsWith('file:') ? uriToPath(r) : r;
        out.push(path.posix.isAbsolute(f) ? f : path.posix.resolve(root, f));
      }
    }
    return [...new Set(out)];
  }

  /** The workspace folder holding a file (the innermost), else the first. */
  rootOf(file: string): string {
    return (
      [...this.roots]
        .sort((a, b) => b.length - a.length)
        .find((r) => file === r || file.startsWith(r + '/')) ?? this.root()
    );
  }

  root(): string {
    return this.roots[0] ?? '/';
  }

  /** A document's text changed (or it closed: text undefined reverts to the disk). */
  changed(uri: string, text: string | undefined): void {
    const file = uriToPath(uri);
    if (text === undefined) this.fs.delete(file);
    else this.fs.write(file, text);
    this.fileChanged(file);
    this.schedule(uri);
  }

  /** What every cluster of the open fleets gets, evaluated once until a file or setting changes (hover asks on each key). */
  private clusters: EvaluatedCluster[] | undefined;

  evaluatedClusters(): EvaluatedCluster[] {
    if (!this.trusted) return [];
    this.clusters ??= discoverClusters(this.fs, this.roots).map((c) => ({
      ...c,
      result: evaluateCluster(this.fs, c.dir, {
        workspaceFolders: [...this.roots],
        values: this.index.valuesOptions,
      }),
    }));
    return this.clusters;
  }

  /** A file changed on disk or in a buffer: update the index and queue dependent documents. */
  fileChanged(file: string): void {
    this.clusters = undefined;
    const dirs = this.index.update(file);
    for (const d of this.documents.all()) {
      const f = uriToPath(d.uri);
      if (
        f === file ||
        this.index.readersOf(f).some((r) => dirs.includes(r)) ||
        dirs.includes(path.posix.dirname(f))
      )
        this.pending.add(d.uri);
    }
    if (this.settings.diagnosticsScope === 'workspace') {
      // Closed files too: the one that changed, and those whose diagnostics already say something.
      // (while the first scan walks, any file: publishDiagnostics passes over what is not YAML)
      if (
        this.index.isWalking() ||
        this.index.yamlFiles.has(file) ||
        this.published.has(pathToUri(file))
      )
        this.pending.add(pathToUri(file));
      for (const uri of this.published)
        if (dirs.includes(path.posix.dirname(uriToPath(uri)))) this.pending.add(uri);
    }
    const components = new Set<string>();
    const c = this.index.componentOf(file);
    if (c) components.add(c.dir);
    try {
      void this.connection.sendNotification(
        didChangeOverlaysNotification,
        c ? { uris: [...components].map((d) => `file://${d}`) } : {},
      );
    } catch {
      /* the connection may be closing */
    }
  }

  schedule(uri?: string): void {
    if (uri) this.pending.add(uri);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Diagnostics ask about the whole workspace (references, patch files): while the index is
      // still reading the files its scan listed, they wait for it, read in slices, rather than
      // read it all in one go that would hold every request behind it.
      this.whenIndexed(() => {
        const uris = [...this.pending];
        this.pending.clear();
        if (uris.length) this.publish(uris);
      });
    }, this.debounceMs);
  }

  private afterIndexed: (() => void)[] = [];

  /**
   * Runs `fn` once the index has read every file its scan listed (WorkspaceIndex.indexPending,
   * `sliceMs` at a time between other work): at once when it has.
   */
  private whenIndexed(fn: () => void, sliceMs = 3): void {
    if (!this.index.hasUnread()) return fn();
    this.afterIndexed.push(fn);
    if (this.afterIndexed.length > 1) return; // the slices are under way
    const slice = () => {
      // (a reindex meanwhile: the slices go on with the new index)
      if (!this.index.indexPending(sliceMs)) return void setImmediate(slice);
      this.log(
        `read the text of the index's files ${Date.now() - this.indexStarted} ms after it began`,
      );
      const fns = this.afterIndexed;
      this.afterIndexed = [];
      for (const f of fns) f();
    };
    setImmediate(slice);
  }

  scheduleAll(): void {
    for (const d of this.documents.all()) this.pending.add(d.uri);
    this.schedule();
    this.sweep();
  }

  /** URIs whose last published diagnostics were not empty (closed files are cleared through it). */
  readonly published = new Set<string>();
  private sweepGeneration = 0;

  /**
   * Diagnostics of every YAML file of the index (`diagnosticsScope: workspace`), in small
   * batches between other work so requests stay answered; a new sweep cancels the last one.
   * With `openFiles`, what closed files showed is cleared. A batch ends after `sliceMs` (or
   * `batch` files): a file whose overlays are not built yet costs milliseconds, one whose
   * overlays are built microseconds, so a request waits behind one file's cost plus `sliceMs`
   * at most (20 files a batch kept hover waiting 60-160 ms during the first sweep of 2,000
   * components).
   */
  sweep(batch = 200, sliceMs = 3): void {
    const gen = ++this.sweepGeneration;
    // First the text of the files the first scan only listed (WorkspaceIndex.indexPending).
    this.whenIndexed(() => {
      if (gen === this.sweepGeneration) this.sweepFiles(gen, batch, sliceMs);
    }, sliceMs);
  }

  private sweepFiles(gen: number, batch: number, sliceMs: number): void {
    const files =
      this.settings.diagnosticsScope === 'workspace'
        ? [...this.index.yamlFiles]
            .sort()
            .map(pathToUri)
            .filter((u) => !this.documents.get(u))
        : [...this.published].filter((u) => !this.documents.get(u));
    const t0 = Date.now();
    const step = (i: number) => {
      if (gen !== this.sweepGeneration) return;
      const t = performance.now();
      let n = 0;
      do this.publish([files[i + n++]]);
      while (i + n < files.length && n < batch && performance.now() - t < sliceMs);
      if (i + n < files.length) setImmediate(() => step(i + n));
      else if (this.settings.diagnosticsScope === 'workspace')
        this.log(
          `workspace diagnostics: ${files.length} closed files checked in ${Date.now() - t0} ms`,
        );
    };
    if (files.length) setImmediate(() => step(0));
  }

  text(uri: string): string | undefined {
    return this.documents.get(uri)?.getText() ?? this.fs.readFile(uriToPath(uri));
  }
}

/** externalLookupFor, built on the first valuesFrom that misses in the workspace (the extra roots are built once per index). */
function lazyExternalLookup(
  fs: MemoryFileSystem,
  roots: string[],
  cache: ParseCache,
): ExternalLookup {
  let lookup: ExternalLookup | undefined;
  return (kind, namespace, name) =>
    (lookup ??= externalLookupFor(fs, roots, cache))(kind, namespace, name);
}
