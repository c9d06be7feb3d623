// kustomize build: the order of the steps is written once, here, as kustomize runs them
// (resources, configurations, generators, components, transformers; then at the root: hash
// suffixes, name references, local-config removal, sorting, build metadata).
// Entry point: buildKustomization(). It never throws: failures come back as problems naming the
// file, the line and the kustomizations that led there.

import * as path from 'path';
import { FileSystem } from '../fs';
import { Origin, YMap, YNode, clone, get, getString, isMap, isScalar, isSeq, map, scalar, set } from '../yaml/node';
import { defaultTransformerConfig, mergeConfig, TransformerConfig } from './builtinConfig';
import { BuildError, fail } from './errors';
import { FieldSpec } from './fieldspec';
import { fieldSpecsOf, loadConfigurations } from './configurations';
import { absorbGenerated, generate, readOptions } from './generators';
import { nameHash } from './hash';
import { KustomizationFile, loadKustomization, mapList, stringField, stringList, stringMapField } from './kustomizationFile';
import { LoadRestrictor, Loader, ParseCache, isRemote } from './loader';
import { applyPatchesField, applyPatchesJson6902, applyPatchesStrategicMerge } from './patches';
import { applyReplacements } from './replacements';
import { Resource, curId, describeId, idKey, setName, storePreviousId } from './resource';
import { applyAnnotations, applyImage, applyLabels, applyNamePrefixSuffix, applyNamespace, applyReplicas } from './transformers';
import { fixNameReferences } from './nameReference';
import { SortOptions, sortResources } from './sort';

export interface BuildOptions {
  loadRestrictor?: LoadRestrictor;
  cache?: ParseCache;
}

export interface BuildProblem {
  severity: 'error' | 'warning';
  message: string;
  code: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
  /** Kustomization files that led to the failing file, outermost first. */
  chain: string[];
}

export interface BuiltObject {
  node: YMap;
  /** File the object was read from; absent for generated objects. */
  file?: string;
  /** The generator that made it, if any. */
  generatedBy?: string;
}

export interface BuildResult {
  dir: string;
  objects: BuiltObject[];
  problems: BuildProblem[];
  /** Every file the build read: rebuild when one of them changes. */
  filesRead: string[];
}

interface Accumulator {
  resources: Resource[];
  config: TransformerConfig;
}

interface Context {
  loader: Loader;
  /** Real paths of the kustomization folders being built, outermost first. */
  stack: string[];
  /** buildMetadata of the root kustomization (kustomize applies the root's to every level). */
  originAnnotations: boolean;
  transformerAnnotations: boolean;
  /** Things the build did that the user should know, without failing it. */
  warnings: BuildProblem[];
}

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

/**
 * Adds a resource, refusing an id already there. `ids` holds the keys of `ra.resources` (built
 * once per kustomization by the caller): a search of the list per resource made a build of
 * 10,000 objects quadratic.
 */
function appendResource(ra: Accumulator, ids: Set<string>, r: Resource, where?: Origin): void {
  const id = curId(r);
  const key = idKey(id);
  if (ids.has(key)) {
    fail(`may not add resource with an already registered id: ${describeId(id)} (${id.gvk.group ? id.gvk.group + '/' : ''}${id.gvk.version})`, r.node.origin ?? where, 'duplicate-id');
  }
  ids.add(key);
  ra.resources.push(r);
}

function readResourceFile(ctx: Context, file: string, entryOrigin: Origin | undefined, originPath: string): Resource[] {
  const parsed = ctx.loader.parse(file, entryOrigin);
  const syntax = parsed.problems.find((p) => p.severity === 'error');
  if (syntax) fail(syntax.message, { file, line: syntax.line, col: syntax.col, endLine: syntax.endLine, endCol: syntax.endCol }, syntax.code);
  const out: Resource[] = [];
  const add = (n: YNode) => {
    if (!isMap(n)) fail(`${file}: a resource must be a map (apiVersion, kind, metadata...)`, n.origin);
    const kind = getString(n, 'kind');
    const items = get(n, 'items');
    if (kind && kind.endsWith('List') && isSeq(items)) {
      for (const i of items.items) add(i);
      return;
    }
    if (!kind) fail(`missing kind in object in ${file}`, n.origin, 'missing-kind');
    out.push({ node: n, prevIds: [], file, originPath });
  };
  for (const d of parsed.documents) {
    if (d.root === undefined || (isScalar(d.root) && d.root.value === null)) continue;
    add(d.root);
  }
  // The same parse is shared between builds: hand out copies so transformers can mutate.
  return out.map((r) => ({ ...r, node: clone(r.node) }));
}


