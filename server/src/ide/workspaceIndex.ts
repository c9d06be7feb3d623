// What the language features need to know about a workspace, kept up to date file by file:
// the YAML files, the kustomization folders, which files are patches, the CRDs (registered in
// a SchemaRegistry), named objects (sources, ConfigMaps, Secrets, HelmReleases and their
// valuesFrom), components (a folder with `base/` and overlay folders) and, built on demand,
// the kustomize build of any folder with the files it read, so an edit rebuilds only the
// overlays that read the edited file. Pure: all file access goes through the FileSystem given.
//
// The first scan only starts a walk of the tree: the hover a user waits for after opening a
// folder needs the file's component (found along the file's own path) and builds, which read
// their own files. The walk (the YAML files, the kustomization folders, then the components),
// then the text of every listed file (patch files, generated names, named objects, valuesFrom,
// CRDs) go on a slice at a time (indexPending, run by the server between requests), or all at
// once for the first question that needs them, so every answer is the one a complete index gives.

import * as path from 'path';
import { DirEntry, FileSystem, WalkGuard } from '../engine/fs';
import { SnapshotFileSystem } from '../engine/snapshotFs';
import { isChartTemplate } from '../engine/charts/layout';
import { BuildResult, buildKustomization } from '../engine/kustomize/build';
import { KUSTOMIZATION_FILE_NAMES, ParseCache } from '../engine/kustomize/loader';
import { SchemaRegistry, patchFilesOf } from '../engine/schema';
import { crdApiVersions } from '../engine/schema/crd';
import { Origin, YMap, YNode, get, getString, isMap, isSeq } from '../engine/yaml/node';
import { ParsedFile } from '../engine/yaml/parse';
import { EffectiveRelease, EffectiveValuesOptions } from '../engine/values/effective';
import { Variables } from '../engine/substitute/postBuild';
import { OverlayRun, runOverlay } from '../engine/workspace/pipeline';
import { Component, componentOnPath, discoverComponents } from '../engine/workspace/discover';

export type { Component };

const SKIP_DIRS = new Set(['.git', 'node_modules', 'out', 'dist', '.vscode-test']);
const INTERESTING_KINDS =
  /kind:\s*["']?(HelmRepository|OCIRepository|GitRepository|Bucket|ConfigMap|Secret|HelmRelease|CustomResourceDefinition|Kustomization)\b/;

export interface NamedObject {
  kind: string;
  name: string;
  namespace?: string;
  file: string;
  /** Origin of metadata.name (or of the document when it has none). */
  origin: Origin;
}

export interface ValuesFromRef {
  release: NamedObject;
  kind: string;
  name: string;
  origin: Origin;
}

export interface IndexSettings {
  overlayFolders: string[];
  crdFolders: string[];
}

export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file) || path.posix.basename(file) === 'Kustomization';
}

export class WorkspaceIndex {
  /** Schemas; a look among the CRDs (a kind we do not author) first reads every listed file. */
  readonly registry = new SchemaRegistry(() => this.complete());
  readonly cache = new ParseCache();
  private readonly yamlFileSet = new Set<string>();
  private readonly kustomizationDirSet = new Set<string>();

  /** The YAML files of the workspace (the walk of the first scan finished first). */
  get yamlFiles(): ReadonlySet<string> {
    this.finishWalk();
    return this.yamlFileSet;
  }

  /** The folders holding a kustomization file (the walk of the first scan finished first). */
  get kustomizationDirs(): ReadonlySet<string> {
    this.finishWalk();
    return this.kustomizationDirSet;
  }
  /** Patch file -> kustomization files that use it as a patch. */
  private readonly patchFiles = new Map<string, Set<string>>();
  /** Kustomization file -> the patch files it names (the reverse of patchFiles, so an update is not a scan of all). */
  private readonly patchesNamedBy = new Map<string, string[]>();
  private readonly objectsByFile = new Map<string, NamedObject[]>();
  /** ConfigMaps/Secrets that kustomization files generate (configMapGenerator, secretGenerator), by file. */
  private readonly generatedByFile = new Map<string, NamedObject[]>();
  private readonly valuesFromByFile = new Map<string, ValuesFromRef[]>();
  /** Files holding CRDs (true), in file order; `false` holds a listed file's place until it is read. */
  private readonly crdFiles = new Map<string, boolean>();
  /**
   * Files the last scan listed whose text is not indexed yet, in walk order. Each holds its place
   * (an empty entry) in the maps above that keep file order, so the order is the walk's, as when
   * every file was read during the walk, and a file updated meanwhile moves to the end as it did.
   */
  private readonly unread = new Set<string>();
  /** CRD files were read by indexPending: the registry reloads them once all are read. */
  private crdsStale = false;
  private readonly builds = new Map<string, BuildResult>();
  /** Overlay pipeline runs without a cluster profile, cached like the builds they used. */
  private readonly runs = new Map<string, OverlayRun>();
  /** File -> folders whose last build read it. */
  private readonly readers = new Map<string, Set<string>>();
  /** Components, discovered on first use (see components()). */
  private componentList?: Component[];
  /** Component folder -> component (the first listed when two roots overlap), for componentOf. */
  private componentByDir?: Map<string, Component>;
  /** Named objects by kind in file order, rebuilt on first use after a file changed (see objects()). */
  private objectsByKind?: Map<string, { list: NamedObject[]; names: Set<string> }>;
  settings: IndexSettings = { overlayFolders: ['staging', 'production'], crdFolders: [] };
  valuesOptions: EffectiveValuesOptions = {};

