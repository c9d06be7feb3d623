// What one cluster of a fleet gets: starting from the cluster's entry folder, follow Flux
// Kustomizations as kustomize-controller does and ResourceSets as the Flux Operator does, across
// repositories, and collect every object with the chain of appliers that produced it, then the
// effective values of every HelmRelease the cluster gets.
//
// The root: the entry folder is built once to find what points at it (a Flux Kustomization whose
// spec.path is the entry folder, as flux bootstrap's gotk-sync.yaml; or a FluxInstance whose
// spec.sync.path is; else the repository holding the folder). Then a work list of appliers:
// - a Kustomization waits for its dependsOn; its source (GitRepository/OCIRepository/Bucket, an
//   object the cluster already got) is mapped to a local folder (sources.ts); its path is built
//   with the kustomization kustomize-controller writes there (fluxGenerator.ts), then postBuild
//   substitution with `substitute` over `substituteFrom` (ConfigMaps/Secrets the cluster got,
//   in the Kustomization's namespace; `optional` ones may be missing; a Kustomization whose
//   objects are missing waits until nothing else can run, as the cluster converges), then
//   commonMetadata; SOPS-encrypted Secrets without spec.decryption fail it as Flux does.
// - a ResourceSet waits for its dependsOn and expands (resourceSet.ts).
// Objects applied later replace earlier ones with the same group/kind/namespace/name (with a
// warning: two appliers fight over it on a real cluster). The Flux Operator's
// `fluxcd.controlplane.io/copyFrom` annotation fills a ConfigMap/Secret from another one.
// Nothing is written anywhere; sources are read through the FileSystem given.

import * as path from 'path';
import { Problem, pointAt } from '../problem';
import { BoundedFileSystem, EntryType, FileSystem, MemoryFileSystem } from '../fs';
import { buildKustomization } from '../kustomize/build';
import { ParseCache } from '../kustomize/loader';
import { redactTree } from '../secrets';
import { Variables, addVariables, substituteDocuments } from '../substitute/postBuild';
import { EffectiveValuesOptions, computeEffectiveValues } from '../values/effective';
import {
  Origin,
  YMap,
  clone,
  equal,
  get,
  getString,
  isMap,
  isScalar,
  isSeq,
  map,
  scalar,
  set,
} from '../yaml/node';
import { kyvernoClone } from './kyverno';
import { GeneratedKustomization, generateKustomization, remapOrigins } from './fluxGenerator';
import {
  applyCommonMetadata,
  expandResourceSet,
  isInputProvider,
  isResourceSet,
  objectKey,
  UNKNOWN_ID,
} from './resourceSet';
import { SourceMapping, SourceResolver, sourceInfo } from './sources';
import {
  ApplierRef,
  ApplierReport,
  ClusterObject,
  ClusterProblem,
  ClusterResult,
  applierId,
} from './types';

export * from './types';
export { SourceMapping, parseSourceArg, normalizeUrl } from './sources';

export interface ClusterOptions {
  sources?: SourceMapping[];
  /** Folders that may hold a source's repository, matched by name (see sources.ts). */
  workspaceFolders?: string[];
  cache?: ParseCache;
  /** Chart lookup and the like for the values step. */
  values?: EffectiveValuesOptions;
  /** kustomize-controller's --feature-gates=StrictPostBuildSubstitutions. */
  strict?: boolean;
  /** Show Secret values in the result (objects and values); masked by default. */
  showSecrets?: boolean;
  /**
   * A substituteFrom ConfigMap/Secret missing from the Kustomization's namespace is taken from
   * another namespace holding one of that name (flux-system first), with a warning: for fleets
   * whose platform copies runtime ConfigMaps outside git (keos). Off by default: Flux fails.
   */
  assumePropagated?: boolean;
}

const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
const COPY_FROM = 'fluxcd.controlplane.io/copyFrom';

function at(o: Origin | undefined): Pick<Problem, 'span'> {
  return pointAt(o);
}

function groupOf(n: YMap): string {
  const api = getString(n, 'apiVersion') ?? '';
  return api.includes('/') ? api.slice(0, api.indexOf('/')) : '';
}

function isFluxKustomization(n: YMap): boolean {
  return getString(n, 'kind') === 'Kustomization' && groupOf(n) === KUSTOMIZE_GROUP;
}

function metaOf(n: YMap): { name: string; namespace: string } {
  const m = get(n, 'metadata');
  return { name: getString(m, 'name') ?? '', namespace: getString(m, 'namespace') ?? '' };
}

function refOf(n: YMap, kind: ApplierRef['kind']): ApplierRef {
  const m = metaOf(n);
  return n.origin
    ? { kind, namespace: m.namespace, name: m.name, origin: n.origin }
    : { kind, namespace: m.namespace, name: m.name };
}

