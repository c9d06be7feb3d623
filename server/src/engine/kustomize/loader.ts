// File access for a build: resolves paths against a kustomization root, enforces kustomize's
// load restrictor (RootOnly by default: files must sit in or below the kustomization's folder),
// refuses remote resources (we never touch the network), and caches parsed YAML by content.

import * as path from 'path';
import { FileSystem } from '../fs';
import { Origin } from '../yaml/node';
import { ParsedFile, parseYaml } from '../yaml/parse';
import { fail } from './errors';

export type LoadRestrictor = 'RootOnly' | 'None';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

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
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@/.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || /\?ref=|\/\/.*\?/.test(ref);
}

export class Loader {
  /** Every file read during the build, so callers can invalidate by file. */
  readonly filesRead = new Set<string>();
  constructor(
    readonly fs: FileSystem,
    readonly restrictor: LoadRestrictor,
    readonly cache: ParseCache,
  ) {}

  /** Absolute path of `rel` from `dir`; refuses remote references. */
  resolveAny(dir: string, rel: string, origin?: Origin): string {
    if (isRemote(rel)) fail(`remote resource "${rel}" refused: flux-overlays builds offline and does not fetch URLs or git repositories`, origin, 'remote-resource');
    return path.resolve(dir, rel);
  }

  /** Like resolveAny, and applies the load restrictor for files read by the kustomization in `root`. */
  resolve(root: string, rel: string, origin?: Origin): string {
    const abs = this.resolveAny(root, rel, origin);
    if (this.restrictor === 'RootOnly') {
      const r = root.endsWith(path.sep) ? root : root + path.sep;
      if (abs !== root && !abs.startsWith(r)) {
        fail(`security: file '${abs}' is not in or below '${root}' (kustomize's default load restrictor RootOnly; build with --load-restrictor none to allow it)`, origin, 'load-restrictor');
      }
    }
    return abs;
  }

  stat(p: string): 'file' | 'dir' | undefined {
    return this.fs.stat(p);
  }

  readText(file: string, origin?: Origin): string {
    this.filesRead.add(file);
    const text = this.fs.readFile(file);
    if (text === undefined) fail(`${file}: no such file`, origin, 'missing-file');
    return text;
  }

  readBytes(file: string, origin?: Origin): Buffer {
    this.filesRead.add(file);
    if (this.fs.readBytes) {
      const b = this.fs.readBytes(file);
      if (b === undefined) fail(`${file}: no such file`, origin, 'missing-file');
      return b;
    }
    return Buffer.from(this.readText(file, origin), 'utf8');
  }

  parse(file: string, origin?: Origin): ParsedFile {
    const text = this.readText(file, origin);
    return this.cache.get(file, text);
  }

  /** The kustomization file of a folder, or undefined; two of them is an error as in kustomize. */
  findKustomization(dir: string, origin?: Origin): string | undefined {
    const found = KUSTOMIZATION_FILE_NAMES.map((n) => path.join(dir, n)).filter((p) => this.fs.stat(p) === 'file');
    if (found.length > 1) fail(`found multiple kustomization files under: ${dir}`, origin);
    return found[0];
  }
}
