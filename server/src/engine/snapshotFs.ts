// A FileSystem that remembers every answer of the one below it: for one-shot commands (check)
// that ask for the same files many times (each of 6,000 builds re-reads its kustomization,
// resources and patches, and stats three kustomization file names per folder), on a tree
// that does not change while they run. Never for the language server, whose files change.

import { EntryType, FileSystem } from './fs';

export class SnapshotFileSystem implements FileSystem {
  private readonly texts = new Map<string, string | undefined>();
  private readonly bytes = new Map<string, Buffer | undefined>();
  private readonly stats = new Map<string, EntryType | undefined>();
  private readonly dirs = new Map<string, string[]>();
  private readonly reals = new Map<string, string | undefined>();

  constructor(private readonly inner: FileSystem) {
    if (inner.readBytes) {
      const below = inner.readBytes.bind(inner);
      this.readBytes = (p: string) => remember(this.bytes, p, () => below(p));
    }
    // Boundaries (RootOnly, restricted mode, walks that must not follow links) compare real
    // paths: a snapshot that dropped them would let links through and loops run forever.
    if (inner.realPath) {
      const below = inner.realPath.bind(inner);
      this.realPath = (p: string) => remember(this.reals, p, () => below(p));
    }
  }

  readBytes?: (path: string) => Buffer | undefined;
  realPath?: (path: string) => string | undefined;

  readFile(p: string): string | undefined {
    return remember(this.texts, p, () => this.inner.readFile(p));
  }

  stat(p: string): EntryType | undefined {
    return remember(this.stats, p, () => this.inner.stat(p));
  }

  readDir(p: string): string[] {
    // a copy: callers sort the list in place
    return [...remember(this.dirs, p, () => this.inner.readDir(p))];
  }
}

function remember<T>(m: Map<string, T>, key: string, compute: () => T): T {
  if (m.has(key)) return m.get(key) as T;
  const v = compute();
  m.set(key, v);
  return v;
}
