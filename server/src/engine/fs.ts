// File access is a parameter of the engine: the CLI reads the disk, the language server reads
// open editor buffers over the disk, the promotion diff reads git trees. Paths are absolute,
// POSIX style. All methods are synchronous: the engine runs in-process on small text files
// and caches by path, so a promise per read would only add latency.

import * as nodeFs from 'fs';
import * as nodePath from 'path';

export type EntryType = 'file' | 'dir';

export interface FileSystem {
  /** File contents, or undefined when there is no such file. */
  readFile(path: string): string | undefined;
  /** 'file', 'dir', or undefined when the path does not exist. */
  stat(path: string): EntryType | undefined;
  /** Names (not paths) of the entries of a folder; empty when it is not a folder. */
  readDir(path: string): string[];
  /** Raw bytes, for generator files that are not UTF-8 text; optional (text is used when absent). */
  readBytes?(path: string): Buffer | undefined;
  /**
   * The path with every symbolic link resolved, or undefined when it does not exist. Boundaries
   * (restricted mode, kustomize's RootOnly, folder walks) compare real paths, since a link can
   * point anywhere. Optional: a file system without links is its own real path (see realPathOf).
   */
  realPath?(path: string): string | undefined;
  /**
   * The entries of a folder with what each is: 'link' for a symbolic link (its target unknown
   * until stat or realPath follows it), 'other' for sockets and devices. Optional: a snapshot
   * of the disk uses it to learn a whole folder's stats in the one call that lists it.
   */
  readDirTyped?(path: string): DirEntry[];
  /**
   * Why a path that exists reads as absent, for a file system that hides some paths on purpose
   * (restricted mode); undefined when it is not hidden or does not exist. Said in place of
   * "no such file", which would send the user looking for a file that is there.
   */
  hiddenBecause?(path: string): string | undefined;
}

export interface DirEntry {
  name: string;
  type: EntryType | 'link' | 'other';
}

/** `fs.realPath(p)`, or the normalised path when the file system has no links. */
export function realPathOf(fs: FileSystem, p: string): string | undefined {
  if (fs.realPath) return fs.realPath(p);
  return fs.stat(p) === undefined ? undefined : nodePath.posix.normalize(p);
}