  constructor(
    readonly fs: FileSystem,
    readonly roots: string[],
  ) {}

  /** fluxOverlays.extraRoots as resolved (searched for valuesFrom objects; named in diagnostics). */
  extraRoots: string[] = [];

  /**
   * Starts the walk over every YAML file under the roots (and the CRD folders), not through
   * folder links (see WalkGuard): indexPending goes on with it a slice at a time, and a question
   * about the whole workspace finishes it; the files' text is read after it.
   */
  scan(): void {
    // Folders are listed and stat'ed through a snapshot taken for this walk: each folder's
    // listing then tells what its entries are, where a stat and a realpath per entry took most
    // of the server's first index. The walk lists a folder when it comes to it (what an edit
    // meanwhile says wins, see update); the component of a file is found from the same
    // listings, until an edit, along the file's own path (componentOf).
    const fs = this.fs instanceof SnapshotFileSystem ? this.fs : new SnapshotFileSystem(this.fs);
    this.snapshot = fs;
    this.walking = {
      fs,
      frames: [...this.roots, ...this.settings.crdFolders]
        .reverse()
        .map((r) => ({ dir: r, depth: 0, guard: new WalkGuard(fs, r), entered: false, next: 0 })),
      updated: new Set(),
    };
    this.componentList = undefined;
    this.componentByDir = undefined;
  }

  /** The walk under way: folders to list (last first) and files updated since it started. */
  private walking?: { fs: FileSystem; frames: WalkFrame[]; updated: Set<string> };
  /** The walk's snapshot until the first update: component lookups read through it. */
  private snapshot?: SnapshotFileSystem;

  /** Walks on for about `sliceMs`; true when the walk is done. */
  private walkSome(sliceMs: number): boolean {
    const w = this.walking;
    if (!w) return true;
    const t = performance.now();
    const fs = w.fs;
    let n = 0;
    while (w.frames.length > 0) {
      if (++n % 64 === 0 && performance.now() - t >= sliceMs) return false;
      const f = w.frames[w.frames.length - 1];
      if (!f.entries) {
        if (f.depth > 30 || (!f.entered && !f.guard.enter(f.dir))) {
          w.frames.pop();
          continue;
        }
        // With types, an entry that is not a link is what its listing says and lies where its
        // folder really is (inside the root, since the folder was entered), so it needs neither
        // a stat nor the guard; a link (and any entry of an untyped listing) is followed by stat.
        f.entries = fs.readDirTyped
          ? fs.readDirTyped(f.dir)
          : fs.readDir(f.dir).map((name) => ({ name, type: 'link' }));
        f.entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }
      if (f.next >= f.entries.length) {
        w.frames.pop();
        continue;
      }
      const { name, type } = f.entries[f.next++];
      if (SKIP_DIRS.has(name)) continue;
      // a chart's templates/ holds Go templates, not YAML documents (engine/charts/layout.ts)
      if (name === 'templates' && fs.stat(path.posix.join(f.dir, 'Chart.yaml')) === 'file')
        continue;
      const p = path.posix.join(f.dir, name);
      const st = type === 'link' ? fs.stat(p) : type === 'other' ? undefined : type;
      if (st === 'dir')
        w.frames.push({
          dir: p,
          depth: f.depth + 1,
          guard: f.guard,
          entered: type !== 'link',
          next: 0,
        });
      else if (st === 'file' && isYamlFile(p) && (type !== 'link' || f.guard.includes(p)))
        this.list(fs, p);
    }
    const unchanged = this.snapshot === fs;
    this.walking = undefined;
    this.snapshot = undefined;
    // Files updated during the walk: where an update after a complete walk puts them, last.
    for (const file of w.updated)
      for (const m of [
        this.objectsByFile,
        this.valuesFromByFile,
        this.generatedByFile,
        this.crdFiles,
      ] as Map<string, unknown>[]) {
        const v = m.get(file);
        if (v === undefined) continue;
        m.delete(file);
        m.set(file, v);
      }
    // The components from the walk's listings, unless an edit came since (the snapshot is gone).
    if (!this.componentList && unchanged) this.componentList = this.discover(fs);
    this.onWalked?.();
    return true;
  }