function accumulateDirectory(ctx: Context, dir: string, origin: Origin | undefined, ra: Accumulator | undefined, expectComponent: boolean, originPath: string): Accumulator {
  const norm = path.resolve(dir);
  // Folders are compared by real path, so `loop -> .` is a cycle rather than an ever longer path.
  const real = ctx.loader.realPath(norm) ?? norm;
  if (ctx.stack.includes(real)) {
    fail(`cycle detected: ${[...ctx.stack.slice(ctx.stack.indexOf(real)), real].join(' -> ')}`, origin, 'cycle');
  }
  const k = loadKustomization(ctx.loader, norm, origin);
  if (expectComponent && !k.isComponent) fail(`expected kind 'Component' for path '${norm}' but got 'Kustomization'`, origin);
  if (!expectComponent && k.isComponent) fail(`expected kind != 'Component' for path '${norm}'`, origin);
  ctx.stack.push(real);
  try {
    return accumulateTarget(ctx, k, ra ?? { resources: [], config: defaultTransformerConfig() }, originPath);
  } catch (e) {
    if (e instanceof BuildError) e.via(k.file);
    throw e;
  } finally {
    ctx.stack.pop();
  }
}

function joinOrigin(originPath: string, rel: string): string {
  return path.posix.normalize(path.posix.join(originPath, rel));
}

function accumulateResources(ctx: Context, k: KustomizationFile, ra: Accumulator, originPath: string): void {
  const ids = new Set(ra.resources.map((r) => idKey(curId(r))));
  for (const entry of [...stringList(k, 'resources'), ...stringList(k, 'bases')]) {
    if (isRemote(entry.value)) ctx.loader.resolveAny(k.dir, entry.value, entry.origin);
    const abs = path.resolve(k.dir, entry.value);
    const kind = ctx.loader.stat(abs);
    if (kind === 'file') {
      const file = ctx.loader.resolve(k.dir, entry.value, entry.origin);
      for (const r of readResourceFile(ctx, file, entry.origin, joinOrigin(originPath, entry.value))) appendResource(ra, ids, r, entry.origin);
    } else if (kind === 'dir') {
      const sub = accumulateDirectory(ctx, abs, entry.origin, undefined, false, joinOrigin(originPath, entry.value));
      for (const r of sub.resources) appendResource(ra, ids, r, entry.origin);
      mergeConfig(ra.config, sub.config);
    } else {
      ctx.loader.missing(abs, entry.origin, `resource '${entry.value}' not found: ${abs} is neither a file nor a folder`, 'missing-resource');
    }
  }
}

function runGenerators(ctx: Context, k: KustomizationFile, ra: Accumulator, originPath: string): void {
  const global = readOptions(get(k.root, 'generatorOptions'));
  const kustRel = joinOrigin(originPath, path.basename(k.file));
  for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    for (const entry of mapList(k, field)) {
      const r = generate(kind, entry, k.dir, ctx.loader, global, path.basename(k.file));
      if (ctx.originAnnotations) {
        r.generatedOrigin = { configuredIn: kustRel, kind: kind === 'ConfigMap' ? 'ConfigMapGenerator' : 'SecretGenerator' };
      }
      absorbGenerated(ra.resources, r);
    }
  }
}

function unsupported(k: KustomizationFile, field: string, why: string): void {
  const n = get(k.root, field);
  if (n === undefined || (isScalar(n) && n.value === null) || (isSeq(n) && n.items.length === 0) || (isMap(n) && n.pairs.length === 0)) return;
  fail(`${field} is not supported by flux-overlays: ${why}`, n.origin, 'unsupported');
}