/** True when `p` is `dir` or below it (both absolute, normalised). */
export function isInOrBelow(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

/**
 * Guards a walk of the folders below `root` against symbolic links: a folder reached through a
 * link is not entered. Either the link points inside the root, and the walk reaches the folder
 * under its own name anyway, or it points outside, which must not be pulled in; and `loop -> .`
 * twice in a folder would otherwise make a walk of depth d visit 2^d copies of every file.
 */
export class WalkGuard {
  private readonly root: string;
  private readonly realRoot: string | undefined;
  constructor(
    private readonly fs: FileSystem,
    root: string,
  ) {
    this.root = nodePath.posix.normalize(root);
    this.realRoot = realPathOf(fs, root);
  }
  /** True when `dir` (the root or below it) is the folder its name says, not a link's target. */
  enter(dir: string): boolean {
    const rel = nodePath.posix.relative(this.root, nodePath.posix.normalize(dir));
    if (this.realRoot === undefined || rel.startsWith('..')) return false;
    return realPathOf(this.fs, dir) === nodePath.posix.join(this.realRoot, rel);
  }
  /** True when the file `file` really lies inside the root (a file link may point elsewhere inside). */
  includes(file: string): boolean {
    const real = realPathOf(this.fs, file);
    return real !== undefined && this.realRoot !== undefined && isInOrBelow(real, this.realRoot);
  }
}

/** The real disk. Read-only: nothing in the engine writes files. */
export class DiskFileSystem implements FileSystem {
  readFile(path: string): string | undefined {
    try {
      return nodeFs.readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }
  readBytes(path: string): Buffer | undefined {
    try {
      return nodeFs.readFileSync(path);
    } catch {
      return undefined;
    }
  }
  stat(path: string): EntryType | undefined {
    try {
      // No exception for a missing path: kustomize looks for three file names in every folder,
      // and a thrown ENOENT costs more than the stat (4 s of a 2,000-component check).
      const s = nodeFs.statSync(path, { throwIfNoEntry: false });
      if (!s) return undefined;
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  }
  readDir(path: string): string[] {
    try {
      return nodeFs.readdirSync(path);
    } catch {
      return [];
    }
  }
  realPath(path: string): string | undefined {
    try {
      return nodeFs.realpathSync.native(path);
    } catch {
      return undefined;
    }
  }
  readDirTyped(path: string): DirEntry[] {
    try {
      return nodeFs.readdirSync(path, { withFileTypes: true }).map((d) => ({
        name: d.name,
        type: d.isSymbolicLink() ? 'link' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other',
      }));
    } catch {
      return [];
    }
  }
}

/** Files held in memory, for tests and for unsaved editor buffers layered over another FileSystem. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, string>();
  constructor(
    private readonly under?: FileSystem,
    files?: Record<string, string>,
  ) {
    if (files) for (const [p, t] of Object.entries(files)) this.write(p, t);
    if (!under || under.readDirTyped) this.readDirTyped = (p: string) => this.typedEntries(p);
  }
  readDirTyped?: (path: string) => DirEntry[];
  /** The listing below with what each entry is, and the files held here (a buffer is a file; a folder holding one is a folder). */
  private typedEntries(path: string): DirEntry[] {
    const p = nodePath.posix.normalize(path);
    const prefix = p.endsWith('/') ? p : p + '/';
    const entries = new Map<string, DirEntry>(
      (this.under?.readDirTyped?.(path) ?? []).map((e) => [e.name, e]),
    );
    for (const k of this.files.keys()) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) entries.set(rest, { name: rest, type: 'file' });
      else if (!entries.has(rest.slice(0, slash)))
        entries.set(rest.slice(0, slash), { name: rest.slice(0, slash), type: 'dir' });
    }
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  write(path: string, text: string): void {
    this.files.set(nodePath.posix.normalize(path), text);
  }
  delete(path: string): void {
    this.files.delete(nodePath.posix.normalize(path));
  }
  readFile(path: string): string | undefined {
    const t = this.files.get(nodePath.posix.normalize(path));
    return t !== undefined ? t : this.under?.readFile(path);
  }
  hiddenBecause(path: string): string | undefined {
    return this.files.has(nodePath.posix.normalize(path))
      ? undefined
      : this.under?.hiddenBecause?.(path);
  }
  readBytes(path: string): Buffer | undefined {
    const t = this.files.get(nodePath.posix.normalize(path));
    if (t !== undefined) return Buffer.from(t, 'utf8');
    return this.under?.readBytes
      ? this.under.readBytes(path)
      : this.under?.readFile(path) !== undefined
        ? Buffer.from(this.under.readFile(path)!, 'utf8')
        : undefined;
  }
  stat(path: string): EntryType | undefined {
    const p = nodePath.posix.normalize(path);
    if (this.files.has(p)) return 'file';
    const prefix = p.endsWith('/') ? p : p + '/';
    for (const k of this.files.keys()) if (k.startsWith(prefix)) return 'dir';
    return this.under?.stat(path);
  }
  readDir(path: string): string[] {
    const p = nodePath.posix.normalize(path);
    const prefix = p.endsWith('/') ? p : p + '/';
    const names = new Set<string>(this.under ? this.under.readDir(path) : []);
    for (const k of this.files.keys()) {
      if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort();
  }
  realPath(path: string): string | undefined {
    const p = nodePath.posix.normalize(path);
    const below = this.under ? realPathOf(this.under, p) : undefined;
    if (below !== undefined) return below;
    if (this.stat(p) === undefined) return undefined;
    // Only in memory (a new unsaved file): it lives where its folder really is.
    const parent = nodePath.posix.dirname(p);
    return parent === p
      ? p
      : nodePath.posix.join(this.realPath(parent) ?? parent, nodePath.posix.basename(p));
  }
}

/**
 * Only the files below some folders (VS Code's restricted mode: an untrusted workspace must not
 * make us read anything outside it). `allowed()` returning undefined lifts the restriction.
 * A path must be below a root both as written and once its symbolic links are resolved: a link
 * committed in an untrusted repository (`pw -> /etc/passwd`) is refused like `../../etc/passwd`.
 */
export class BoundedFileSystem implements FileSystem {
  /** Real paths of the roots, by root (roots change with the workspace folders). */
  private readonly realRoots = new Map<string, string>();
  constructor(
    private readonly inner: FileSystem,
    private readonly allowed: () => readonly string[] | undefined,
  ) {
    // An allowed folder's entries that are not links are inside too (their real path is the
    // folder's plus their name); links are checked when followed (stat, realPath).
    if (inner.readDirTyped) {
      const below = inner.readDirTyped.bind(inner);
      this.readDirTyped = (p: string) => (this.ok(p) ? below(p) : []);
    }
  }
  readDirTyped?: (path: string) => DirEntry[];
  private ok(p: string): boolean {
    const roots = this.allowed();
    if (!roots) return true;
    const n = nodePath.posix.normalize(p);
    if (!roots.some((r) => isInOrBelow(n, r))) return false;
    const real = realPathOf(this.inner, n);
    return real !== undefined && roots.some((r) => isInOrBelow(real, this.realRoot(r)));
  }
  private realRoot(r: string): string {
    let real = this.realRoots.get(r);
    if (real === undefined) this.realRoots.set(r, (real = realPathOf(this.inner, r) ?? r));
    return real;
  }
  readFile(p: string): string | undefined {
    return this.ok(p) ? this.inner.readFile(p) : undefined;
  }
  stat(p: string): EntryType | undefined {
    return this.ok(p) ? this.inner.stat(p) : undefined;
  }
  readDir(p: string): string[] {
    return this.ok(p) ? this.inner.readDir(p) : [];
  }
  readBytes(p: string): Buffer | undefined {
    return this.ok(p) && this.inner.readBytes ? this.inner.readBytes(p) : undefined;
  }
  hiddenBecause(p: string): string | undefined {
    if (!this.allowed() || this.ok(p)) return undefined;
    const n = nodePath.posix.normalize(p);
    const real = realPathOf(this.inner, n);
    // a dangling link, or nothing there at all: really no such file
    if (real === undefined) return undefined;
    if (real === n)
      return `'${n}' is outside the workspace: restricted mode reads nothing outside the workspace folders (trust the workspace to read it)`;
    return `'${n}' leads through a symbolic link to '${real}', outside the workspace: restricted mode does not follow links that leave the workspace (trust the workspace to read it)`;
  }
  /** Real paths too stay inside: outside ones are reported as absent, like their contents. */
  realPath(p: string): string | undefined {
    return this.ok(p) ? realPathOf(this.inner, p) : undefined;
  }
}