  /** Called when the walk of a scan is done (the server logs what it found). */
  onWalked?: () => void;

  private finishWalk(): void {
    if (this.walking) this.walkSome(Infinity);
  }

  /** A file the walk found: known to exist, its text unread (its place kept in file order). */
  private list(fs: FileSystem, file: string): void {
    // an update since the walk started said what it is now
    if (this.walking?.updated.has(file) || isChartTemplate(fs, file)) return;
    this.unread.add(file);
    this.yamlFileSet.add(file);
    if (isKustomizationName(file)) {
      this.kustomizationDirSet.add(path.posix.dirname(file));
      this.generatedByFile.set(file, []);
    } else {
      this.objectsByFile.set(file, []);
      this.valuesFromByFile.set(file, []);
      this.crdFiles.set(file, false);
    }
  }

  /**
   * Indexes the text of files the scan listed, in walk order, for about `sliceMs` (all of them
   * when absent). True when none is left.
   */
  indexPending(sliceMs = Infinity): boolean {
    const t = performance.now();
    if (!this.walkSome(sliceMs)) return false;
    for (const file of this.unread) {
      this.unread.delete(file);
      const text = this.fs.readFile(file);
      // gone (or unreadable) since it was listed: what update says of a file that went away
      if (text === undefined) this.update(file);
      else {
        this.learn(file, text, isKustomizationName(file));
        this.objectsByKind = undefined;
        this.generatedCache.clear();
      }
      if (performance.now() - t >= sliceMs) break;
    }
    if (this.unread.size > 0) return false;
    if (this.crdsStale) {
      this.crdsStale = false;
      this.reloadCrds();
    }
    return true;
  }

  /** True while the walk of the first scan is under way. */
  isWalking(): boolean {
    return this.walking !== undefined;
  }

  /** True while the walk is under way or some listed file's text is not indexed. */
  hasUnread(): boolean {
    return this.walking !== undefined || this.unread.size > 0;
  }

  /** Every file listed and indexed: for the questions about the whole workspace. */
  private complete(): void {
    if (this.hasUnread()) this.indexPending();
  }

  parse(file: string): ParsedFile | undefined {
    const text = this.fs.readFile(file);
    return text === undefined ? undefined : this.cache.get(file, text);
  }

  /** Re-reads one file (after an edit, a save, a create or a delete). Returns the folders whose builds it invalidated. */
  update(file: string): string[] {
    this.unread.delete(file);
    if (this.walking) {
      // newer than what the walk would list; and the walk's listings are no longer the tree's
      this.walking.updated.delete(file);
      this.walking.updated.add(file);
      this.snapshot = undefined;
    }
    const text = isChartTemplate(this.fs, file) ? undefined : this.fs.readFile(file);
    const dir = path.posix.dirname(file);
    const isKust = isKustomizationName(file);
    // forget what the previous text said
    for (const patch of this.patchesNamedBy.get(file) ?? []) {
      const users = this.patchFiles.get(patch);
      users?.delete(file);
      if (users && users.size === 0) this.patchFiles.delete(patch);
    }
    this.patchesNamedBy.delete(file);
    this.objectsByFile.delete(file);
    this.objectsByKind = undefined;
    this.valuesFromByFile.delete(file);
    this.generatedByFile.delete(file);
    this.generatedCache.clear();
    const wasCrd = this.crdFiles.get(file) === true;
    this.crdFiles.delete(file);
    // (during the walk the kustomization folders are not all known: any kustomization counts)
    const kustDirs = this.kustomizationDirSet;
    if (isKust && this.componentList && this.walking) this.componentList = undefined;
    else if (isKust && this.componentList && (text === undefined) !== !kustDirs.has(dir))
      this.componentList = undefined;
    else if (
      isKust &&
      this.componentList &&
      this.fs.stat(path.posix.join(path.posix.dirname(dir), 'base')) === 'dir' &&
      !kustDirs.has(path.posix.join(path.posix.dirname(dir), 'base'))
    )
      this.componentList = undefined;
    if (text === undefined) {
      this.yamlFileSet.delete(file);
      if (isKust) kustDirs.delete(dir);
      this.cache.invalidate(file);
    } else {
      this.yamlFileSet.add(file);
      if (isKust) kustDirs.add(dir);
      this.learn(file, text, isKust);
    }
    if (wasCrd || this.crdFiles.get(file) === true) this.reloadCrds();
    return this.invalidate(file);
  }