function runTransformers(ctx: Context, k: KustomizationFile, ra: Accumulator, originPath: string): void {
  const kname = path.basename(k.file);
  const by = (what: string): Origin => ({ ...(get(k.root, what)?.origin ?? { file: k.file, line: 1, col: 1, endLine: 1, endCol: 1 }), by: `${what} (${kname})` });
  const tc = ra.config;
  // buildMetadata transformerAnnotations: every configured transformer is listed on every resource.
  const configuredIn = joinOrigin(originPath, kname);
  const noted = (kind: string, count = 1) => {
    if (!ctx.transformerAnnotations) return;
    for (let i = 0; i < count; i++) for (const r of ra.resources) (r.transformations ??= []).push({ configuredIn, kind });
  };
  const count = (field: string) => {
    const n = get(k.root, field);
    return isSeq(n) ? n.items.length : isMap(n) ? n.pairs.length : 0;
  };

  ra.resources = applyPatchesStrategicMerge(ra.resources, k, ctx.loader);
  if (count('patchesStrategicMerge')) noted('PatchStrategicMergeTransformer');
  ra.resources = applyPatchesField(ra.resources, k, ctx.loader);
  noted('PatchTransformer', count('patches'));

  const ns = stringField(k, 'namespace');
  if (ns) {
    applyNamespace(ra.resources, ns, tc.namespace, by('namespace'));
    noted('NamespaceTransformer');
  }
  const prefix = stringField(k, 'namePrefix');
  if (prefix) {
    applyNamePrefixSuffix(ra.resources, prefix, 'prefix', tc.namePrefix, by('namePrefix'));
    noted('PrefixTransformer');
  }
  const suffix = stringField(k, 'nameSuffix');
  if (suffix) {
    applyNamePrefixSuffix(ra.resources, suffix, 'suffix', tc.nameSuffix, by('nameSuffix'));
    noted('SuffixTransformer');
  }

  for (const entry of mapList(k, 'labels')) {
    const pairsNode = get(entry, 'pairs');
    const pairs: [string, string][] = isMap(pairsNode) ? pairsNode.pairs.map((p) => [p.key, isScalar(p.value) && p.value.value !== null ? String(p.value.value) : '']) : [];
    const specs = fieldSpecsOf(get(entry, 'fields'), k.file);
    const flag = (name: string) => {
      const v = get(entry, name);
      return isScalar(v) && v.value === true;
    };
    const all: FieldSpec[] = [...specs];
    const add = (more: FieldSpec[]) => {
      for (const s of more) if (!all.some((x) => x.path === s.path && x.kind === s.kind && x.group === s.group && x.version === s.version)) all.push(s);
    };
    if (flag('includeSelectors')) add(tc.commonLabels);
    else {
      if (flag('includeTemplates')) add(tc.templateLabels);
      add([{ path: 'metadata/labels', create: true }]);
    }
    applyLabels(ra.resources, pairs, all, { ...(entry.origin ?? by('labels')), by: `labels (${kname})` });
  }
  applyLabels(ra.resources, stringMapField(k, 'commonLabels'), tc.commonLabels, by('commonLabels'));
  if (count('labels') || count('commonLabels')) noted('LabelTransformer', count('labels') + 1);
  applyAnnotations(ra.resources, stringMapField(k, 'commonAnnotations'), tc.commonAnnotations, by('commonAnnotations'));
  if (count('commonAnnotations')) noted('AnnotationsTransformer');

  applyPatchesJson6902(ra.resources, k, ctx.loader);
  noted('PatchJson6902Transformer', count('patchesJson6902'));

  for (const entry of mapList(k, 'replicas')) {
    const name = getString(entry, 'name');
    const count = get(entry, 'count');
    if (!name) fail('replicas entry needs a name', entry.origin);
    if (!isScalar(count) || typeof count.value !== 'number') fail(`replicas entry ${name} needs a numeric count`, entry.origin);
    applyReplicas(ra.resources, name, count.value, tc.replicas, { ...(entry.origin ?? by('replicas')), by: `replicas (${kname})` });
  }
  for (const entry of [...mapList(k, 'images'), ...mapList(k, 'imageTags')]) {
    const name = getString(entry, 'name');
    if (!name) fail('images entry needs a name', entry.origin);
    const rule = { name, newName: getString(entry, 'newName'), newTag: getString(entry, 'newTag'), digest: getString(entry, 'digest'), origin: { ...(entry.origin ?? by('images')), by: `images (${kname})` } };
    applyImage(ra.resources, rule, tc.images);
  }
  noted('ReplicaCountTransformer', count('replicas'));
  noted('ImageTagTransformer', count('images') + count('imageTags'));
  applyReplacements(ra.resources, k, ctx.loader);
  if (count('replacements')) noted('ReplacementTransformer');
}

