// Components and their overlays, found by folder layout alone (no build):
// - d1 / keos: `components/<app>/{base,staging,production}` or `{base,S,M}`;
// - flux2 examples: `apps/{base/<app>,staging,production}` (the base folder holds the apps and
//   has no kustomization of its own; the overlays reference `../base/...`);
// - d1-infra: `components/<x>/{controllers,configs}/{base,...}`.
// A component is a folder with a child folder named `base` and at least one child folder holding
// a kustomization file; when `base` has no kustomization file itself, an overlay must reference
// something under `../base`. Its overlays are its children holding a kustomization file ("base"
// first). The search does not descend into components. `componentOnPath` is the same search
// along one path only: the component of a file without listing the rest of the tree.

import * as path from 'path';
import { FileSystem, WalkGuard } from '../fs';
import { KUSTOMIZATION_FILE_NAMES } from '../kustomize/loader';

export interface OverlayRef {
  /** Folder name: "base", "staging", "S"... */
  name: string;
  /** Absolute folder. */
  dir: string;
}

export interface Component {
  /** Path of the component folder relative to the root, POSIX style ('.' for the root itself). */
  name: string;
  /** Absolute folder. */
  dir: string;
  overlays: OverlayRef[];
}

const SKIP = new Set(['node_modules', '.git']);
const MAX_DEPTH = 12;

export function kustomizationFileOf(fs: FileSystem, dir: string): string | undefined {
  for (const n of KUSTOMIZATION_FILE_NAMES) {
    const p = path.posix.join(dir, n);
    if (fs.stat(p) === 'file') return p;
  }
  return undefined;
}

/** Every component under `root` (absolute), sorted by name. Never throws. */
export function discoverComponents(fs: FileSystem, root: string): Component[] {
  const out: Component[] = [];
  // Folder links are not followed: they can loop (`a -> .`) or lead out of the workspace.
  const guard = new WalkGuard(fs, root);
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || !guard.enter(dir)) return;
    const children = childFolders(fs, dir);
    const component = componentAt(fs, dir, children);
    if (component) {
      const name = path.posix.relative(root, dir) || '.';
      out.push({ name, dir, overlays: component });
      return;
    }
    for (const c of children) walk(path.posix.join(dir, c), depth + 1);
  };
  walk(root, 0);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The component of discoverComponents(fs, root) that holds `fileOrDir` (or is it), found by
 * following only the folders on its path: the same walk, without listing the rest of the tree.
 */
export function componentOnPath(
  fs: FileSystem,
  root: string,
  fileOrDir: string,
): Component | undefined {
  const rel = path.posix.relative(root, fileOrDir);
  if (rel === '..' || rel.startsWith('../') || path.posix.isAbsolute(rel)) return undefined;
  const parts = rel === '' ? [] : rel.split('/');
  const guard = new WalkGuard(fs, root);
  let dir = root;
  for (let depth = 0; ; depth++) {
    if (depth > MAX_DEPTH || !guard.enter(dir)) return undefined;
    const children = childFolders(fs, dir);
    const component = componentAt(fs, dir, children);
    if (component) return { name: path.posix.relative(root, dir) || '.', dir, overlays: component };
    if (depth >= parts.length || !children.includes(parts[depth])) return undefined;
    dir = path.posix.join(dir, parts[depth]);
  }
}

/** The folders a walk for components enters below `dir`, sorted. */
function childFolders(fs: FileSystem, dir: string): string[] {
  return fs
    .readDir(dir)
    .filter((n) => !n.startsWith('.') && !SKIP.has(n))
    .sort()
    .filter((n) => fs.stat(path.posix.join(dir, n)) === 'dir');
}

function componentAt(fs: FileSystem, dir: string, children: string[]): OverlayRef[] | undefined {
  if (!children.includes('base')) return undefined;
  const overlays: OverlayRef[] = [];
  for (const c of children) {
    const d = path.posix.join(dir, c);
    if (kustomizationFileOf(fs, d)) overlays.push({ name: c, dir: d });
  }
  if (overlays.length === 0) return undefined;
  const guard = new WalkGuard(fs, dir);
  const baseHasKustomization = overlays.some((o) => o.name === 'base');
  if (
    !baseHasKustomization &&
    !overlays.some((o) => referencesSiblingBase(fs, o.dir, path.posix.join(dir, 'base'), guard))
  )
    return undefined;
  overlays.sort((a, b) =>
    a.name === 'base' ? -1 : b.name === 'base' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return overlays;
}

/**
 * True when a kustomization file in the overlay (or in a folder below it, as piksel-gitops's
 * `apps/staging/argo` referencing `../../base/argo`) names a path inside `<component>/base`.
 */
function referencesSiblingBase(
  fs: FileSystem,
  overlayDir: string,
  base: string,
  guard: WalkGuard,
  depth = 0,
): boolean {
  if (!guard.enter(overlayDir)) return false;
  const file = kustomizationFileOf(fs, overlayDir);
  const text = file ? fs.readFile(file) : undefined;
  if (text !== undefined) {
    for (const m of text.matchAll(/(?:\.\.\/)+base(?:\/[^\s'"#]*)?/g)) {
      const target = path.posix.resolve(overlayDir, m[0]);
      if (target === base || target.startsWith(base + '/')) return true;
    }
  }
  if (depth >= 2) return false;
  for (const n of fs.readDir(overlayDir)) {
    const d = path.posix.join(overlayDir, n);
    if (
      !n.startsWith('.') &&
      fs.stat(d) === 'dir' &&
      referencesSiblingBase(fs, d, base, guard, depth + 1)
    )
      return true;
  }
  return false;
}

/** The component holding `fileOrDir` (absolute), if any. */
export function componentOf(
  components: readonly Component[],
  fileOrDir: string,
): Component | undefined {
  let best: Component | undefined;
  for (const c of components) {
    if (fileOrDir === c.dir || fileOrDir.startsWith(c.dir.endsWith('/') ? c.dir : c.dir + '/')) {
      if (!best || c.dir.length > best.dir.length) best = c;
    }
  }
  return best;
}
