// A FileSystem that remembers every answer of the one below it: for one-shot commands (check)
// that ask for the same files many times (each of 6,000 builds re-reads its kustomization,
// resources and patches, and stats three kustomization file names per folder), on a tree
// that does not change while they run. In the language server, whose files change, only for
// the workspace index's first walk, and for component lookups until the first edit
// (WorkspaceIndex.scan).

import * as path from 'path';
import { DirEntry, EntryType, FileSystem } from './fs';

/** A remembered "no such file" (Map.get alone cannot tell it from "not asked yet"). */
const ABSENT = Symbol('absent');

export class SnapshotFileSystem implements FileSystem {
  private readonly texts = new Map<string, string | typeof ABSENT>();
  private readonly bytes = new Map<string, Buffer | typeof ABSENT>();
  private readonly stats = new Map<string, EntryType | typeof ABSENT>();
  private readonly dirs = new Map<string, string[]>();
  /** Listings with types, for the folders the file system below could list with types. */
  private readonly typedDirs = new Map<string, DirEntry[]>();
  private readonly reals = new Map<string, string | typeof ABSENT>();
  /** Folders listed with types: a name missing from one is known absent without a stat. */
  private readonly listed = new Set<string>();
  /** The symbolic links of those listings (their stat is not known from the listing). */
  private readonly linked = new Set<string>();

  constructor(private readonly inner: FileSystem) {
    if (inner.readDirTyped) {
      const below = inner.readDirTyped.bind(inner);
      this.readDirTyped = (p: string) => {
        let entries = this.typedDirs.get(p);
        if (entries === undefined) {
          // (listing a folder keeps its typed entries when it can)
          if (!this.dirs.has(p)) this.readDir(p);
          entries = this.typedDirs.get(p);
          if (entries === undefined) this.typedDirs.set(p, (entries = below(p)));
        }
        // a copy: callers sort the list in place
        return [...entries];
      };
    }
    if (inner.readBytes) {
      const below = inner.readBytes.bind(inner);
      this.readBytes = (p: string) => remember(this.bytes, p, below);
    }
    // Boundaries (RootOnly, restricted mode, walks that must not follow links) compare real
    // paths: a snapshot that dropped them would let links through and loops run forever.
    if (inner.hiddenBecause) this.hiddenBecause = inner.hiddenBecause.bind(inner);
    if (inner.realPath) {
      const below = inner.realPath.bind(inner);
      this.realPath = (p: string) => remember(this.reals, p, below);
    }
  }

  readBytes?: (path: string) => Buffer | undefined;
  realPath?: (path: string) => string | undefined;
  readDirTyped?: (path: string) => DirEntry[];
  hiddenBecause?: (path: string) => string | undefined;

  readFile(p: string): string | undefined {
    return remember(this.texts, p, (q) => this.inner.readFile(q));
  }

  stat(p: string): EntryType | undefined {
    const known = this.stats.get(p);
    if (known !== undefined) return known === ABSENT ? undefined : known;
    // Every entry of a listed folder is in `stats` (links aside: only a stat tells what a link
    // leads to), so a name below one that is not there does not exist. Kustomize's three file names
    // and Chart.yaml are looked for in every folder (2,000 components: 20,000 stats of nothing).
    const slash = p.lastIndexOf('/');
    const name = p.slice(slash + 1);
    if (
      slash > 0 &&
      name !== '' &&
      name !== '.' &&
      name !== '..' &&
      this.listed.has(p.slice(0, slash)) &&
      !this.linked.has(p)
    ) {
      this.stats.set(p, ABSENT);
      return undefined;
    }
    return remember(this.stats, p, (q) => this.inner.stat(q));
  }

  readDir(p: string): string[] {
    let names = this.dirs.get(p);
    if (names === undefined) this.dirs.set(p, (names = this.list(p)));
    // a copy: callers sort the list in place
    return [...names];
  }

  /**
   * Lists a folder once; when the file system below says what each entry is, the stat of every
   * entry that is not a link is known from the listing (a walk of 2,000 components otherwise
   * stats 20,000 paths one by one), and so is its real path once the folder's is known.
   */
  private list(dir: string): string[] {
    if (!this.inner.readDirTyped || dir !== path.posix.normalize(dir) || dir.endsWith('/'))
      return this.inner.readDir(dir);
    const entries: DirEntry[] = this.inner.readDirTyped(dir);
    this.typedDirs.set(dir, entries);
    const realDir = this.realPath?.(dir);
    // (an empty list may be a folder that could not be read: its entries stay unknown)
    if (entries.length > 0) this.listed.add(dir);
    for (const e of entries) {
      const child = `${dir}/${e.name}`;
      if (e.type === 'link') {
        this.linked.add(child);
        continue;
      }
      if (!this.stats.has(child)) this.stats.set(child, e.type === 'other' ? ABSENT : e.type);
      if (realDir !== undefined && e.type !== 'other' && !this.reals.has(child))
        this.reals.set(child, realDir === '/' ? `/${e.name}` : `${realDir}/${e.name}`);
    }
    return entries.map((e) => e.name);
  }
}

function remember<T>(
  m: Map<string, T | typeof ABSENT>,
  key: string,
  compute: (key: string) => T | undefined,
): T | undefined {
  const known = m.get(key);
  if (known !== undefined) return known === ABSENT ? undefined : known;
  const v = compute(key);
  m.set(key, v === undefined ? ABSENT : v);
  return v;
}