function accumulateTarget(ctx: Context, k: KustomizationFile, ra: Accumulator, originPath: string): Accumulator {
  unsupported(k, 'helmCharts', 'inflating Helm charts needs helm and the network; render the chart with flux-overlays values instead');
  unsupported(k, 'helmChartInflationGenerator', 'inflating Helm charts needs helm and the network');
  unsupported(k, 'generators', 'generator plugins run external programs');
  unsupported(k, 'transformers', 'transformer plugins run external programs');
  unsupported(k, 'validators', 'validator plugins run external programs');
  unsupported(k, 'vars', 'vars are deprecated in kustomize; use replacements');
  unsupported(k, 'crds', 'crds: registering CRD field specs is not implemented');
  const openapi = get(k.root, 'openapi');
  if (openapi !== undefined) {
    // kustomize reads merge keys for custom resources from this schema; we do not, so a
    // strategic merge on a list of a custom resource may differ: say so rather than guess.
    const o = k.root.pairs.find((p) => p.key === 'openapi')?.keyOrigin ?? openapi.origin;
    ctx.warnings.push({ severity: 'warning', code: 'openapi-ignored', message: 'openapi: a custom OpenAPI schema is not read by flux-overlays; strategic merges on custom resources use the default rules (lists replaced)', chain: [k.file], ...(o ? { file: o.file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol } : {}) });
  }
  accumulateResources(ctx, k, ra, originPath);
  loadConfigurations(ctx.loader, k, ra);
  runGenerators(ctx, k, ra, originPath);
  for (const entry of stringList(k, 'components')) {
    if (isRemote(entry.value)) ctx.loader.resolveAny(k.dir, entry.value, entry.origin);
    const abs = path.resolve(k.dir, entry.value);
    if (ctx.loader.stat(abs) !== 'dir') ctx.loader.missing(abs, entry.origin, `component '${entry.value}' not found: ${abs} is not a folder`, 'missing-resource');
    ra = accumulateDirectory(ctx, abs, entry.origin, ra, true, joinOrigin(originPath, entry.value));
  }
  runTransformers(ctx, k, ra, originPath);
  return ra;
}

function readSortOptions(k: KustomizationFile): SortOptions {
  const n = get(k.root, 'sortOptions');
  if (!isMap(n)) return { order: 'legacy' };
  const order = getString(n, 'order');
  if (order !== 'legacy' && order !== 'fifo') fail(`the field 'sortOptions.order' must be one of [fifo, legacy]`, n.origin);
  const legacy = get(n, 'legacySortOptions');
  if (order === 'fifo') {
    if (legacy !== undefined) fail(`the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'`, legacy.origin);
    return { order };
  }
  const list = (key: string) => {
    const v = get(legacy, key);
    return isSeq(v) ? v.items.map((i) => (isScalar(i) ? String(i.value) : '')) : undefined;
  };
  if (!isMap(legacy)) return { order };
  return { order, orderFirst: list('orderFirst') ?? [], orderLast: list('orderLast') ?? [] };
}

function setAnnotation(r: Resource, key: string, value: string): void {
  let meta = get(r.node, 'metadata');
  if (!isMap(meta)) {
    meta = map();
    set(r.node, 'metadata', meta);
  }
  let ann = get(meta, 'annotations');
  if (!isMap(ann)) {
    ann = map();
    set(meta, 'annotations', ann);
  }
  set(ann as YMap, key, scalar(value));
}

