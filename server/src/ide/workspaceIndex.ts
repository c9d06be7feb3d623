// What the language features need to know about a workspace, kept up to date file by file:
// the YAML files, the kustomization folders, which files are patches, the CRDs (registered in
// a SchemaRegistry), named objects (sources, ConfigMaps, Secrets, HelmReleases and their
// valuesFrom), components (a folder with `base/` and overlay folders) and, built on demand,
// the kustomize build of any folder with the files it read, so an edit rebuilds only the
// overlays that read the edited file. Pure: all file access goes through the FileSystem given.

import * as path from 'path';
import { FileSystem, WalkGuard } from '../engine/fs';
import { SnapshotFileSystem } from '../engine/snapshotFs';
import { isChartTemplate } from '../engine/charts/layout';
import { BuildResult, buildKustomization } from '../engine/kustomize/build';
import { KUSTOMIZATION_FILE_NAMES, ParseCache } from '../engine/kustomize/loader';
import { SchemaRegistry, patchFilesOf } from '../engine/schema';
import { Origin, YMap, YNode, get, getString, isMap, isSeq } from '../engine/yaml/node';
import { ParsedFile } from '../engine/yaml/parse';
import { EffectiveRelease, EffectiveValuesOptions } from '../engine/values/effective';
import { Variables } from '../engine/substitute/postBuild';
import { OverlayRun, runOverlay } from '../engine/workspace/pipeline';
import { Component, discoverComponents } from '../engine/workspace/discover';

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
  readonly registry = new SchemaRegistry();
  readonly cache = new ParseCache();
  readonly yamlFiles = new Set<string>();
  readonly kustomizationDirs = new Set<string>();
  /** Patch file -> kustomization files that use it as a patch. */
  readonly patchFiles = new Map<string, Set<string>>();
  /** Kustomization file -> the patch files it names (the reverse of patchFiles, so an update is not a scan of all). */
  private readonly patchesNamedBy = new Map<string, string[]>();
  private readonly objectsByFile = new Map<string, NamedObject[]>();
  /** ConfigMaps/Secrets that kustomization files generate (configMapGenerator, secretGenerator), by file. */
  private readonly generatedByFile = new Map<string, NamedObject[]>();
  private readonly valuesFromByFile = new Map<string, ValuesFromRef[]>();
  private readonly crdFiles = new Set<string>();
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

  /** Reads every YAML file under the roots (and the CRD folders), not through folder links (see WalkGuard). */
  scan(): void {
    // Folders are listed and stat'ed through a snapshot taken for this one synchronous walk
    // (nothing changes during it): each folder's listing then tells what its entries are, where
    // a stat and a realpath per entry took most of the server's first index.
    const fs = this.fs instanceof SnapshotFileSystem ? this.fs : new SnapshotFileSystem(this.fs);
    for (const r of [...this.roots, ...this.settings.crdFolders])
      this.walk(fs, r, 0, new WalkGuard(fs, r));
  }

  private walk(fs: FileSystem, dir: string, depth: number, guard: WalkGuard): void {
    if (depth > 30 || !guard.enter(dir)) return;
    for (const name of fs.readDir(dir).sort()) {
      if (SKIP_DIRS.has(name)) continue;
      // a chart's templates/ holds Go templates, not YAML documents (engine/charts/layout.ts)
      if (name === 'templates' && fs.stat(path.posix.join(dir, 'Chart.yaml')) === 'file') continue;
      const p = path.posix.join(dir, name);
      const t = fs.stat(p);
      if (t === 'dir') this.walk(fs, p, depth + 1, guard);
      else if (t === 'file' && isYamlFile(p) && guard.includes(p)) this.update(p);
    }
  }

  parse(file: string): ParsedFile | undefined {
    const text = this.fs.readFile(file);
    return text === undefined ? undefined : this.cache.get(file, text);
  }

  /** Re-reads one file (after an edit, a save, a create or a delete). Returns the folders whose builds it invalidated. */
  update(file: string): string[] {
    const text = isChartTemplate(this.fs, file) ? undefined : this.fs.readFile(file);
    const dir = path.posix.dirname(file);
    const isKust = KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file));
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
    const wasCrd = this.crdFiles.delete(file);
    if (isKust && this.componentList && (text === undefined) !== !this.kustomizationDirs.has(dir))
      this.componentList = undefined;
    else if (
      isKust &&
      this.componentList &&
      this.fs.stat(path.posix.join(path.posix.dirname(dir), 'base')) === 'dir' &&
      !this.kustomizationDirs.has(path.posix.join(path.posix.dirname(dir), 'base'))
    )
      this.componentList = undefined;
    if (text === undefined) {
      this.yamlFiles.delete(file);
      if (isKust) this.kustomizationDirs.delete(dir);
      this.cache.invalidate(file);
    } else {
      this.yamlFiles.add(file);
      if (isKust) {
        this.kustomizationDirs.add(dir);
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
      } else if (INTERESTING_KINDS.test(text)) {
        const parsed = this.cache.get(file, text);
        const objects: NamedObject[] = [];
        const refs: ValuesFromRef[] = [];
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
          if (kind === 'CustomResourceDefinition') this.crdFiles.add(file);
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
      }
    }
    if (wasCrd || this.crdFiles.has(file)) this.reloadCrds();
    return this.invalidate(file);
  }

  private reloadCrds(): void {
    this.registry.clearCrds();
    for (const f of this.crdFiles) {
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
    return this.patchFiles.has(file);
  }

  /** Named objects of the workspace (of one kind), in file order. */
  objects(kind?: string): NamedObject[] {
    if (kind) return [...this.byKind(kind).list];
    return [...this.objectsByFile.values()].flat();
  }

  /** The names of the ConfigMaps (or Secrets) some kustomization of the workspace generates (before the hash suffix). */
  generatedNames(kind: string): ReadonlySet<string> {
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
    return this.objectsByFile.get(file) ?? [];
  }

  valuesFromRefs(): ValuesFromRef[] {
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

  /** The component rooted exactly at `dir`. */
  componentAt(dir: string): Component | undefined {
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
      const order = this.settings.overlayFolders;
      this.componentList = this.roots
        .flatMap((r) => discoverComponents(this.fs, r))
        .map((c) => ({
          ...c,
          overlays: [...c.overlays].sort((a, b) =>
            a.name === 'base'
              ? -1
              : b.name === 'base'
                ? 1
                : rank(order, a.name) - rank(order, b.name) || a.name.localeCompare(b.name),
          ),
        }));
    }
    return this.componentList;
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

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** First document of a parsed file that is a map, for callers that want one object. */
export function docRoot(parsed: ParsedFile | undefined, index: number): YNode | undefined {
  return parsed?.documents[index]?.root;
}

export type { YMap };