  /**
   * What a file's text says: for a kustomization the patch files it names and the ConfigMaps
   * and Secrets it generates; for another file its named objects, valuesFrom and CRDs. Entries
   * it does not set are removed (an entry keeping a listed file's place included).
   */
  private learn(file: string, text: string, isKust: boolean): void {
    const dir = path.posix.dirname(file);
    if (isKust) {
      const parsed = this.cache.get(file, text);
      const generated: NamedObject[] = [];
      for (const d of parsed.documents) {
        for (const [field, kind] of [
          ['configMapGenerator', 'ConfigMap'],
          ['secretGenerator', 'Secret'],
        ] as const) {
          const gens = get(d.root, field);
          if (isSeq(gens))
            for (const g of gens.items) {
              const n = get(g, 'name');
              if (n && n.kind === 'scalar' && typeof n.value === 'string' && n.value)
                generated.push({ kind, name: n.value, file, origin: n.origin ?? d.origin });
            }
        }
        for (const ref of patchFilesOf(d.root, dir)) {
          const set = this.patchFiles.get(ref.path) ?? new Set<string>();
          set.add(file);
          this.patchFiles.set(ref.path, set);
          const named = this.patchesNamedBy.get(file) ?? [];
          named.push(ref.path);
          this.patchesNamedBy.set(file, named);
        }
      }
      if (generated.length) this.generatedByFile.set(file, generated);
      else this.generatedByFile.delete(file);
      return;
    }
    if (!INTERESTING_KINDS.test(text)) {
      this.objectsByFile.delete(file);
      this.valuesFromByFile.delete(file);
      this.crdFiles.delete(file);
      return;
    }
    const parsed = this.cache.get(file, text);
    const objects: NamedObject[] = [];
    const refs: ValuesFromRef[] = [];
    let crd = false;
    for (const d of parsed.documents) {
      if (!isMap(d.root)) continue;
      const kind = getString(d.root, 'kind');
      const meta = get(d.root, 'metadata');
      const name = getString(meta, 'name');
      if (!kind || !name) continue;
      const obj: NamedObject = {
        kind,
        name,
        file,
        origin: get(meta, 'name')?.origin ?? d.origin,
      };
      const ns = getString(meta, 'namespace');
      if (ns) obj.namespace = ns;
      objects.push(obj);
      if (kind === 'CustomResourceDefinition') crd = true;
      if (kind === 'HelmRelease') {
        const vf = get(get(d.root, 'spec'), 'valuesFrom');
        if (isSeq(vf))
          for (const item of vf.items) {
            const n = get(item, 'name');
            const k = getString(item, 'kind');
            if (k && n && n.kind === 'scalar' && n.origin)
              refs.push({ release: obj, kind: k, name: String(n.value), origin: n.origin });
          }
      }
    }
    this.objectsByFile.set(file, objects);
    this.valuesFromByFile.set(file, refs);
    if (crd) {
      this.crdFiles.set(file, true);
      this.crdsStale = true;
    } else this.crdFiles.delete(file);
  }

  private crdApis: string[] | undefined;

  /**
   * The API versions the workspace's CRDs serve (group/version, group/version/Kind): a cluster
   * with them installed has them in .Capabilities.APIVersions when charts render.
   */
  crdApiVersions(): string[] {
    this.complete();
    if (this.crdsStale) this.reloadCrds();
    if (!this.crdApis) {
      const out = new Set<string>();
      for (const [f, isCrd] of this.crdFiles) {
        if (!isCrd) continue;
        const docs = this.parse(f)?.documents.map((d) => d.root) ?? [];
        for (const v of crdApiVersions(docs.filter((d): d is YNode => !!d))) out.add(v);
      }
      this.crdApis = [...out];
    }
    return this.crdApis;
  }