function buildRoot(ctx: Context, dir: string): Resource[] {
  // A Component folder builds on its own too (kustomize allows it): its patches then apply to
  // its own resources only.
  const root = path.resolve(dir);
  if (ctx.loader.stat(root) === 'dir' && !ctx.loader.findKustomization(root)) {
    // A component folder (base + overlays) given instead of one overlay: say which ones there are.
    const overlays = ctx.loader.fs.readDir(root).filter((n) => ctx.loader.stat(path.join(root, n)) === 'dir' && ctx.loader.findKustomization(path.join(root, n)));
    if (overlays.length) fail(`${dir} has no kustomization file; its overlay folders are: ${overlays.sort().join(', ')} (build one of them)`, undefined, 'missing-kustomization');
  }
  if (ctx.loader.stat(root) === undefined) fail(`${dir}: no such folder`, undefined, 'missing-kustomization');
  const k = loadKustomization(ctx.loader, root);
  const meta = stringList(k, 'buildMetadata').map((e) => e.value);
  ctx.originAnnotations = meta.includes('originAnnotations');
  ctx.transformerAnnotations = meta.includes('transformerAnnotations');
  ctx.stack.push(ctx.loader.realPath(k.dir) ?? k.dir);
  let ra: Accumulator;
  try {
    ra = accumulateTarget(ctx, k, { resources: [], config: defaultTransformerConfig() }, '');
  } catch (e) {
    if (e instanceof BuildError) e.via(k.file);
    throw e;
  }
  for (const r of ra.resources) {
    if (r.generator?.needsHash) {
      const h = nameHash(r.node);
      storePreviousId(r);
      setName(r, `${curId(r).name}-${h}`, r.generator.by);
    }
  }
  fixNameReferences(ra.resources, ra.config.nameReference);
  let resources = ra.resources.filter((r) => getString(get(get(r.node, 'metadata'), 'annotations'), 'config.kubernetes.io/local-config') !== 'true');
  resources = sortResources(resources, readSortOptions(k));
  if (meta.includes('managedByLabel')) {
    // kubectl's embedded kustomize reports its version as "(devel)".
    applyLabels(resources, [['app.kubernetes.io/managed-by', 'kustomize-(devel)']], [{ path: 'metadata/labels', create: true }], undefined);
  }
  if (ctx.transformerAnnotations) {
    for (const r of resources) {
      if (!r.transformations?.length) continue;
      setAnnotation(r, TRANSFORMATIONS_ANNOTATION, r.transformations.map((t) => `- configuredIn: ${t.configuredIn}\n  configuredBy:\n    apiVersion: builtin\n    kind: ${t.kind}\n`).join(''));
    }
  }
  if (ctx.originAnnotations) {
    for (const r of resources) {
      if (r.generatedOrigin) {
        setAnnotation(r, ORIGIN_ANNOTATION, `configuredIn: ${r.generatedOrigin.configuredIn}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${r.generatedOrigin.kind}\n`);
      } else if (r.originPath) {
        setAnnotation(r, ORIGIN_ANNOTATION, `path: ${r.originPath}\n`);
      }
    }
  }
  return resources;
}

function toProblem(e: unknown): BuildProblem {
  if (e instanceof BuildError) {
    const o = e.origin;
    const p: BuildProblem = { severity: 'error', message: e.message, code: e.code, chain: e.chain.slice() };
    if (o) Object.assign(p, { file: o.file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol });
    return p;
  }
  return { severity: 'error', message: `internal error: ${(e as Error)?.message ?? String(e)}`, code: 'internal', chain: [] };
}

/** Builds the kustomization in `dir` like `kustomize build` (kustomize v5). Never throws. */
export function buildKustomization(fs: FileSystem, dir: string, options: BuildOptions = {}): BuildResult {
  const loader = new Loader(fs, options.loadRestrictor ?? 'RootOnly', options.cache ?? new ParseCache());
  const ctx: Context = { loader, stack: [], originAnnotations: false, transformerAnnotations: false, warnings: [] };
  const abs = path.resolve(dir);
  try {
    const resources = buildRoot(ctx, abs);
    return {
      dir: abs,
      objects: resources.map((r) => {
        const o: BuiltObject = { node: r.node };
        if (r.file) o.file = r.file;
        if (r.generator) o.generatedBy = r.generator.by;
        return o;
      }),
      problems: ctx.warnings,
      filesRead: [...loader.filesRead],
    };
  } catch (e) {
    return { dir: abs, objects: [], problems: [toProblem(e)], filesRead: [...loader.filesRead] };
  }
}
