// Field specs: "which field of which kinds" a transformer touches, as kustomize's configuration
// data expresses it (`path: spec/template/metadata/labels`, `kind: Deployment`, `create: true`).
// The walk lives here once; transformers only say what to do at the field.

import { YMap, YNode, get, getString, isMap, isScalar, isSeq, map, set } from '../yaml/node';
import { fail } from './errors';
import { Gvk } from './resource';

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** Does the spec's (partial) gvk select this resource's gvk? Empty parts are wildcards. */
export function gvkSelected(
  fs: { group?: string; version?: string; kind?: string },
  gvk: Gvk,
): boolean {
  if (fs.group && fs.group !== gvk.group) return false;
  if (fs.version && fs.version !== gvk.version) return false;
  if (fs.kind && fs.kind !== gvk.kind) return false;
  return true;
}

/** Splits a field path on `/`, keeping `\/` as a literal slash inside a key. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.filter((s) => s.length > 0);
}

/** Called at each field the spec reaches: the map holding it, its key, its current value (absent when created). */
export type FieldVisitor = (parent: YMap, key: string, value: YNode | undefined) => void;

/**
 * Walks `path` from `node`. Sequences on the way are entered element by element (with or without
 * a `[]` marker, as kustomize does). Missing maps are created only when `create` is set; the
 * visitor then sees `value` undefined for the last key.
 */
export function walkFieldSpec(
  node: YNode,
  path: string[],
  create: boolean,
  visit: FieldVisitor,
): void {
  walk(node, path, 0, create, visit);
}

function walk(
  node: YNode | undefined,
  path: string[],
  i: number,
  create: boolean,
  visit: FieldVisitor,
): void {
  if (!node) return;
  if (isSeq(node)) {
    for (const item of node.items) walk(item, path, i, create, visit);
    return;
  }
  if (!isMap(node)) return;
  let key = path[i];
  const isList = key.endsWith('[]');
  if (isList) key = key.slice(0, -2);
  const value = get(node, key);
  if (i === path.length - 1) {
    if (value === undefined || (value.kind === 'scalar' && value.value === null)) {
      if (create) visit(node, key, undefined);
      return;
    }
    if (isList && isSeq(value)) {
      // `images: spec/containers[]/image` style ends never end on a list; treat as a plain field.
      visit(node, key, value);
      return;
    }
    visit(node, key, value);
    return;
  }
  if (value === undefined || (value.kind === 'scalar' && value.value === null)) {
    if (!create || isList) return;
    const created = map();
    set(node, key, created);
    walk(created, path, i + 1, create, visit);
    return;
  }
  walk(value, path, i + 1, create, visit);
}

/** Reads a list of field specs written in YAML (a `configurations:` file, a labels entry's `fields`). */
export function fieldSpecsOf(n: YNode | undefined, file: string): FieldSpec[] {
  if (n === undefined || (isScalar(n) && n.value === null)) return [];
  if (!isSeq(n)) fail(`field specs must be a list in ${file}`, n.origin);
  return n.items.map((i) => {
    if (!isMap(i) || !getString(i, 'path'))
      fail(`a field spec needs a path (in ${file})`, i.origin);
    const fs: FieldSpec = { path: getString(i, 'path')! };
    for (const key of ['group', 'version', 'kind'] as const) {
      const v = getString(i, key);
      if (v) fs[key] = v;
    }
    const c = get(i, 'create');
    if (isScalar(c) && c.value === true) fs.create = true;
    return fs;
  });
}
