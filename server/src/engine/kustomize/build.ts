// kustomize build: accumulation is written here, as kustomize runs it (resources,
// configurations, generators, components, then the kustomization's transformer steps); the
// transformer steps and the root steps (hash suffixes, name references, local-config removal,
// sorting, build metadata) are listed, in order, in steps/index.ts.
// Entry point: buildKustomization(). It never throws: failures come back as problems naming the
// file, the line and the kustomizations that led there.

import * as path from 'path';
import { FileSystem } from '../fs';
import { Problem, spanOf } from '../problem';
import { Origin, YMap, YNode, clone, get, getString, isMap, isScalar, isSeq } from '../yaml/node';
import { BuildError, fail } from './errors';
import { loadConfigurations } from './configurations';
import { KNOWN_FIELDS, REFUSED_FIELDS } from './fields';
import { GENERATORS, absorbGenerated, generate, readOptions } from './generators';
import { KustomizationFile, loadKustomization, mapList, stringList } from './kustomizationFile';
import { LoadRestrictor, Loader, ParseCache, isRemote } from './loader';
import { Resource, curId, describeId, idKey } from './resource';
import { ROOT_STEPS, StepContext, StepWarning, TRANSFORMER_STEPS, runSteps } from './steps';
import { readBuildMetadata } from './steps/buildMetadata';
import { TransformerConfig, defaultTransformerConfig, mergeConfig } from './transformerConfig';

export interface BuildOptions {
  loadRestrictor?: LoadRestrictor;
  cache?: ParseCache;
}

/**
 * A build problem is a Problem (span, step: `kustomize` for loading, resources and generators,
 * `kustomize/<step>` for a transformer step).
 */