  private reloadCrds(): void {
    this.crdsStale = false;
    this.crdApis = undefined;
    this.registry.clearCrds();
    for (const [f, isCrd] of this.crdFiles) {
      if (!isCrd) continue;
      const parsed = this.parse(f);
      if (parsed)
        this.registry.addCrds(
          parsed.documents.map((d) => d.root),
          f,
        );
    }
  }

  /** Drops cached builds that read `file`; returns their folders. */
  invalidate(file: string): string[] {
    const dirs = [...(this.readers.get(file) ?? [])];
    const own = path.posix.dirname(file);
    if (this.builds.has(own) && !dirs.includes(own)) dirs.push(own);
    for (const d of dirs) {
      const b = this.builds.get(d);
      if (b) for (const f of b.filesRead) this.readers.get(f)?.delete(d);
      this.builds.delete(d);
      this.runs.delete(d);
    }
    return dirs;
  }

  /** The kustomize build of a folder, cached until a file it read changes. */
  build(dir: string): BuildResult {
    let b = this.builds.get(dir);
    if (b) return b;
    b = buildKustomization(this.fs, dir, { cache: this.cache });
    this.builds.set(dir, b);
    for (const f of b.filesRead) {
      const s = this.readers.get(f) ?? new Set<string>();
      s.add(dir);
      this.readers.set(f, s);
    }
    return b;
  }

  /** The last build of a folder, without building. */
  cachedBuild(dir: string): BuildResult | undefined {
    return this.builds.get(dir);
  }

  /**
   * The overlay pipeline (engine/workspace/pipeline.ts) on a folder, on the cached build: cached
   * like the build without a profile; with a cluster profile's `variables`, computed each time.
   */
  overlay(dir: string, variables?: Variables): OverlayRun {
    if (variables)
      return runOverlay(this.fs, dir, {
        ...this.valuesOptions,
        variables,
        build: (d) => this.build(d),
      });
    let r = this.runs.get(dir);
    if (r) return r;
    r = runOverlay(this.fs, dir, { ...this.valuesOptions, build: (d) => this.build(d) });
    this.runs.set(dir, r);
    return r;
  }

  /** Effective values of the releases a folder builds (cached like the build). */
  effectiveValues(dir: string): EffectiveRelease[] {
    return this.overlay(dir).releases;
  }

  /** Forgets every pipeline run (charts arrived from the chart cache: values change). */
  forgetValues(): void {
    this.runs.clear();
  }

  /** Folders (with a kustomization) whose cached build read `file`. */
  readersOf(file: string): string[] {
    return [...(this.readers.get(file) ?? [])];
  }

  isPatchFile(file: string): boolean {
    this.complete();
    return this.patchFiles.has(file);
  }

  /** Named objects of the workspace (of one kind), in file order. */
  objects(kind?: string): NamedObject[] {
    this.complete();
    if (kind) return [...this.byKind(kind).list];
    return [...this.objectsByFile.values()].flat();
  }

  /** The names of the ConfigMaps (or Secrets) some kustomization of the workspace generates (before the hash suffix). */
  generatedNames(kind: string): ReadonlySet<string> {
    this.complete();
    let out = this.generatedCache.get(kind);
    if (!out) {
      out = new Set<string>();
      for (const list of this.generatedByFile.values())
        for (const o of list) if (o.kind === kind) out.add(o.name);
      this.generatedCache.set(kind, out);
    }
    return out;
  }

  private readonly generatedCache = new Map<string, Set<string>>();

  /** The names of the workspace's objects of one kind. */
  objectNames(kind: string): ReadonlySet<string> {
    this.complete();
    return this.byKind(kind).names;
  }

  private byKind(kind: string): { list: NamedObject[]; names: Set<string> } {
    if (!this.objectsByKind) {
      // One pass per change of the workspace instead of one per question: check asks for every
      // reference of every file (2,000 components: 6,000 questions over 6,000 files).
      const byKind = new Map<string, { list: NamedObject[]; names: Set<string> }>();
      for (const list of this.objectsByFile.values())
        for (const o of list) {
          let k = byKind.get(o.kind);
          if (!k) byKind.set(o.kind, (k = { list: [], names: new Set() }));
          k.list.push(o);
          k.names.add(o.name);
        }
      this.objectsByKind = byKind;
    }
    return this.objectsByKind.get(kind) ?? { list: [], names: new Set() };
  }

