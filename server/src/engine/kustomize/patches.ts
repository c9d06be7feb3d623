// Applying `patchesStrategicMerge`, `patches` and `patchesJson6902` to the accumulated resources.

import * as path from 'path';
import {
  Origin,
  YMap,
  YNode,
  clone,
  get,
  getString,
  isMap,
  isScalar,
  isSeq,
  scalar,
  set,
} from '../yaml/node';
import { blockScalarShift } from '../yaml/blockScalar';
import { ParsedFile, parseYaml } from '../yaml/parse';
import { YamlFlavor } from '../yaml/resolve';
import { BuildError, fail } from './errors';
import { Loader } from './loader';
import { KustomizationFile, mapList, stringList } from './kustomizationFile';
import {
  Resource,
  ResId,
  allIds,
  curId,
  describeId,
  gvkOf,
  idEquals,
  nameOf,
  namespaceOf,
  storePreviousId,
} from './resource';
import { Selector, readSelector, select } from './selector';
import type { StepWarning } from './steps/step';
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
  /** A patch file's parse, shared through the loader's cache (inline text has none). */
  shared?: ParsedFile;
}

/** Inline patch text: placed in the kustomization file when it is a `|` block scalar there. */
function inlineSource(
  k: KustomizationFile,
  loader: Loader,
  node: YNode | undefined,
  text: string,
): PatchSource {
  const fileText = loader.readText(k.file);
  const shift = node?.origin ? blockScalarShift(fileText, node.origin, text) : undefined;
  return {
    text,
    file: k.file,
    shift,
    label: `inline patch in ${path.relative(path.dirname(k.dir), k.file)}:${node?.origin?.line ?? '?'}`,
  };
}

function fileSource(
  k: KustomizationFile,
  loader: Loader,
  file: string,
  origin: Origin | undefined,
): PatchSource {
  const { text, parsed } = loader.readParsed(file, origin);
  return { text, file, label: `patch ${path.relative(path.dirname(k.dir), file)}`, shared: parsed };
}

