// Read-only access to a git repository through the git command line: resolve refs, list a
// tree, read blobs, and compute the tree a merge would produce (`git merge-tree --write-tree`,
// git >= 2.38), all without touching the working tree, the index or any ref. merge-tree adds
// the merged blobs and trees to the object store (unreferenced objects, as `git gc` expects);
// nothing else is written. Every git call is synchronous; a tree's blobs are read in one
// `git cat-file --batch` call. Never throws: failures come back as `{ error }`.

import { spawnSync } from 'child_process';

export type GitResult<T> = T | { error: string };

export function isGitError<T>(r: GitResult<T>): r is { error: string } {
  return (
    typeof r === 'object' &&
    r !== null &&
    'error' in r &&
    typeof (r as { error: unknown }).error === 'string'
  );
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number;
}

export interface MergeResult {
  /** The merged tree's id (written to the object store, referenced by no ref). */
  tree: string;
  /** Paths with conflicts (their content holds conflict markers in `tree`). */
  conflicts: string[];
}

/** Why a ref name is refused (options, ranges, control characters), or undefined when acceptable. */
export function refNameProblem(ref: string): string | undefined {
  if (ref === '') return 'empty ref name';
  if (ref.startsWith('-'))
    return `ref name '${ref}' starts with '-' (it would be read as an option)`;
  if (ref.includes('..')) return `ref name '${ref}' contains '..'`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref.replace(/\^\{commit\}$/, '')))
    return `ref name '${ref}' contains a space, control character or one of ~^:?*[\\`;
  return undefined;
}

export class GitRepository {
  constructor(
    /** The work tree's top folder (or a bare repository's folder). */
    readonly dir: string,
    private readonly gitBinary = 'git',
  ) {}

  /** Runs git with a fixed environment that cannot write refs through hooks or prompts. */
  run(args: string[], input?: string): { status: number | null; stdout: Buffer; stderr: string } {
    const r = spawnSync(this.gitBinary, ['-C', this.dir, '-c', 'core.quotepath=off', ...args], {
      input,
      maxBuffer: 1 << 30,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    });
    if (r.error) return { status: null, stdout: Buffer.alloc(0), stderr: String(r.error.message) };
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  }

  /**
   * The top folder of the repository containing `dir` (a bare repository's own folder: everything
   * here reads git objects only), or an error when it is not in one.
   */
  static open(dir: string, gitBinary = 'git'): GitResult<GitRepository> {
    const probe = new GitRepository(dir, gitBinary);
    // The usual case first, in one git call (the editor opens repositories often).
    const top = probe.run(['rev-parse', '--show-toplevel']);
    if (top.status === 0) return new GitRepository(top.stdout.toString('utf8').trim(), gitBinary);
    const r = probe.run(['rev-parse', '--is-bare-repository', '--absolute-git-dir']);
    if (r.status !== 0)
      return { error: `${dir} is not a git repository${r.stderr ? ` (${r.stderr.trim()})` : ''}` };
    const [bare, gitDir] = r.stdout.toString('utf8').trim().split('\n');
    if (bare === 'true') return new GitRepository(gitDir, gitBinary);
    return {
      error: `${dir} is not in a git work tree nor a bare repository${top.stderr ? ` (${top.stderr.trim()})` : ''}`,
    };
  }

  /** The commit a branch, tag or commit id names. Refuses names that could be options. */
  resolveRef(ref: string): GitResult<string> {
    const bad = refNameProblem(ref);
    if (bad) return { error: bad };
    const r = this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (r.status !== 0) return { error: `no branch, tag or commit named '${ref}' in ${this.dir}` };
    return r.stdout.toString('utf8').trim();
  }

  /** Every blob (recursively) of a tree-ish, by repository-relative path. */
  listTree(treeish: string): GitResult<Map<string, TreeEntry>> {
    const r = this.run(['ls-tree', '-r', '-z', '-l', '--full-tree', treeish]);
    if (r.status !== 0) return { error: `cannot list ${treeish}: ${r.stderr.trim()}` };
    const out = new Map<string, TreeEntry>();
    for (const rec of r.stdout.toString('utf8').split('\0')) {
      if (!rec) continue;
      const tab = rec.indexOf('\t');
      const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
      out.set(rec.slice(tab + 1), {
        mode,
        type: type as TreeEntry['type'],
        sha,
        size: size === '-' ? 0 : Number(size),
      });
    }
    return out;
  }

  /** Contents of many blobs in one `git cat-file --batch` call. */
  readBlobs(shas: readonly string[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const unique = [...new Set(shas)];
    if (unique.length === 0) return out;
    const r = this.run(['cat-file', '--batch'], unique.join('\n') + '\n');
    const buf = r.stdout;
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      const header = buf.subarray(pos, nl).toString('utf8').split(' ');
      pos = nl + 1;
      if (header[1] === 'missing' || header.length < 3) continue;
      const size = Number(header[2]);
      out.set(header[0], buf.subarray(pos, pos + size));
      pos += size + 1;
    }
    return out;
  }

  /** The tree of merging `from` into `to`, computed in the object store only. */
  mergeTree(from: string, to: string): GitResult<MergeResult> {
    for (const ref of [from, to]) {
      const bad = refNameProblem(ref);
      if (bad) return { error: bad };
    }
    const r = this.run([
      'merge-tree',
      '--write-tree',
      '--name-only',
      '-z',
      '--no-messages',
      to,
      from,
    ]);
    if (r.status !== 0 && r.status !== 1)
      return {
        error: `git merge-tree ${to} ${from} failed: ${r.stderr.trim() || `exit ${r.status}`}`,
      };
    const parts = r.stdout
      .toString('utf8')
      .split('\0')
      .filter((s) => s !== '');
    const tree = (parts[0] ?? '').trim();
    if (!/^[0-9a-f]{40,64}$/.test(tree))
      return { error: `git merge-tree printed no tree id: ${r.stderr.trim()}` };
    return { tree, conflicts: r.status === 1 ? [...new Set(parts.slice(1))] : [] };
  }

  /** Renamed paths between two tree-ishes (git's rename detection): old path -> new path. */
  renames(a: string, b: string): Map<string, string> {
    const out = new Map<string, string>();
    const r = this.run(['diff-tree', '-r', '-z', '-M', '--name-status', '--no-commit-id', a, b]);
    if (r.status !== 0) return out;
    const parts = r.stdout.toString('utf8').split('\0');
    for (let i = 0; i < parts.length;) {
      const status = parts[i];
      if (!status) {
        i++;
        continue;
      }
      if (status.startsWith('R') || status.startsWith('C')) {
        if (status.startsWith('R')) out.set(parts[i + 1], parts[i + 2]);
        i += 3;
      } else i += 2;
    }
    return out;
  }
}
