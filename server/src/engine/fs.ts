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
}

/** Files held in memory, for tests and for unsaved editor buffers layered over another FileSystem. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, string>();
  constructor(private readonly under?: FileSystem, files?: Record<string, string>) {
    if (files) for (const [p, t] of Object.entries(files)) this.write(p, t);
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
  readBytes(path: string): Buffer | undefined {
    const t = this.files.get(nodePath.posix.normalize(path));
    if (t !== undefined) return Buffer.from(t, 'utf8');
    return this.under?.readBytes ? this.under.readBytes(path) : this.under?.readFile(path) !== undefined ? Buffer.from(this.under.readFile(path)!, 'utf8') : undefined;
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
}


/**
 * Only the files below some folders (VS Code's restricted mode: an untrusted workspace must not
 * make us read anything outside it). `allowed()` returning undefined lifts the restriction.
 */
export class BoundedFileSystem implements FileSystem {
  constructor(
    private readonly inner: FileSystem,
    private readonly allowed: () => readonly string[] | undefined,
  ) {}
  private ok(p: string): boolean {
    const roots = this.allowed();
    if (!roots) return true;
    const n = nodePath.posix.normalize(p);
    return roots.some((r) => n === r || n.startsWith(r.endsWith('/') ? r : r + '/'));
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
}