  objectsIn(file: string): NamedObject[] {
    this.complete();
    return this.objectsByFile.get(file) ?? [];
  }

  valuesFromRefs(): ValuesFromRef[] {
    this.complete();
    return [...this.valuesFromByFile.values()].flat();
  }

  /** The kustomization folder nearest above (or at) a file's folder. */
  kustomizationDirOf(file: string): string | undefined {
    let d = this.fs.stat(file) === 'dir' ? file : path.posix.dirname(file);
    for (let i = 0; i < 50; i++) {
      if (this.kustomizationDirs.has(d)) return d;
      const up = path.posix.dirname(d);
      if (up === d) return undefined;
      d = up;
    }
    return undefined;
  }

  /**
   * The component holding a file or folder (the innermost one), from the workspace engine's
   * discovery (engine/workspace/discover.ts: d1/keos, flux2-example and d1-infra layouts).
   */
  componentOf(file: string): Component | undefined {
    // Before the components are listed (the first scan's walk under way), along the file's own
    // path: what the list would say, without walking the whole tree first (the first hover).
    if (!this.componentList && this.walking) return this.componentOnPath(file);
    // The innermost component is the first component folder met walking up (componentOf in
    // discover.ts says the same by scanning every component, too slow once per file of check).
    const byDir = this.componentsByDir();
    let d = file.length > 1 ? file.replace(/\/+$/, '') || '/' : file;
    for (;;) {
      const c = byDir.get(d);
      if (c) return c;
      const up = path.posix.dirname(d);
      if (up === d) return undefined;
      d = up;
    }
  }

  /** componentOf from each root's walk down to the file: the innermost, the first root's on a tie. */
  private componentOnPath(file: string): Component | undefined {
    const fs = this.snapshot ?? this.fs;
    let best: Component | undefined;
    for (const r of this.roots) {
      const c = componentOnPath(fs, r, file);
      if (c && (!best || c.dir.length > best.dir.length)) best = c;
    }
    return best && this.ordered(best);
  }

  /** The component rooted exactly at `dir`. */
  componentAt(dir: string): Component | undefined {
    if (!this.componentList && this.walking) {
      const c = this.componentOnPath(dir);
      return c?.dir === dir ? c : undefined;
    }
    return this.componentsByDir().get(dir);
  }

  private componentsByDir(): Map<string, Component> {
    const list = this.components();
    if (!this.componentByDir) {
      this.componentByDir = new Map();
      for (const c of list) if (!this.componentByDir.has(c.dir)) this.componentByDir.set(c.dir, c);
    }
    return this.componentByDir;
  }

  /** Every component in the workspace (discovered once, again after a kustomization file appears, disappears or changes where it matters). */
  components(): Component[] {
    if (!this.componentList) {
      this.componentByDir = undefined;
      this.componentList = this.discover(this.snapshot ?? this.fs);
    }
    return this.componentList;
  }

  private discover(fs: FileSystem): Component[] {
    return this.roots.flatMap((r) => discoverComponents(fs, r)).map((c) => this.ordered(c));
  }

  /** A component with its overlays in the order of the overlayFolders setting (base first). */
  private ordered(c: Component): Component {
    const order = this.settings.overlayFolders;
    return {
      ...c,
      overlays: [...c.overlays].sort((a, b) =>
        a.name === 'base'
          ? -1
          : b.name === 'base'
            ? 1
            : rank(order, a.name) - rank(order, b.name) || a.name.localeCompare(b.name),
      ),
    };
  }

  /** Overlays a file contributes to: its component's overlays that read it (building them as needed). */
  overlaysOf(file: string): { name: string; dir: string }[] {
    const c = this.componentOf(file);
    if (c)
      return c.overlays.filter(
        (o) => this.build(o.dir).filesRead.includes(file) || o.dir === path.posix.dirname(file),
      );
    const k = this.kustomizationDirOf(file);
    return k ? [{ name: path.posix.basename(k), dir: k }] : [];
  }
}

interface WalkFrame {
  dir: string;
  depth: number;
  guard: WalkGuard;
  /** Reached through an entry that is not a link of a folder entered: no need to ask the guard. */
  entered: boolean;
  /** The folder's entries, sorted, once listed; the next one to look at. */
  entries?: DirEntry[];
  next: number;
}

function isKustomizationName(file: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file));
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** First document of a parsed file that is a map, for callers that want one object. */
export function docRoot(parsed: ParsedFile | undefined, index: number): YNode | undefined {
  return parsed?.documents[index]?.root;
}

export type { YMap };