function docsOf(src: PatchSource): YNode[] {
  const read = (flavor: YamlFlavor) => {
    // A patch file is parsed once per text, shared with the workspace index and every overlay
    // using it (the parse cache); the build merges a copy of it.
    const shared = flavor === 'kustomize' ? src.shared : undefined;
    const parsed = shared ?? parseYaml(src.text, src.file, src.shift, flavor);
    const err = parsed.problems.find((p) => p.severity === 'error');
    if (err) fail(`${src.label}: ${err.message}`, err.span, err.code);
    const roots = parsed.documents
      .map((d) => d.root)
      .filter((r): r is YNode => r !== undefined && !(isScalar(r) && r.value === null));
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
function applySmp(
  r: Resource,
  patch: YMap,
  label: string,
  options: { allowNameChange?: boolean; allowKindChange?: boolean },
): boolean {
  const id = curId(r);
  if (options.allowNameChange || options.allowKindChange) storePreviousId(r);
  const gvk = gvkOf(r.node);
  // The identity fields a patch must restate (apiVersion, kind, name, namespace) keep the
  // resource's own nodes, and so their origin, unless the patch really changes them.
  const before = {
    apiVersion: get(r.node, 'apiVersion'),
    kind: get(r.node, 'kind'),
    name: get(get(r.node, 'metadata'), 'name'),
    namespace: get(get(r.node, 'metadata'), 'namespace'),
  };
  let merged: YNode | undefined;
  try {
    merged = strategicMerge(r.node, patch, label, rootType(gvk));
  } catch (e) {
    if (e instanceof BuildError && !e.origin)
      throw new BuildError(`${label}: ${e.message}`, patch.origin);
    throw e;
  }
  if (merged === undefined || !isMap(merged) || merged.pairs.length === 0) return false;
  normalizeKeyedLists(merged, rootType(gvk));
  r.node = merged;
  const keep = (parent: YMap, key: string, original: YNode | undefined) => {
    const now = get(parent, key);
    if (original && now && isScalar(now) && isScalar(original) && now.value === original.value)
      set(parent, key, original);
  };
  keep(r.node, 'apiVersion', before.apiVersion);
  const meta = get(r.node, 'metadata');
  if (!options.allowKindChange)
    set(r.node, 'kind', before.kind ?? scalar(id.gvk.kind, get(r.node, 'kind')?.origin));
  if (isMap(meta)) {
    if (!options.allowNameChange)
      set(meta, 'name', before.name ?? scalar(id.name, get(meta, 'name')?.origin));
    if (id.namespace)
      set(
        meta,
        'namespace',
        before.namespace ?? scalar(id.namespace, get(meta, 'namespace')?.origin),
      );
    else if (get(meta, 'namespace') !== undefined)
      meta.pairs = meta.pairs.filter((p) => p.key !== 'namespace');
  }
  return true;
}

function findUnique(resources: Resource[], id: ResId, label: string, where?: YNode): Resource {
  const matches = resources.filter((r) => allIds(r).some((x) => idEquals(x, id)));
  if (matches.length === 1) return matches[0];
  const what = matches.length === 0 ? 'no resource matches' : `${matches.length} resources match`;
  throw new BuildError(
    `${what} the strategic merge patch ${label} for ${id.gvk.group ? id.gvk.group + '/' : ''}${id.gvk.version} ${describeId(id)}; failed to find a unique target for the patch`,
    where?.origin,
    'patch-no-target',
  );
}

function loadSource(k: KustomizationFile, loader: Loader, entry: YMap): PatchSource {
  const pathNode = get(entry, 'path');
  const patchNode = get(entry, 'patch');
  const rel = getString(entry, 'path');
  const inline = getString(entry, 'patch');
  const hasInline = inline !== undefined && inline.trim() !== '';
  if (!hasInline && !rel) fail('must specify one of patch and path', entry.origin);
  if (hasInline && rel) fail("patch and path can't be set at the same time", entry.origin);
  if (rel)
    return fileSource(k, loader, loader.resolve(k.dir, rel, pathNode?.origin), pathNode?.origin);
  return inlineSource(k, loader, patchNode, inline!);
}

/** Selects a patch's targets; a target that selects nothing is reported (kustomize says nothing). */
function selectTargets(
  resources: Resource[],
  target: Selector,
  entry: YMap,
  src: PatchSource,
  warn: (w: StepWarning) => void,
): Resource[] {
  const selected = select(resources, target, entry);
  if (selected.length === 0) {
    const what = Object.entries(target)
      .map(([key, v]) => `${key}=${v}`)
      .join(', ');
    warn({
      code: 'patch-target-unmatched',
      message: `the target (${what}) of ${src.label} selects no object; the patch has no effect`,
      origin: get(entry, 'target')?.origin ?? entry.origin,
      data: { target: what },
    });
  }
  return selected;
}

function isJsonPatch(docs: YNode[]): boolean {
  return docs.length === 1 && isSeq(docs[0]);
}

export function applyPatchesField(
  resources: Resource[],
  k: KustomizationFile,
  loader: Loader,
  warn: (w: StepWarning) => void,
): Resource[] {
  let current = resources;
  for (const entry of mapList(k, 'patches')) {
    const src = loadSource(k, loader, entry);
    const docs = docsOf(src);
    if (docs.length === 0)
      fail(`${src.label}: unable to parse SM or JSON patch: it is empty`, entry.origin);
    const target = readSelector(get(entry, 'target'));
    const opts = get(entry, 'options');
    const options = {
      allowNameChange:
        isScalar(get(opts, 'allowNameChange')) &&
        (get(opts, 'allowNameChange') as { value: unknown }).value === true,
      allowKindChange:
        isScalar(get(opts, 'allowKindChange')) &&
        (get(opts, 'allowKindChange') as { value: unknown }).value === true,
    };
    if (isJsonPatch(docs)) {
      if (!target) fail(`must specify a target for JSON patch ${src.label}`, entry.origin);
      const ops = readJsonPatch(docs[0]);
      for (const r of selectTargets(current, target, entry, src, warn)) {
        storePreviousId(r);
        r.node = applyJsonPatch(r.node, ops, src.label) as YMap;
      }
      continue;
    }
    for (const d of docs)
      if (!isMap(d)) fail(`${src.label}: a strategic merge patch must be a map`, d.origin);
    const patches = docs as YMap[];
    if (target) {
      if (patches.length > 1)
        fail(
          `multiple strategic-merge patches in one patches entry cannot have a target: ${src.label}`,
          entry.origin,
        );
      const selected = new Set(selectTargets(current, target, entry, src, warn));
      // With a target, the patch takes the target's apiVersion: only its body is merged.
      const forTarget = (r: Resource): YMap => {
        const p = clone(patches[0]);
        const av = get(r.node, 'apiVersion');
        if (av) set(p, 'apiVersion', av);
        return p;
      };
      current = current.filter(
        (r) => !selected.has(r) || applySmp(r, forTarget(r), src.label, options),
      );
    } else {
      for (const p of patches) {
        const r = findUnique(current, patchId(p), src.label, p);
        if (!applySmp(r, p, src.label, options)) current = current.filter((x) => x !== r);
      }
    }
  }
  return current;
}

export function applyPatchesStrategicMerge(
  resources: Resource[],
  k: KustomizationFile,
  loader: Loader,
): Resource[] {
  let current = resources;
  for (const { value, node: item } of stringList(k, 'patchesStrategicMerge')) {
    let src: PatchSource;
    const asFile = !value.includes('\n') ? loader.resolveAny(k.dir, value, item.origin) : undefined;
    if (asFile && loader.stat(asFile) === 'file') {
      src = fileSource(k, loader, loader.resolve(k.dir, value, item.origin), item.origin);
    } else {
      src = inlineSource(k, loader, item, value);
      const docs0 = docsOf(src);
      const message = `patchesStrategicMerge entry "${value}" is neither a file nor an inline patch`;
      if (docs0.length === 0 || !docs0.every(isMap)) {
        if (asFile) loader.missing(asFile, item.origin, message, 'missing-file');
        else fail(message, item.origin, 'missing-file');
      }
    }
    const docs = docsOf(src);
    for (const d of docs) {
      if (!isMap(d))
        fail(
          `${src.label}: patchesStrategicMerge takes strategic merge patches (maps), not JSON patches`,
          d.origin,
        );
      const r = findUnique(current, patchId(d), src.label, d);
      if (!applySmp(r, d, src.label, {})) current = current.filter((x) => x !== r);
    }
  }
  return current;
}

export function applyPatchesJson6902(
  resources: Resource[],
  k: KustomizationFile,
  loader: Loader,
  warn: (w: StepWarning) => void,
): void {
  for (const entry of mapList(k, 'patchesJson6902')) {
    const target: Selector | undefined = readSelector(get(entry, 'target'));
    if (!target) fail('patchesJson6902 entry needs a target', entry.origin);
    const src = loadSource(k, loader, entry);
    const docs = docsOf(src);
    if (!isJsonPatch(docs))
      fail(`${src.label}: a JSON6902 patch must be a list of operations`, entry.origin);
    const ops = readJsonPatch(docs[0]);
    for (const r of selectTargets(resources, target, entry, src, warn)) {
      storePreviousId(r);
      r.node = applyJsonPatch(r.node, ops, src.label) as YMap;
    }
  }
}