export interface BuildProblem extends Problem {
  severity: 'error' | 'warning';
  step: string;
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

/**
 * Adds a resource, refusing an id already there. `ids` holds the keys of `ra.resources` (built
 * once per kustomization by the caller): a search of the list per resource made a build of
 * 10,000 objects quadratic.
 */
function appendResource(ra: Accumulator, ids: Set<string>, r: Resource, where?: Origin): void {
  const id = curId(r);
  const key = idKey(id);
  if (ids.has(key)) {
    fail(
      `may not add resource with an already registered id: ${describeId(id)} (${id.gvk.group ? id.gvk.group + '/' : ''}${id.gvk.version})`,
      r.node.origin ?? where,
      'duplicate-id',
    );
  }
  ids.add(key);
  ra.resources.push(r);
}

function readResourceFile(
  ctx: Context,
  file: string,
  entryOrigin: Origin | undefined,
  originPath: string,
): Resource[] {
  const parsed = ctx.loader.parse(file, entryOrigin);
  const syntax = parsed.problems.find((p) => p.severity === 'error');
  if (syntax) fail(syntax.message, { ...syntax.span, file }, syntax.code);
  const out: Resource[] = [];
  const add = (n: YNode) => {
    if (!isMap(n))
      fail(`${file}: a resource must be a map (apiVersion, kind, metadata...)`, n.origin);
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

function accumulateDirectory(
  ctx: Context,
  dir: string,
  origin: Origin | undefined,
  ra: Accumulator | undefined,
  expectComponent: boolean,
  originPath: string,
): Accumulator {
  const norm = path.resolve(dir);
  // Folders are compared by real path, so `loop -> .` is a cycle rather than an ever longer path.
  const real = ctx.loader.realPath(norm) ?? norm;
  if (ctx.stack.includes(real)) {
    fail(
      `cycle detected: ${[...ctx.stack.slice(ctx.stack.indexOf(real)), real].join(' -> ')}`,
      origin,
      'cycle',
    );
  }
  const k = loadKustomization(ctx.loader, norm, KNOWN_FIELDS, origin);
  if (expectComponent && !k.isComponent)
    fail(`expected kind 'Component' for path '${norm}' but got 'Kustomization'`, origin);
  if (!expectComponent && k.isComponent)
    fail(`expected kind != 'Component' for path '${norm}'`, origin);
  ctx.stack.push(real);
  try {
    return accumulateTarget(
      ctx,
      k,
      ra ?? { resources: [], config: defaultTransformerConfig() },
      originPath,
    );
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

function accumulateResources(
  ctx: Context,
  k: KustomizationFile,
  ra: Accumulator,
  originPath: string,
): void {
  const ids = new Set(ra.resources.map((r) => idKey(curId(r))));
  for (const entry of [...stringList(k, 'resources'), ...stringList(k, 'bases')]) {
    if (isRemote(entry.value)) ctx.loader.resolveAny(k.dir, entry.value, entry.origin);
    const abs = path.resolve(k.dir, entry.value);
    const kind = ctx.loader.stat(abs);
    if (kind === 'file') {
      const file = ctx.loader.resolve(k.dir, entry.value, entry.origin);
      for (const r of readResourceFile(
        ctx,
        file,
        entry.origin,
        joinOrigin(originPath, entry.value),
      ))
        appendResource(ra, ids, r, entry.origin);
    } else if (kind === 'dir') {
      const sub = accumulateDirectory(
        ctx,
        abs,
        entry.origin,
        undefined,
        false,
        joinOrigin(originPath, entry.value),
      );
      for (const r of sub.resources) appendResource(ra, ids, r, entry.origin);
      mergeConfig(ra.config, sub.config);
    } else {
      ctx.loader.missing(
        abs,
        entry.origin,
        `resource '${entry.value}' not found: ${abs} is neither a file nor a folder`,
        'missing-resource',
      );
    }
  }
}

function runGenerators(
  ctx: Context,
  k: KustomizationFile,
  ra: Accumulator,
  originPath: string,
): void {
  const global = readOptions(get(k.root, 'generatorOptions'));
  const kustRel = joinOrigin(originPath, path.basename(k.file));
  for (const { field, kind, originKind } of GENERATORS) {
    for (const entry of mapList(k, field)) {
      const r = generate(kind, entry, k.dir, ctx.loader, global, path.basename(k.file));
      if (ctx.originAnnotations) r.generatedOrigin = { configuredIn: kustRel, kind: originKind };
      absorbGenerated(ra.resources, r);
    }
  }
}

function unsupported(k: KustomizationFile, field: string, why: string): void {
  const n = get(k.root, field);
  if (
    n === undefined ||
    (isScalar(n) && n.value === null) ||
    (isSeq(n) && n.items.length === 0) ||
    (isMap(n) && n.pairs.length === 0)
  )
    return;
  fail(`${field} is not supported by flux-overlays: ${why}`, n.origin, 'unsupported');
}

function stepContext(
  ctx: Context,
  k: KustomizationFile,
  config: TransformerConfig,
  originPath: string,
): Omit<StepContext, 'warn'> {
  const kname = path.basename(k.file);
  // buildMetadata transformerAnnotations: every configured transformer is listed on every resource.
  const configuredIn = joinOrigin(originPath, kname);
  return {
    k,
    loader: ctx.loader,
    config,
    specs: (key) => config.fieldSpecs[key] ?? [],
    by: (field) => ({
      ...(get(k.root, field)?.origin ?? { file: k.file, line: 1, col: 1, endLine: 1, endCol: 1 }),
      by: `${field} (${kname})`,
    }),
    label: (field) => `${field} (${kname})`,
    count: (field) => {
      const n = get(k.root, field);
      return isSeq(n) ? n.items.length : isMap(n) ? n.pairs.length : 0;
    },
    noted: (resources, kind, times = 1) => {
      if (!ctx.transformerAnnotations) return;
      for (let i = 0; i < times; i++)
        for (const r of resources) (r.transformations ??= []).push({ configuredIn, kind });
    },
  };
}

function warnFrom(ctx: Context, k: KustomizationFile): (step: string, w: StepWarning) => void {
  return (step, w) =>
    ctx.warnings.push(
      problemAt(
        {
          severity: 'warning',
          code: w.code,
          message: w.message,
          step,
          chain: [k.file],
          ...(w.data ? { data: w.data } : {}),
        },
        w.origin,
      ),
    );
}

function runTransformers(
  ctx: Context,
  k: KustomizationFile,
  ra: Accumulator,
  originPath: string,
): void {
  ra.resources = runSteps(
    TRANSFORMER_STEPS,
    ra.resources,
    stepContext(ctx, k, ra.config, originPath),
    warnFrom(ctx, k),
  );
}

function accumulateTarget(
  ctx: Context,
  k: KustomizationFile,
  ra: Accumulator,
  originPath: string,
): Accumulator {
  for (const [field, why] of Object.entries(REFUSED_FIELDS)) unsupported(k, field, why);
  const openapi = get(k.root, 'openapi');
  if (openapi !== undefined) {
    // kustomize reads merge keys for custom resources from this schema; we do not, so a
    // strategic merge on a list of a custom resource may differ: say so rather than guess.
    const o = k.root.pairs.find((p) => p.key === 'openapi')?.keyOrigin ?? openapi.origin;
    ctx.warnings.push(
      problemAt(
        {
          severity: 'warning',
          code: 'openapi-ignored',
          step: 'kustomize',
          message:
            'openapi: a custom OpenAPI schema is not read by flux-overlays; strategic merges on custom resources use the default rules (lists replaced)',
          chain: [k.file],
        },
        o,
      ),
    );
  }
  accumulateResources(ctx, k, ra, originPath);
  loadConfigurations(ctx.loader, k, ra);
  runGenerators(ctx, k, ra, originPath);
  for (const entry of stringList(k, 'components')) {
    if (isRemote(entry.value)) ctx.loader.resolveAny(k.dir, entry.value, entry.origin);
    const abs = path.resolve(k.dir, entry.value);
    if (ctx.loader.stat(abs) !== 'dir')
      ctx.loader.missing(
        abs,
        entry.origin,
        `component '${entry.value}' not found: ${abs} is not a folder`,
        'missing-resource',
      );
    ra = accumulateDirectory(ctx, abs, entry.origin, ra, true, joinOrigin(originPath, entry.value));
  }
  runTransformers(ctx, k, ra, originPath);
  return ra;
}

function buildRoot(ctx: Context, dir: string): Resource[] {
  // A Component folder builds on its own too (kustomize allows it): its patches then apply to
  // its own resources only.
  const root = path.resolve(dir);
  if (ctx.loader.stat(root) === 'dir' && !ctx.loader.findKustomization(root)) {
    // A component folder (base + overlays) given instead of one overlay: say which ones there are.
    const overlays = ctx.loader
      .readDir(root)
      .filter(
        (n) =>
          ctx.loader.stat(path.join(root, n)) === 'dir' &&
          ctx.loader.findKustomization(path.join(root, n)),
      );
    if (overlays.length)
      fail(
        `${dir} has no kustomization file; its overlay folders are: ${overlays.sort().join(', ')} (build one of them)`,
        undefined,
        'missing-kustomization',
      );
  }
  if (ctx.loader.stat(root) === undefined)
    fail(`${dir}: no such folder`, undefined, 'missing-kustomization');
  const k = loadKustomization(ctx.loader, root, KNOWN_FIELDS);
  const meta = readBuildMetadata(k);
  ctx.originAnnotations = meta.originAnnotations;
  ctx.transformerAnnotations = meta.transformerAnnotations;
  ctx.stack.push(ctx.loader.realPath(k.dir) ?? k.dir);
  let ra: Accumulator;
  try {
    ra = accumulateTarget(ctx, k, { resources: [], config: defaultTransformerConfig() }, '');
  } catch (e) {
    if (e instanceof BuildError) e.via(k.file);
    throw e;
  }
  return runSteps(ROOT_STEPS, ra.resources, stepContext(ctx, k, ra.config, ''), warnFrom(ctx, k));
}

/** A problem placed at `o` (span, and the flat fields the unconverted consumers read). */
function problemAt(p: BuildProblem, o: Origin | undefined): BuildProblem {
  return o ? { ...p, span: spanOf(o) } : p;
}

function toProblem(e: unknown): BuildProblem {
  if (e instanceof BuildError) {
    return problemAt(
      {
        severity: 'error',
        message: e.message,
        code: e.code,
        step: e.step ?? 'kustomize',
        chain: e.chain.slice(),
      },
      e.origin,
    );
  }
  return {
    severity: 'error',
    message: `internal error: ${(e as Error)?.message ?? String(e)}`,
    code: 'internal',
    step: 'kustomize',
    chain: [],
  };
}

/** Builds the kustomization in `dir` like `kustomize build` (kustomize v5). Never throws. */
export function buildKustomization(
  fs: FileSystem,
  dir: string,
  options: BuildOptions = {},
): BuildResult {
  const loader = new Loader(
    fs,
    options.loadRestrictor ?? 'RootOnly',
    options.cache ?? new ParseCache(),
  );
  const ctx: Context = {
    loader,
    stack: [],
    originAnnotations: false,
    transformerAnnotations: false,
    warnings: [],
  };
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
