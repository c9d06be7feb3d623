// Applying `patchesStrategicMerge`, `patches` and `patchesJson6902` to the accumulated resources.

import * as path from 'path';
import { YMap, YNode, clone, get, getString, isMap, isScalar, isSeq, scalar, set } from '../yaml/node';
import { parseYaml } from '../yaml/parse';
import { YamlFlavor } from '../yaml/resolve';
import { BuildError, fail } from './errors';
import { Loader } from './loader';
import { KustomizationFile, mapList, stringList } from './kustomizationFile';
import { Resource, ResId, allIds, curId, describeId, gvkOf, idEquals, nameOf, namespaceOf, storePreviousId } from './resource';
import { Selector, readSelector, select } from './selector';
import { normalizeKeyedLists, strategicMerge } from './merge/strategicMerge';
import { rootType } from './merge/builtinSchema';
import { applyJsonPatch, readJsonPatch } from './merge/json6902';

interface PatchSource {
  text: string;
  /** File the patch text lives in, or the kustomization file for inline patches. */
  file: string;
  /** Line offset of inline patch text inside the kustomization file (block scalar). */
  shift?: { line: number; col: number };
  label: string;
  /** A patch file (not inline text): its parse can come from the loader's cache. */
  loader?: Loader;
}

function inlineShift(node: YNode | undefined, loader: Loader, file: string): { line: number; col: number } | undefined {
  // An inline patch is a block scalar: its text starts on the line after the `|` indicator,
  // indented. Map positions back so errors and origins point into the kustomization file.
  if (!node?.origin) return undefined;
  const text = loader.fs.readFile(file);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const start = node.origin.line; // line of the `|` indicator
  const first = lines.slice(start).find((l) => l.trim() !== '');
  if (first === undefined) return undefined;
  const indent = first.length - first.trimStart().length;
  const header = lines[start - 1] ?? '';
  if (!/[|>][-+0-9]*\s*(#.*)?$/.test(header)) return undefined;
  return { line: start, col: indent };
}

function docsOf(src: PatchSource): YNode[] {
  const read = (flavor: YamlFlavor) => {
    // A patch file is parsed once per text, shared with the workspace index and every overlay
    // using it (the parse cache); the build merges a copy of it.
    const shared = src.loader !== undefined && flavor === 'kustomize' && !src.shift;
    const parsed = shared ? src.loader!.cache.get(src.file, src.text) : parseYaml(src.text, src.file, src.shift, flavor);
    const err = parsed.problems.find((p) => p.severity === 'error');
    if (err) fail(`${src.label}: ${err.message}`, { file: err.file, line: err.line, col: err.col, endLine: err.endLine, endCol: err.endCol });
    const roots = parsed.documents.map((d) => d.root).filter((r): r is YNode => r !== undefined && !(isScalar(r) && r.value === null));
    return shared ? roots.map((r) => clone(r)) : roots;
  };
  const docs = read('kustomize');
  // kustomize turns a JSON6902 patch written in YAML into JSON with go-yaml v2 (YAML 1.1), so
  // its values are typed that way: `value: n` is the boolean false there. Read it the same way.
  return isJsonPatch(docs) ? read('helm') : docs;
}

function patchId(p: YMap): ResId {
  return { gvk: gvkOf(p), name: nameOf(p), namespace: namespaceOf(p) };
}

/** Applies one strategic-merge patch document to one resource, keeping its name, kind and namespace. */
function applySmp(r: Resource, patch: YMap, label: string, options: { allowNameChange?: boolean; allowKindChange?: boolean }): boolean {
  const id = curId(r);
  if (options.allowNameChange || options.allowKindChange) storePreviousId(r);
  const gvk = gvkOf(r.node);
  // The identity fields a patch must restate (apiVersion, kind, name, namespace) keep the
  // resource's own nodes, and so their origin, unless the patch really changes them.
  const before = { apiVersion: get(r.node, 'apiVersion'), kind: get(r.node, 'kind'), name: get(get(r.node, 'metadata'), 'name'), namespace: get(get(r.node, 'metadata'), 'namespace') };
  let merged: YNode | undefined;
  try {
    merged = strategicMerge(r.node, patch, label, rootType(gvk));
  } catch (e) {
    if (e instanceof BuildError && !e.origin) throw new BuildError(`${label}: ${e.message}`, patch.origin);
    throw e;
  }
  if (merged === undefined || !isMap(merged) || merged.pairs.length === 0) return false;
  normalizeKeyedLists(merged, rootType(gvk));
  r.node = merged;
  const keep = (parent: YMap, key: string, original: YNode | undefined) => {
    const now = get(parent, key);
    if (original && now && isScalar(now) && isScalar(original) && now.value === original.value) set(parent, key, original);
  };
  keep(r.node, 'apiVersion', before.apiVersion);
  const meta = get(r.node, 'metadata');
  if (!options.allowKindChange) set(r.node, 'kind', before.kind ?? scalar(id.gvk.kind, get(r.node, 'kind')?.origin));
  if (isMap(meta)) {
    if (!options.allowNameChange) set(meta, 'name', before.name ?? scalar(id.name, get(meta, 'name')?.origin));
    if (id.namespace) set(meta, 'namespace', before.namespace ?? scalar(id.namespace, get(meta, 'namespace')?.origin));
    else if (get(meta, 'namespace') !== undefined) meta.pairs = meta.pairs.filter((p) => p.key !== 'namespace');
  }
  return true;
}

function findUnique(resources: Resource[], id: ResId, label: string, where?: YNode): Resource {
  const matches = resources.filter((r) => allIds(r).some((x) => idEquals(x, id)));
  if (matches.length === 1) return matches[0];
  const what = matches.length === 0 ? 'no resource matches' : `${matches.length} resources match`;
  throw new BuildError(`${what} the strategic merge patch ${label} for ${id.gvk.group ? id.gvk.group + '/' : ''}${id.gvk.version} ${describeId(id)}; failed to find a unique target for the patch`, where?.origin, 'patch-no-target');
}

function loadSource(k: KustomizationFile, loader: Loader, entry: YMap): PatchSource {
  const pathNode = get(entry, 'path');
  const patchNode = get(entry, 'patch');
  const rel = getString(entry, 'path');
  const inline = getString(entry, 'patch');
  const hasInline = inline !== undefined && inline.trim() !== '';
  if (!hasInline && !rel) fail('must specify one of patch and path', entry.origin);
  if (hasInline && rel) fail("patch and path can't be set at the same time", entry.origin);
  if (rel) {
    const file = loader.resolve(k.dir, rel, pathNode?.origin);
    return { text: loader.readText(file, pathNode?.origin), file, label: `patch ${path.relative(path.dirname(k.dir), file)}`, loader };
  }
  return { text: inline!, file: k.file, shift: inlineShift(patchNode, loader, k.file), label: `inline patch in ${path.relative(path.dirname(k.dir), k.file)}:${patchNode?.origin?.line ?? '?'}` };
}

function isJsonPatch(docs: YNode[]): boolean {
  return docs.length === 1 && isSeq(docs[0]);
}

export function applyPatchesField(resources: Resource[], k: KustomizationFile, loader: Loader): Resource[] {
  let current = resources;
  for (const entry of mapList(k, 'patches')) {
    const src = loadSource(k, loader, entry);
    const docs = docsOf(src);
    if (docs.length === 0) fail(`${src.label}: unable to parse SM or JSON patch: it is empty`, entry.origin);
    const target = readSelector(get(entry, 'target'));
    const opts = get(entry, 'options');
    const options = { allowNameChange: isScalar(get(opts, 'allowNameChange')) && (get(opts, 'allowNameChange') as { value: unknown }).value === true, allowKindChange: isScalar(get(opts, 'allowKindChange')) && (get(opts, 'allowKindChange') as { value: unknown }).value === true };
    if (isJsonPatch(docs)) {
      if (!target) fail(`must specify a target for JSON patch ${src.label}`, entry.origin);
      const ops = readJsonPatch(docs[0]);
      for (const r of select(current, target, entry)) {
        storePreviousId(r);
        r.node = applyJsonPatch(r.node, ops, src.label) as YMap;
      }
      continue;
    }
    for (const d of docs) if (!isMap(d)) fail(`${src.label}: a strategic merge patch must be a map`, d.origin);
    const patches = docs as YMap[];
    if (target) {
      if (patches.length > 1) fail(`multiple strategic-merge patches in one patches entry cannot have a target: ${src.label}`, entry.origin);
      const selected = new Set(select(current, target, entry));
      // With a target, the patch takes the target's apiVersion: only its body is merged.
      const forTarget = (r: Resource): YMap => {
        const p = clone(patches[0]);
        const av = get(r.node, 'apiVersion');
        if (av) set(p, 'apiVersion', av);
        return p;
      };
      current = current.filter((r) => !selected.has(r) || applySmp(r, forTarget(r), src.label, options));
    } else {
      for (const p of patches) {
        const r = findUnique(current, patchId(p), src.label, p);
        if (!applySmp(r, p, src.label, options)) current = current.filter((x) => x !== r);
      }
    }
  }
  return current;
}

export function applyPatchesStrategicMerge(resources: Resource[], k: KustomizationFile, loader: Loader): Resource[] {
  let current = resources;
  for (const { value, node: item } of stringList(k, 'patchesStrategicMerge')) {
    let src: PatchSource;
    const asFile = !value.includes('\n') ? loader.resolveAny(k.dir, value, item.origin) : undefined;
    if (asFile && loader.stat(asFile) === 'file') {
      const file = loader.resolve(k.dir, value, item.origin);
      src = { text: loader.readText(file, item.origin), file, label: `patch ${path.relative(path.dirname(k.dir), file)}`, loader };
    } else {
      src = { text: value, file: k.file, shift: inlineShift(item, loader, k.file), label: `inline patch in ${path.relative(path.dirname(k.dir), k.file)}:${item.origin?.line ?? '?'}` };
      const docs0 = docsOf(src);
      const message = `patchesStrategicMerge entry "${value}" is neither a file nor an inline patch`;
      if (docs0.length === 0 || !docs0.every(isMap)) (asFile ? loader.missing(asFile, item.origin, message, 'missing-file') : fail(message, item.origin, 'missing-file'));
    }
    const docs = docsOf(src);
    for (const d of docs) {
      if (!isMap(d)) fail(`${src.label}: patchesStrategicMerge takes strategic merge patches (maps), not JSON patches`, d.origin);
      const r = findUnique(current, patchId(d), src.label, d);
      if (!applySmp(r, d, src.label, {})) current = current.filter((x) => x !== r);
    }
  }
  return current;
}

export function applyPatchesJson6902(resources: Resource[], k: KustomizationFile, loader: Loader): void {
  for (const entry of mapList(k, 'patchesJson6902')) {
    const target: Selector | undefined = readSelector(get(entry, 'target'));
    if (!target) fail('patchesJson6902 entry needs a target', entry.origin);
    const src = loadSource(k, loader, entry);
    const docs = docsOf(src);
    if (!isJsonPatch(docs)) fail(`${src.label}: a JSON6902 patch must be a list of operations`, entry.origin);
    const ops = readJsonPatch(docs[0]);
    for (const r of select(resources, target, entry)) {
      storePreviousId(r);
      r.node = applyJsonPatch(r.node, ops, src.label) as YMap;
    }
  }
}