export function describeApplier(a: ApplierRef): string {
  return `${a.kind} ${a.namespace ? a.namespace + '/' : ''}${a.name}`;
}

function normPath(p: string): string {
  return path.posix.normalize(p.split(path.sep).join('/')).replace(/\/+$/, '') || '/';
}

/** spec.path of a Kustomization as a relative path ('' = the source root). */
function relPath(p: string | undefined): string {
  const n = path.posix
    .normalize('/' + (p ?? '').replace(/^\.\//, ''))
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

interface Pending {
  node: YMap;
  kind: 'Kustomization' | 'ResourceSet';
  ref: ApplierRef;
  chain: ApplierRef[];
  /** Set for the root: the synthetic source it reads, when it has no source object. */
  rootSource?: YMap;
}

class ClusterEvaluation {
  readonly objects = new Map<string, ClusterObject>();
  readonly problems: ClusterProblem[] = [];
  readonly appliers: ApplierReport[] = [];
  private readonly done = new Map<string, ApplierReport['status']>();
  private readonly queued = new Set<string>();
  private readonly pending: Pending[] = [];
  private readonly cache: ParseCache;
  private readonly resolver: SourceResolver;
  private readonly syntheticSources = new Map<string, YMap>();

  constructor(
    private readonly fs: FileSystem,
    readonly entry: string,
    private readonly options: ClusterOptions,
  ) {
    this.cache = options.cache ?? new ParseCache();
    this.resolver = new SourceResolver(
      fs,
      [...(options.sources ?? [])],
      options.workspaceFolders ?? [],
    );
  }

  problem(p: ClusterProblem, chain: ApplierRef[]): void {
    this.problems.push(chain.length ? { ...p, chain: chain.map(describeApplier) } : p);
  }

  run(): void {
    const root = this.findRoot();
    if (!root) return;
    this.enqueue(root);
    this.drain();
  }

  // ---- the root ----

  private findRoot(): Pending | undefined {
    const entry = this.entry;
    if (this.fs.stat(entry) !== 'dir') {
      this.problems.push({
        severity: 'error',
        code: 'cluster-entry',
        message: `${entry}: no such folder`,
      });
      return undefined;
    }
    const empty = map([{ key: 'spec', value: map() }]);
    const discovered = this.buildFolder(entry, entry, empty, [], true);
    const objs = discovered.objects;
    // 1. A Flux Kustomization in the folder whose path is the folder (flux bootstrap, keos).
    for (const o of objs) {
      if (!isFluxKustomization(o)) continue;
      const p = relPath(getString(get(o, 'spec'), 'path'));
      if (p && !(entry === p || entry.endsWith('/' + p))) continue;
      if (!p) continue;
      const repoRoot = entry.slice(0, entry.length - p.length - 1) || '/';
      const sref = get(get(o, 'spec'), 'sourceRef');
      const m = metaOf(o);
      const sk = getString(sref, 'kind') ?? 'GitRepository';
      const sns = getString(sref, 'namespace') ?? m.namespace;
      const sname = getString(sref, 'name') ?? '';
      const src = objs.find(
        (x) =>
          getString(x, 'kind') === sk &&
          metaOf(x).name === sname &&
          metaOf(x).namespace === sns &&
          groupOf(x) === SOURCE_GROUP,
      );
      const info = src ? sourceInfo(src) : undefined;
      this.resolver.add({
        key: `${sk}/${sns}/${sname}`,
        path: repoRoot,
        mappedBy: 'the repository of the entry folder',
      });
      if (info?.url)
        this.resolver.add({
          key: info.ref ? `${info.url}@${info.ref}` : info.url,
          path: repoRoot,
          mappedBy: 'the repository of the entry folder',
        });
      return { node: o, kind: 'Kustomization', ref: refOf(o, 'Kustomization'), chain: [] };
    }
    // 2. A FluxInstance syncing the folder (Flux Operator).
    for (const o of objs) {
      if (getString(o, 'kind') !== 'FluxInstance') continue;
      const sync = get(get(o, 'spec'), 'sync');
      const p = relPath(getString(sync, 'path'));
      if (!isMap(sync) || (p && !(entry === p || entry.endsWith('/' + p)))) continue;
      const repoRoot = p ? entry.slice(0, entry.length - p.length - 1) || '/' : entry;
      const ns = metaOf(o).namespace || 'flux-system';
      const kind = getString(sync, 'kind') ?? 'GitRepository';
      const name = getString(sync, 'name') ?? 'flux-system';
      const url = getString(sync, 'url');
      const ref = getString(sync, 'ref');
      const origin = sync.origin;
      const source = map(
        [
          { key: 'apiVersion', value: scalar(`${SOURCE_GROUP}/v1`, origin) },
          { key: 'kind', value: scalar(kind, origin) },
          {
            key: 'metadata',
            value: map(
              [
                { key: 'name', value: scalar(name, origin) },
                { key: 'namespace', value: scalar(ns, origin) },
              ],
              origin,
            ),
          },
          {
            key: 'spec',
            value: map(
              url ? [{ key: 'url', value: scalar(url, get(sync, 'url')?.origin) }] : [],
              origin,
            ),
          },
        ],
        origin,
      );
      this.syntheticSources.set(`${kind}/${ns}/${name}`, source);
      this.resolver.add({
        key: `${kind}/${ns}/${name}`,
        path: repoRoot,
        mappedBy: 'the repository of the entry folder',
      });
      if (url)
        this.resolver.add({
          key: ref ? `${url}@${ref.replace(/^refs\/heads\//, '')}` : url,
          path: repoRoot,
          mappedBy: 'the repository of the entry folder',
        });
      const k = this.syntheticKustomization(name, ns, p, kind, name, origin);
      return {
        node: k,
        kind: 'Kustomization',
        ref: {
          kind: 'FluxInstance',
          namespace: metaOf(o).namespace,
          name: metaOf(o).name,
          ...(o.origin ? { origin: o.origin } : {}),
        },
        chain: [],
      };
    }
    // 3. The git repository holding the folder, else the folder itself.
    let repoRoot: string | undefined;
    for (let d = entry; ; d = path.posix.dirname(d)) {
      if (this.fs.stat(path.posix.join(d, '.git'))) {
        repoRoot = d;
        break;
      }
      if (path.posix.dirname(d) === d) break;
    }
    if (!repoRoot) {
      // flux bootstrap's default layout: <repository>/clusters/<cluster>.
      const parts = entry.split('/');
      const i = parts.lastIndexOf('clusters');
      if (i > 0 && i < parts.length - 1) {
        repoRoot = parts.slice(0, i).join('/') || '/';
        this.problems.push({
          severity: 'info',
          code: 'cluster-root',
          message: `no Flux Kustomization or FluxInstance in ${entry} names it as its path: taken as ${parts.slice(i).join('/')} of the repository ${repoRoot} (flux bootstrap's layout), source GitRepository flux-system/flux-system`,
        });
      }
    }
    if (!repoRoot) {
      repoRoot = entry;
      this.problems.push({
        severity: 'info',
        code: 'cluster-root',
        message: `no Flux Kustomization or FluxInstance in ${entry} names it as its path, and it is not in a git repository: it is built as the root of its own source`,
      });
    }
    this.resolver.add({
      key: 'GitRepository/flux-system/flux-system',
      path: repoRoot,
      mappedBy: 'the repository of the entry folder',
    });
    const k = this.syntheticKustomization(
      'flux-system',
      'flux-system',
      path.posix.relative(repoRoot, entry),
      'GitRepository',
      'flux-system',
      undefined,
    );
    return {
      node: k,
      kind: 'Kustomization',
      ref: { kind: 'Kustomization', namespace: 'flux-system', name: 'flux-system' },
      chain: [],
    };
  }

  private syntheticKustomization(
    name: string,
    ns: string,
    p: string,
    srcKind: string,
    srcName: string,
    origin: Origin | undefined,
  ): YMap {
    return map(
      [
        { key: 'apiVersion', value: scalar(`${KUSTOMIZE_GROUP}/v1`, origin) },
        { key: 'kind', value: scalar('Kustomization', origin) },
        {
          key: 'metadata',
          value: map(
            [
              { key: 'name', value: scalar(name, origin) },
              { key: 'namespace', value: scalar(ns, origin) },
            ],
            origin,
          ),
        },
        {
          key: 'spec',
          value: map(
            [
              { key: 'path', value: scalar(p ? './' + p : './', origin) },
              {
                key: 'sourceRef',
                value: map(
                  [
                    { key: 'kind', value: scalar(srcKind, origin) },
                    { key: 'name', value: scalar(srcName, origin) },
                  ],
                  origin,
                ),
              },
            ],
            origin,
          ),
        },
      ],
      origin,
    );
  }

  // ---- the work list ----

  private enqueue(p: Pending): void {
    const id = this.pendingId(p);
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.pending.push(p);
  }

  private pendingId(p: Pending): string {
    const m = metaOf(p.node);
    return applierId({ kind: p.kind, namespace: m.namespace || 'default', name: m.name });
  }

  /** dependsOn as applier ids, and whether all of them are done. */
  private dependencies(p: Pending): { ids: string[]; origins: (Origin | undefined)[] } {
    const spec = get(p.node, 'spec');
    const deps = get(spec, 'dependsOn');
    const ids: string[] = [];
    const origins: (Origin | undefined)[] = [];
    const ownNs = metaOf(p.node).namespace || 'default';
    if (isSeq(deps)) {
      for (const d of deps.items) {
        const name = getString(d, 'name') ?? '';
        let kind =
          p.kind === 'Kustomization' ? 'Kustomization' : (getString(d, 'kind') ?? 'Kustomization');
        const api = getString(d, 'apiVersion') ?? '';
        if (p.kind === 'ResourceSet' && kind !== 'Kustomization' && kind !== 'ResourceSet') {
          // Another kind: it must exist on the cluster.
          kind = `object:${api.split('/')[0]}/${kind}`;
        }
        const ns = getString(d, 'namespace') ?? (kind.startsWith('object:') ? '' : ownNs);
        ids.push(
          kind.startsWith('object:')
            ? `${kind}/${ns}/${name}`
            : applierId({ kind, namespace: ns, name }),
        );
        origins.push(d.origin);
      }
    }
    return { ids, origins };
  }

  private depSatisfied(id: string): 'yes' | 'no' | 'failed' {
    if (id.startsWith('object:')) {
      const [group, kind, ns, name] = id.slice('object:'.length).split('/');
      // Flux and the Flux Operator install their own CRDs on every cluster they run on.
      if (
        kind === 'CustomResourceDefinition' &&
        /\.(toolkit\.fluxcd\.io|fluxcd\.controlplane\.io)$/.test(name)
      )
        return 'yes';
      for (const o of this.objects.values()) {
        if (
          groupOf(o.node) === group &&
          getString(o.node, 'kind') === kind &&
          metaOf(o.node).name === name &&
          (!ns || metaOf(o.node).namespace === ns)
        )
          return 'yes';
      }
      return 'no';
    }
    const s = this.done.get(id);
    if (s === undefined) return 'no';
    return s === 'applied' ? 'yes' : 'failed';
  }

  private drain(): void {
    let finalMode = false;
    for (let guard = 0; guard < 100000 && this.pending.length; guard++) {
      let progressed = false;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i];
        const deps = this.dependencies(p);
        const states = deps.ids.map((d) => this.depSatisfied(d));
        if (states.includes('no')) continue;
        if (states.includes('failed')) {
          this.pending.splice(i, 1);
          const failedDeps = deps.ids.filter((_, k) => states[k] === 'failed');
          this.finish(p, 'blocked', undefined, undefined, 0);
          this.problem(
            {
              severity: 'error',
              code: 'cluster-dependency-failed',
              message: `${describeApplier(p.ref)} depends on ${failedDeps.map((d) => d.replace(/\//, ' ')).join(', ')}, which did not apply: Flux never applies it`,
              ...at(deps.origins[states.indexOf('failed')] ?? p.node.origin),
            },
            p.chain,
          );
          progressed = true;
          break;
        }
        const r =
          p.kind === 'Kustomization'
            ? this.applyKustomization(p, finalMode)
            : this.applyResourceSet(p);
        if (r === 'deferred') continue;
        this.pending.splice(i, 1);
        progressed = true;
        finalMode = false;
        break;
      }
      if (progressed) continue;
      if (!finalMode && this.pending.length) {
        finalMode = true;
        continue;
      }
      // Nothing can run: dependencies this cluster never gets, or cycles.
      for (const p of this.pending.splice(0)) {
        const deps = this.dependencies(p);
        const missing = deps.ids.filter((d) => this.depSatisfied(d) === 'no');
        const cyclic = missing.filter((d) => this.queued.has(d));
        this.finish(p, 'blocked', undefined, undefined, 0);
        const what = cyclic.length
          ? `depends on ${cyclic.map((d) => d.replace(/\//, ' ')).join(', ')} in a dependency cycle`
          : `depends on ${missing.map((d) => d.replace(/^object:/, '').replace(/\//, ' ')).join(', ')}, which this cluster never gets`;
        this.problem(
          {
            severity: 'error',
            code: 'cluster-dependency-missing',
            message: `${describeApplier(p.ref)} ${what}: Flux never applies it`,
            ...at(deps.origins[deps.ids.indexOf(missing[0])] ?? p.node.origin),
          },
          p.chain,
        );
      }
    }
  }

  private finish(
    p: Pending,
    status: ApplierReport['status'],
    dir: string | undefined,
    source: ApplierReport['source'],
    count: number,
    extra: Partial<ApplierReport> = {},
  ): void {
    this.done.set(this.pendingId(p), status);
    const rep: ApplierReport = {
      ref: p.ref,
      chain: p.chain,
      status,
      objectCount: count,
      dependsOn: this.dependencies(p).ids.map((d) => d.replace(/^object:/, '')),
      ...extra,
    };
    if (dir) rep.dir = dir;
    if (source) rep.source = source;
    this.appliers.push(rep);
  }

  // ---- applying ----

  /** A ConfigMap/Secret as the cluster holds it (copyFrom resolved). */
  lookup(
    kind: string,
    namespace: string,
    name: string,
    chain: ApplierRef[] = [],
  ): YMap | undefined {
    const o = this.objects.get(`/${kind}/${namespace}/${name}`)?.node;
    if (o) return this.resolveCopyFrom(o);
    const k = kyvernoClone(
      [...this.objects.values()].map((x) => x.node),
      kind,
      namespace,
      name,
    );
    if (k && chain.length)
      this.problem(
        {
          severity: 'info',
          code: 'cluster-kyverno-clone',
          message: `${kind} ${namespace}/${name} is the copy Kyverno ClusterPolicy ${k.policy} generates (from ${getString(get(k.object, 'metadata'), 'name')} in the namespace it clones from)`,
        },
        chain,
      );
    if (k) return this.resolveCopyFrom(k.object);
    if (this.options.assumePropagated && chain.length) {
      const same = [...this.objects.values()].filter(
        (x) =>
          groupOf(x.node) === '' &&
          getString(x.node, 'kind') === kind &&
          metaOf(x.node).name === name,
      );
      const pick = same.find((x) => metaOf(x.node).namespace === 'flux-system') ?? same[0];
      if (pick) {
        this.problem(
          {
            severity: 'warning',
            code: 'cluster-assumed-propagated',
            message: `${kind} ${namespace}/${name} is not in git; assumed to be a copy of ${metaOf(pick.node).namespace}/${name} (--assume-propagated): Flux fails unless something outside git copies it`,
            ...at(pick.node.origin),
          },
          chain,
        );
        return this.resolveCopyFrom(pick.node);
      }
    }
    return undefined;
  }

  private resolveCopyFrom(o: YMap, depth = 0): YMap {
    const from = getString(get(get(o, 'metadata'), 'annotations'), COPY_FROM);
    if (!from || depth > 5) return o;
    const [ns, name] = from.includes('/') ? from.split('/', 2) : [metaOf(o).namespace, from];
    const src = this.objects.get(`/${getString(o, 'kind')}/${ns}/${name}`)?.node;
    if (!src) return o;
    const s = this.resolveCopyFrom(src, depth + 1);
    const c = clone(o);
    for (const field of ['data', 'stringData', 'binaryData']) {
      const v = get(s, field);
      if (v) set(c, field, clone(v));
    }
    return c;
  }

  private apply(nodes: YMap[], p: Pending): void {
    const chain = [...p.chain, p.ref];
    for (const n of nodes) {
      const key = objectKey(n);
      const prev = this.objects.get(key);
      if (prev && applierId(prev.chain[prev.chain.length - 1]) !== applierId(p.ref)) {
        const same = equal(prev.node, n);
        this.problem(
          {
            severity: same ? 'info' : 'warning',
            code: 'cluster-object-conflict',
            message: `${getString(n, 'kind')} ${metaOf(n).namespace ? metaOf(n).namespace + '/' : ''}${metaOf(n).name} is applied by ${describeApplier(prev.chain[prev.chain.length - 1])} and by ${describeApplier(p.ref)}: ${same ? 'both write the same content' : 'on a cluster they overwrite each other; shown as the later one applies it'}`,
            ...at(n.origin),
          },
          chain,
        );
        this.objects.delete(key);
      }
      this.objects.set(key, { node: n, chain, key });
      if (isFluxKustomization(n))
        this.enqueue({ node: n, kind: 'Kustomization', ref: refOf(n, 'Kustomization'), chain });
      else if (isResourceSet(n))
        this.enqueue({ node: n, kind: 'ResourceSet', ref: refOf(n, 'ResourceSet'), chain });
    }
  }

  private sourceObject(kind: string, ns: string, name: string): YMap | undefined {
    for (const o of this.objects.values()) {
      if (
        getString(o.node, 'kind') === kind &&
        groupOf(o.node) === SOURCE_GROUP &&
        metaOf(o.node).name === name &&
        (metaOf(o.node).namespace || 'default') === ns
      )
        return o.node;
    }
    return this.syntheticSources.get(`${kind}/${ns}/${name}`);
  }

  private applyKustomization(p: Pending, finalMode: boolean): 'done' | 'deferred' {
    const k = p.node;
    const spec = get(k, 'spec');
    const m = metaOf(k);
    const ns = m.namespace || 'default';
    const chain = [...p.chain, p.ref];
    const suspend = get(spec, 'suspend');
    if (isScalar(suspend) && suspend.value === true) {
      this.problem(
        {
          severity: 'warning',
          code: 'cluster-suspended',
          message: `${describeApplier(p.ref)} is suspended: Flux does not reconcile it (its objects are not shown)`,
          ...at(suspend.origin),
        },
        chain,
      );
      this.finish(p, 'suspended', undefined, undefined, 0);
      return 'done';
    }
    // Source.
    const sref = get(spec, 'sourceRef');
    const sk = getString(sref, 'kind') ?? '';
    const sname = getString(sref, 'name') ?? '';
    if (!sk || !sname) {
      this.problem(
        {
          severity: 'error',
          code: 'cluster-source-ref',
          message: `${describeApplier(p.ref)}: spec.sourceRef needs a kind and a name`,
          ...at(sref?.origin ?? spec?.origin ?? k.origin),
        },
        chain,
      );
      this.finish(p, 'failed', undefined, undefined, 0);
      return 'done';
    }
    const sns = getString(sref, 'namespace') ?? ns;
    const srcObj = this.sourceObject(sk, sns, sname);
    const info = srcObj ? sourceInfo(srcObj) : { kind: sk, namespace: sns, name: sname };
    const resolved = this.resolver.resolve(info);
    const sourceReport: ApplierReport['source'] = {
      kind: sk,
      namespace: sns,
      name: sname,
      ...(info.url ? { url: info.url } : {}),
      ...(info.ref ? { ref: info.ref } : {}),
    };
    if (!resolved) {
      if (!srcObj && !finalMode) return 'deferred';
      const why = srcObj
        ? `its URL ${info.url ?? '(none)'}${info.ref ? ` (${info.ref})` : ''} is not mapped to a local folder: pass --source ${info.url ?? `${sk}/${sns}/${sname}`}=PATH`
        : `${sk} ${sns}/${sname} is not among the objects this cluster gets`;
      this.problem(
        {
          severity: 'error',
          code: 'cluster-source-unavailable',
          message: `source not available for ${describeApplier(p.ref)}: ${why}`,
          ...at(sref?.origin ?? k.origin),
        },
        chain,
      );
      this.finish(p, 'source-unavailable', undefined, sourceReport, 0);
      return 'done';
    }
    sourceReport.path = resolved.path;
    sourceReport.mappedBy = resolved.mappedBy;
    const root = normPath(resolved.path);
    const rel = relPath(getString(spec, 'path'));
    const dir = rel ? `${root}/${rel}` : root;
    if (this.fs.stat(dir) !== 'dir') {
      this.problem(
        {
          severity: 'error',
          code: 'cluster-path-missing',
          message: `kustomization path not found: ${dir} (spec.path ${getString(spec, 'path') ?? './'} in ${resolved.path}, ${resolved.mappedBy})`,
          ...at(get(spec, 'path')?.origin ?? k.origin),
        },
        chain,
      );
      this.finish(p, 'failed', dir, sourceReport, 0);
      return 'done';
    }
    // Build.
    const built = this.buildFolder(root, dir, k, chain);
    if (built.failed) {
      this.finish(p, 'failed', dir, sourceReport, 0);
      return 'done';
    }
    // postBuild substitution.
    const postBuild = get(spec, 'postBuild');
    let nodes = built.objects;
    const extra: Partial<ApplierReport> = built.generated ? { generated: built.generated } : {};
    if (isMap(postBuild)) {
      const vars: Variables = new Map();
      const from = get(postBuild, 'substituteFrom');
      if (isSeq(from)) {
        for (const ref of from.items) {
          const kind = getString(ref, 'kind') ?? '';
          const name = getString(ref, 'name') ?? '';
          const optional = get(ref, 'optional');
          let obj = this.lookup(kind, ns, name, chain);
          // Steady state: objects this Kustomization applies itself exist once it has run.
          if (!obj)
            obj = nodes.find(
              (n) =>
                getString(n, 'kind') === kind &&
                metaOf(n).name === name &&
                (metaOf(n).namespace || ns) === ns,
            );
          if (!obj) {
            if (isScalar(optional) && optional.value === true) continue;
            if (!finalMode) return 'deferred';
            this.problem(
              {
                severity: 'error',
                code: 'cluster-substitute-from-missing',
                message: `substitute from '${kind}/${name}' error: ${kind} ${ns}/${name} is not among the objects this cluster gets; Flux fails ${describeApplier(p.ref)}`,
                ...at(ref.origin),
              },
              chain,
            );
            this.finish(p, 'failed', dir, sourceReport, 0);
            return 'done';
          }
          if (kind === 'Secret' && get(obj, 'sops')) {
            this.problem(
              {
                severity: 'warning',
                code: 'cluster-substitute-sops',
                message: `substituteFrom Secret ${ns}/${name} is SOPS-encrypted: its values are not known offline`,
                ...at(ref.origin),
              },
              chain,
            );
            continue;
          }
          if (kind === 'ConfigMap' || kind === 'Secret') addVariables(vars, obj);
        }
      }
      const inline = get(postBuild, 'substitute');
      if (isMap(inline))
        addVariables(
          vars,
          map([
            { key: 'kind', value: scalar('Kustomization') },
            {
              key: 'spec',
              value: map([
                { key: 'postBuild', value: map([{ key: 'substitute', value: inline }]) },
              ]),
            },
          ]),
        );
      extra.variables = Object.fromEntries([...vars].map(([key, v]) => [key, v.value]));
      const always = getString(postBuild, 'substituteStrategy') === 'Always';
      const sub = substituteDocuments(nodes, this.fs, vars, {
        strict: this.options.strict,
        always,
      });
      for (const pr of sub.problems) this.problem(pr, chain);
      if (this.options.strict && sub.problems.some((x) => x.severity === 'error')) {
        this.finish(p, 'failed', dir, sourceReport, 0);
        return 'done';
      }
      nodes = sub.documents;
    }
    const cm = get(spec, 'commonMetadata');
    if (isMap(cm)) for (const n of nodes) applyCommonMetadata(n, cm);
    // SOPS: an encrypted Secret needs spec.decryption.
    const decryption = get(spec, 'decryption');
    for (const n of nodes) {
      if (getString(n, 'kind') !== 'Secret' || !get(n, 'sops')) continue;
      if (!decryption) {
        this.problem(
          {
            severity: 'error',
            code: 'cluster-sops',
            message: `Secret ${metaOf(n).namespace}/${metaOf(n).name} is SOPS encrypted, configuring decryption is required for this secret to be reconciled: Flux fails ${describeApplier(p.ref)}`,
            ...at(n.origin),
          },
          chain,
        );
        this.finish(p, 'failed', dir, sourceReport, 0);
        return 'done';
      }
    }
    this.apply(nodes, p);
    this.finish(p, 'applied', dir, sourceReport, nodes.length, extra);
    return 'done';
  }

  private applyResourceSet(p: Pending): 'done' {
    const providers = [...this.objects.values()].map((o) => o.node).filter(isInputProvider);
    const chain = [...p.chain, p.ref];
    const r = expandResourceSet(p.node, providers);
    for (const pr of r.problems) this.problem(pr, chain);
    if (r.problems.some((x) => x.severity === 'error')) {
      this.finish(p, 'failed', undefined, undefined, 0);
      return 'done';
    }
    const nodes = r.objects.map((o) => o.node);
    if (nodes.some((n) => JSON.stringify(n).includes(UNKNOWN_ID))) {
      this.problem(
        {
          severity: 'warning',
          code: 'resourceset-unknown-id',
          message: `${describeApplier(p.ref)} uses the id of a Static ResourceSetInputProvider, which the operator derives from the provider's UID on the cluster: shown as ${UNKNOWN_ID}`,
          ...at(p.node.origin),
        },
        chain,
      );
    }
    this.apply(nodes, p);
    this.finish(p, 'applied', undefined, undefined, nodes.length);
    return 'done';
  }

  /** kustomize build of `dir` with the kustomization kustomize-controller writes there. */
  private buildFolder(
    root: string,
    dir: string,
    k: YMap,
    chain: ApplierRef[],
    quiet = false,
  ): { objects: YMap[]; failed: boolean; generated?: ApplierReport['generated'] } {
    const bounded = new BoundedFileSystem(this.fs, () => [root]);
    const gen: GeneratedKustomization = generateKustomization(bounded, dir, k);
    if (!quiet) for (const pr of gen.problems) this.problem(pr, chain);
    if (gen.problems.some((x) => x.severity === 'error')) return { objects: [], failed: true };
    const mem = new MemoryFileSystem(bounded);
    if (gen.lineOrigins.length || gen.created) {
      // The folder's file (if any) is replaced in memory by the one of the same name Flux writes.
      mem.write(gen.file, gen.text);
    }
    const built = buildKustomization(mem, dir, { loadRestrictor: 'None', cache: this.cache });
    const failed = built.problems.some((x) => x.severity === 'error');
    for (const pr of quiet ? [] : built.problems) {
      const file = pr.span?.file;
      const line = pr.span?.line;
      let where = pointAt(pr.span);
      if (file === gen.file && line && gen.lineOrigins[line - 1])
        where = at(gen.lineOrigins[line - 1]);
      const via = pr.chain
        .filter((c) => c !== file)
        .map((c) =>
          c === gen.file && gen.created ? `${c} (generated by kustomize-controller)` : c,
        );
      this.problem(
        {
          severity: pr.severity,
          code: pr.code,
          message: pr.message + (via.length ? ` (included via ${via.join(' -> ')})` : ''),
          ...where,
        },
        chain,
      );
    }
    const objects = built.objects.map((o) => o.node);
    if (gen.lineOrigins.length) for (const o of objects) remapOrigins(o, gen.file, gen.lineOrigins);
    const generated =
      gen.lineOrigins.length || gen.created
        ? { file: gen.file, text: gen.text, created: gen.created }
        : undefined;
    return generated ? { objects, failed, generated } : { objects, failed };
  }

  result(): ClusterResult {
    const objects = [...this.objects.values()].map((o) =>
      getString(o.node, 'kind') === 'ConfigMap' || getString(o.node, 'kind') === 'Secret'
        ? { ...o, node: this.resolveCopyFrom(o.node) }
        : o,
    );
    const nodes = objects.map((o) => o.node);
    let releases: ClusterResult['releases'] = [];
    try {
      const own = this.options.values?.externalLookup;
      const externalLookup = (kind: string, namespace: string | undefined, name: string) => {
        const k = kyvernoClone(nodes, kind, namespace ?? '', name);
        return k
          ? { object: k.object, source: `Kyverno ClusterPolicy ${k.policy}` }
          : own?.(kind, namespace, name);
      };
      // A GitRepository/Bucket chart path is a folder of the source as this cluster maps it
      // (the repository's folder or git tree), whatever that folder is named.
      const sourceFolder = (kind: string, namespace: string, name: string) => {
        const ns = namespace || 'default';
        const obj = this.sourceObject(kind, ns, name);
        return this.resolver.resolve(obj ? sourceInfo(obj) : { kind, namespace: ns, name })?.path;
      };
      const rels = computeEffectiveValues(nodes, this.fs, {
        sourceFolder,
        ...(this.options.values ?? {}),
        externalLookup,
        showSecrets: this.options.showSecrets,
      });
      releases = rels.map((r) => ({
        ...r,
        chain: this.objects.get(objectKey(r.release))?.chain ?? [],
      }));
    } catch (e) {
      this.problems.push({
        severity: 'error',
        code: 'internal',
        message: `internal error computing values: ${(e as Error).message}`,
      });
    }
    for (const r of releases)
      for (const pr of r.problems)
        this.problem(
          {
            severity: pr.severity,
            code: pr.code,
            release: `${r.namespace}/${r.name}`,
            message: `[HelmRelease ${r.namespace}/${r.name}] ${pr.message}`,
            ...pointAt(pr.span),
            ...(pr.data ? { data: pr.data } : {}),
          },
          r.chain,
        );
    const shown = this.options.showSecrets
      ? objects
      : objects.map((o) => ({ ...o, node: redactTree(o.node) }));
    return {
      entry: this.entry,
      objects: shown,
      appliers: this.appliers,
      releases,
      problems: this.problems,
    };
  }
}

/**
 * Reads memoized for the length of one evaluation: the same files are stat'ed and read many times
 * (kustomization lookups, and substitution re-reads a file to see whether a scalar is quoted).
 */
class MemoFileSystem implements FileSystem {
  private readonly files = new Map<string, string | undefined>();
  private readonly stats = new Map<string, EntryType | undefined>();
  private readonly dirs = new Map<string, string[]>();
  constructor(private readonly inner: FileSystem) {}
  readFile(p: string): string | undefined {
    if (!this.files.has(p)) this.files.set(p, this.inner.readFile(p));
    return this.files.get(p);
  }
  stat(p: string): EntryType | undefined {
    if (!this.stats.has(p)) this.stats.set(p, this.inner.stat(p));
    return this.stats.get(p);
  }
  readDir(p: string): string[] {
    let d = this.dirs.get(p);
    if (!d) this.dirs.set(p, (d = this.inner.readDir(p)));
    return d.slice();
  }
  readBytes(p: string): Buffer | undefined {
    return this.inner.readBytes ? this.inner.readBytes(p) : undefined;
  }
}

/** Everything the cluster whose entry folder is `entry` (absolute) gets. Never throws. */
export function evaluateCluster(
  fs: FileSystem,
  entry: string,
  options: ClusterOptions = {},
): ClusterResult {
  const ev = new ClusterEvaluation(new MemoFileSystem(fs), normPath(entry), options);
  try {
    ev.run();
  } catch (e) {
    ev.problems.push({
      severity: 'error',
      code: 'internal',
      message: `internal error: ${(e as Error)?.stack ?? String(e)}`,
    });
  }
  return ev.result();
}
