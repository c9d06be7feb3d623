// A read-only FileSystem over one git tree, mounted at a folder (normally the repository's own
// top folder, so origins and messages name the familiar paths). Listing comes from one
// `git ls-tree`; blobs are read on first use, all text-sized ones in one batch. Symbolic links
// (mode 120000) are followed inside the tree only: a link whose target leaves the tree reads as
// absent, so a promotion never reads the disk through a committed link.

import * as path from 'path';
import { EntryType, FileSystem } from '../fs';
import { GitRepository, GitResult, TreeEntry, isGitError } from './repository';

/** Blobs up to this size are fetched in the first batch; bigger ones on demand. */
const BATCH_LIMIT = 1 << 20;
/** Links followed while resolving one path, as Linux's ELOOP limit. */
const MAX_LINKS = 40;

export class GitTreeFileSystem implements FileSystem {
  private readonly dirs = new Map<string, Set<string>>();
  private blobs?: Map<string, Buffer>;
  private readonly contentIds = new Map<string, string>();
  private readonly hasLinks: boolean;
  private constructor(
    private readonly repo: GitRepository,
    readonly root: string,
    private readonly entries: Map<string, TreeEntry>,
  ) {
    this.hasLinks = [...entries.values()].some((e) => e.mode === '120000');
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

  private blob(e: TreeEntry): Buffer | undefined {
    if (!this.blobs) {
      const wanted = [...this.entries.values()]
        .filter((x) => x.type === 'blob' && x.size <= BATCH_LIMIT)
        .map((x) => x.sha);
      this.blobs = this.repo.readBlobs(wanted);
    }
    let b = this.blobs.get(e.sha);
    if (!b) {
      b = this.repo.readBlobs([e.sha]).get(e.sha);
      if (b) this.blobs.set(e.sha, b);
    }
    return b;
  }

  /** Resolves links component by component, as the kernel does; undefined when absent or outside the tree. */
  realPath(p: string): string | undefined {
    if (!this.hasLinks) {
      // Most trees hold no link: a path is then its own real path (and this is the hot path).
      const n = path.posix.normalize(p).replace(/(.)\/$/, '$1');
      const e = this.dirs.has(n) ? undefined : this.entry(n);
      return this.dirs.has(n) || (e && e.type === 'blob') ? n : undefined;
    }
    const rest = path.posix
      .relative(this.root, path.posix.resolve(this.root, p))
      .split('/')
      .filter(Boolean);
    if (rest[0] === '..') return undefined;
    let cur = this.root;
    for (let links = 0; rest.length;) {
      const next = path.posix.join(cur, rest.shift()!);
      const e = this.entry(next);
      if (e?.mode === '120000') {
        const target = this.blob(e)?.toString('utf8');
        if (target === undefined || ++links > MAX_LINKS) return undefined;
        const to = path.posix.relative(this.root, path.posix.resolve(cur, target));
        if (to === '..' || to.startsWith('../') || path.posix.isAbsolute(to)) return undefined;
        rest.unshift(...to.split('/').filter(Boolean));
        cur = this.root;
      } else if (this.dirs.has(next) || (e && e.type === 'blob')) {
        cur = next;
      } else {
        return undefined;
      }
    }
    return cur;
  }

  /**
   * What the file or folder at `p` holds, as one string of its entries' paths, modes and object
   * ids (no blob is read): equal on two trees exactly when its files are. Undefined when absent.
   */
  contentId(p: string): string | undefined {
    const real = this.realPath(p);
    if (real === undefined) return undefined;
    if (!this.contentIds.has(real)) this.contentIds.set(real, this.computeContentId(real));
    return this.contentIds.get(real);
  }

  private computeContentId(real: string): string {
    const rel = path.posix.relative(this.root, real);
    const e = this.entries.get(rel);
    if (e && e.type === 'blob') return `${e.mode} ${e.sha}`;
    const prefix = rel === '' ? '' : rel + '/';
    const parts: string[] = [];
    for (const [name, x] of this.entries)
      if (name.startsWith(prefix)) parts.push(`${name.slice(prefix.length)} ${x.mode} ${x.sha}`);
    return parts.sort().join('\n');
  }

  readBytes(p: string): Buffer | undefined {
    const real = this.realPath(p);
    const e = real === undefined ? undefined : this.entry(real);
    return e && e.type === 'blob' ? this.blob(e) : undefined;
  }

  readFile(p: string): string | undefined {
    return this.readBytes(p)?.toString('utf8');
  }

  stat(p: string): EntryType | undefined {
    const real = this.realPath(p);
    if (real === undefined) return undefined;
    return this.dirs.has(real) ? 'dir' : 'file';
  }

  readDir(p: string): string[] {
    const real = this.realPath(p);
    return real === undefined ? [] : [...(this.dirs.get(real) ?? [])].sort();
  }
}
