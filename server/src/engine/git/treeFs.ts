// A read-only FileSystem over one git tree, mounted at a folder (normally the repository's own
// top folder, so origins and messages name the familiar paths). Listing comes from one
// `git ls-tree`; blobs are read on first use, all text-sized ones in one batch.

import * as path from 'path';
import { EntryType, FileSystem } from '../fs';
import { GitRepository, GitResult, TreeEntry, isGitError } from './repository';

/** Blobs up to this size are fetched in the first batch; bigger ones on demand. */
const BATCH_LIMIT = 1 << 20;

export class GitTreeFileSystem implements FileSystem {
  private readonly dirs = new Map<string, Set<string>>();
  private blobs?: Map<string, Buffer>;
  private constructor(
    private readonly repo: GitRepository,
    readonly root: string,
    private readonly entries: Map<string, TreeEntry>,
  ) {
    this.dirs.set(root, new Set());
    for (const [rel, e] of entries) {
      if (e.type !== 'blob') continue;
      let child = path.posix.join(root, rel);
      for (let dir = path.posix.dirname(child); ; dir = path.posix.dirname(dir)) {
        let names = this.dirs.get(dir);
        const seen = !!names;
        if (!names) this.dirs.set(dir, (names = new Set()));
        names.add(path.posix.basename(child));
        if (dir === root || seen || dir === path.posix.dirname(dir)) break;
        child = dir;
      }
    }
  }

  /** A file system over `treeish` (commit, branch or tree id), mounted at `root` (default: the repository folder). */
  static open(repo: GitRepository, treeish: string, root = repo.dir): GitResult<GitTreeFileSystem> {
    const entries = repo.listTree(treeish);
    if (isGitError(entries)) return entries;
    return new GitTreeFileSystem(repo, root, entries);
  }

  private entry(p: string): TreeEntry | undefined {
    const rel = path.posix.relative(this.root, path.posix.normalize(p));
    if (rel.startsWith('..')) return undefined;
    return this.entries.get(rel);
  }

  readBytes(p: string): Buffer | undefined {
    const e = this.entry(p);
    if (!e || e.type !== 'blob' || e.mode === '120000') return undefined;
    if (!this.blobs) {
      const wanted = [...this.entries.values()].filter((x) => x.type === 'blob' && x.size <= BATCH_LIMIT).map((x) => x.sha);
      this.blobs = this.repo.readBlobs(wanted);
    }
    let b = this.blobs.get(e.sha);
    if (!b) {
      b = this.repo.readBlobs([e.sha]).get(e.sha);
      if (b) this.blobs.set(e.sha, b);
    }
    return b;
  }

  readFile(p: string): string | undefined {
    return this.readBytes(p)?.toString('utf8');
  }

  stat(p: string): EntryType | undefined {
    const n = path.posix.normalize(p).replace(/\/$/, '') || '/';
    if (this.dirs.has(n)) return 'dir';
    const e = this.entry(n);
    return e && e.type === 'blob' ? 'file' : undefined;
  }

  readDir(p: string): string[] {
    const n = path.posix.normalize(p).replace(/\/$/, '') || '/';
    return [...(this.dirs.get(n) ?? [])].sort();
  }
}
