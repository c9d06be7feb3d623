// File access for a build: resolves paths against a kustomization root, enforces kustomize's
// load restrictor (RootOnly by default: files must sit in or below the kustomization's folder),
// refuses remote resources (we never touch the network), and caches parsed YAML by content.
// Like kustomize (filesys.CleanedAbs), the restrictor compares real paths: a symbolic link in
// the root that points outside is refused as `../outside` is, and one that stays inside is not.

import * as path from 'path';
import { FileSystem, isInOrBelow, realPathOf } from '../fs';
import { Origin } from '../yaml/node';
import { ParsedFile, parseYaml } from '../yaml/parse';
import { fail } from './errors';

export type LoadRestrictor = 'RootOnly' | 'None';

export const KUSTOMIZATION_FILE_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

/** Parsed files by path, reused while the text is unchanged (the editor rebuilds often). */
export class ParseCache {
  private readonly entries = new Map<string, { text: string; parsed: ParsedFile }>();
  get(file: string, text: string): ParsedFile {
    const e = this.entries.get(file);
    if (e && e.text === text) return e.parsed;
    const parsed = parseYaml(text, file);
    this.entries.set(file, { text, parsed });
    return parsed;
  }
  invalidate(file: string): void {
    this.entries.delete(file);
  }
}

export function isRemote(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^git@/.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) ||
    /\?ref=|\/\/.*\?/.test(ref)
  );
}

export class Loader {
  /** Every file read during the build, so callers can invalidate by file. */
  readonly filesRead = new Set<string>();
  // The file system and the parse cache are private: every read goes through a method below,
  // so none escapes `filesRead` (the workspace index invalidates builds by it).
  constructor(
    private readonly fs: FileSystem,
    readonly restrictor: LoadRestrictor,
    private readonly cache: ParseCache,
  ) {}

  /** Absolute path of `rel` from `dir`; refuses remote references. */
  resolveAny(dir: string, rel: string, origin?: Origin): string {
    if (isRemote(rel))
      fail(
        `remote resource "${rel}" refused: flux-overlays builds offline and does not fetch URLs or git repositories`,
        origin,
        'remote-resource',
      );
    return path.resolve(dir, rel);
  }

  /** Like resolveAny, and applies the load restrictor for files read by the kustomization in `root`. */
  resolve(root: string, rel: string, origin?: Origin): string {
    const abs = this.resolveAny(root, rel, origin);
    if (this.restrictor === 'RootOnly' && !this.inRoot(abs, root)) {
      const real = this.realPath(abs);
      const link =
        real !== undefined && real !== abs && isInOrBelow(abs, root)
          ? ` (through a symbolic link it is '${real}')`
          : '';
      fail(
        `security: file '${abs}' is not in or below '${root}'${link} (kustomize's default load restrictor RootOnly; build with --load-restrictor none to allow it)`,
        origin,
        'load-restrictor',
      );
    }
    return abs;
  }

  /** True when `file` really lies in or below the folder `root` (a missing file is judged by its name). */
  private inRoot(file: string, root: string): boolean {
    return isInOrBelow(this.realPath(file) ?? file, this.realPath(root) ?? root);
  }

  /** Where `p` really is, symbolic links resolved; undefined when it does not exist. */
  realPath(p: string): string | undefined {
    return realPathOf(this.fs, p);
  }

  /**
   * Fails for a file or folder that reads as absent: with why, when the file system hides it on
   * purpose (restricted mode: a link out of the workspace), else with `message`.
   */
  missing(p: string, origin: Origin | undefined, message: string, code: string): never {
    const hidden = this.hiddenBecause(p);
    if (hidden) fail(`security: ${hidden}`, origin, 'restricted-mode');
    fail(message, origin, code);
  }

  /** Why the file system hides an existing `p` (see FileSystem.hiddenBecause), or undefined. */
  hiddenBecause(p: string): string | undefined {
    return this.fs.hiddenBecause?.(p);
  }

  stat(p: string): 'file' | 'dir' | undefined {
    return this.fs.stat(p);
  }

  readText(file: string, origin?: Origin): string {
    this.filesRead.add(file);
    const text = this.fs.readFile(file);
    if (text === undefined) this.missing(file, origin, `${file}: no such file`, 'missing-file');
    return text;
  }

  readBytes(file: string, origin?: Origin): Buffer {
    this.filesRead.add(file);
    if (this.fs.readBytes) {
      const b = this.fs.readBytes(file);
      if (b === undefined) this.missing(file, origin, `${file}: no such file`, 'missing-file');
      return b;
    }
    return Buffer.from(this.readText(file, origin), 'utf8');
  }

  parse(file: string, origin?: Origin): ParsedFile {
    return this.readParsed(file, origin).parsed;
  }

  /** The text of a file and its parse (shared through the cache while the text is unchanged). */
  readParsed(file: string, origin?: Origin): { text: string; parsed: ParsedFile } {
    const text = this.readText(file, origin);
    return { text, parsed: this.cache.get(file, text) };
  }

  /** The names in a folder (not recorded in `filesRead`: only file contents are). */
  readDir(dir: string): string[] {
    return this.fs.readDir(dir);
  }

  /** The kustomization file of a folder, or undefined; two of them is an error as in kustomize. */
  findKustomization(dir: string, origin?: Origin): string | undefined {
    // kustomize loads it through the restrictor too: a kustomization.yaml linking outside is not found.
    const found = KUSTOMIZATION_FILE_NAMES.map((n) => path.join(dir, n)).filter(
      (p) => this.fs.stat(p) === 'file' && (this.restrictor === 'None' || this.inRoot(p, dir)),
    );
    if (found.length > 1) fail(`found multiple kustomization files under: ${dir}`, origin);
    return found[0];
  }
}
