// What helm-controller does to Helm's output before it applies it (internal/postrender and
// internal/action/crds.go of helm-controller v1.4, which runs Helm 3):
//   1. each `spec.postRenderers[].kustomize`, in list order, is a kustomize build of the
//      manifests (krusty over an in-memory folder): its `patches` (strategic merge or JSON6902,
//      with targets), then its `images`; the objects come out in kustomize's legacy order;
//   2. `spec.commonMetadata` labels and annotations, set on metadata only;
//   3. the origin labels helm.toolkit.fluxcd.io/name and /namespace (the HelmRelease's own name
//      and namespace), last, so they win over a commonMetadata label of the same key.
// Helm 3 hands post-renderers the release manifest only: hooks are applied as rendered, and the
// crds/ files are applied apart from the release (install.crds), with the origin labels only.
// Every step reads the manifests into a kustomize ResMap, which refuses two objects with one id.

import * as path from 'path';
import { FileSystem } from '../fs';
import { Problem } from '../problem';
import { BuildError } from '../kustomize/errors';
import { defaultTransformerConfig } from '../kustomize/transformerConfig';
import { KustomizationFile } from '../kustomize/kustomizationFile';
import { Loader, ParseCache } from '../kustomize/loader';
import { applyPatchesField } from '../kustomize/patches';
import { Resource, curId, describeId, idKey } from '../kustomize/resource';
import { sortResources } from '../kustomize/sort';
import { applyAnnotations, applyImage, applyLabels } from '../kustomize/transformers';
import { emitYaml } from '../yaml/emit';
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
  map,
  remove,
  seq,
  toJS,
} from '../yaml/node';
import { RenderedObject } from './render';

export const ORIGIN_GROUP = 'helm.toolkit.fluxcd.io';

export interface PostRenderResult {
  objects: RenderedObject[];
  problems: Problem[];
}

function problem(message: string, origin: Origin | undefined, code: string): Problem {
  const p: Problem = { message, severity: 'error', code, step: 'render/postRenderers' };
  if (origin)
    p.span = {
      file: origin.file,
      line: origin.line,
      col: origin.col,
      endLine: origin.endLine,
      endCol: origin.endCol,
    };
  return p;
}

function stringPairs(n: YNode | undefined): [string, string][] {
  if (!isMap(n)) return [];
  return n.pairs.map((p) => [
    p.key,
    isScalar(p.value) && p.value.value !== null ? String(p.value.value) : '',
  ]);
}

/**
 * kyaml's reader drops a null or empty `metadata.annotations` (ClearEmptyAnnotations, after it
 * strips its own index annotations), and every step reads the manifests that way.
 */
function clearEmptyAnnotations(node: YMap): void {
  const meta = get(node, 'metadata');
  if (!isMap(meta)) return;
  const a = get(meta, 'annotations');
  if (a !== undefined && ((isScalar(a) && a.value === null) || (isMap(a) && a.pairs.length === 0)))
    remove(meta, 'annotations');
}

/** A resource per manifest object, as kustomize's ResMap reads Helm's output (Lists expanded). */
function toResources(
  objects: RenderedObject[],
  hrOrigin: Origin | undefined,
): { resources: Resource[]; from: Map<Resource, RenderedObject> } {
  const resources: Resource[] = [];
  const from = new Map<Resource, RenderedObject>();
  const seen = new Set<string>();
  const add = (node: YMap, o: RenderedObject) => {
    const kind = getString(node, 'kind');
    const items = get(node, 'items');
    if (kind && kind.endsWith('List') && isSeq(items)) {
      for (const i of items.items) if (isMap(i)) add(i, o);
      return;
    }
    // A copy: the rendered objects stay as Helm gave them (renders are cached and shared).
    const r: Resource = { node: clone(node), prevIds: [], file: o.source };
    clearEmptyAnnotations(r.node);
    const id = curId(r);
    const key = idKey(id);
    if (seen.has(key))
      throw new BuildError(
        `may not add resource with an already registered id: ${describeId(id)} (from ${o.source}); helm-controller's post-renderer refuses two objects with one id`,
        hrOrigin,
        'duplicate-id',
      );
    seen.add(key);
    resources.push(r);
    from.set(r, o);
  };
  for (const o of objects) if (isMap(o.node)) add(o.node, o);
  return { resources, from };
}

/** One `postRenderers[].kustomize`: its patches, then its images, as krusty runs them; legacy order. */
function runKustomize(fs: FileSystem, resources: Resource[], kustomize: YMap): Resource[] {
  let current = resources;
  const patches = get(kustomize, 'patches');
  if (isSeq(patches)) {
    for (const entry of patches.items) {
      if (!isMap(entry))
        throw new BuildError('postRenderers kustomize patches entries must be maps', entry.origin);
      // Flux's Patch has `patch` and `target` only (the CRD prunes anything else, e.g. `path`).
      const kept = map(
        entry.pairs.filter((p) => p.key === 'patch' || p.key === 'target'),
        entry.origin,
      );
      const file = get(entry, 'patch')?.origin?.file ?? entry.origin?.file ?? 'HelmRelease';
      const k: KustomizationFile = {
        dir: path.dirname(file),
        file,
        root: map([{ key: 'patches', value: seq([kept], patches.origin) }]),
        isComponent: false,
      };
      // a target that selects nothing changes nothing, as in helm-controller's kustomize post-renderer
      current = applyPatchesField(
        current,
        k,
        new Loader(fs, 'None', new ParseCache()),
        () => undefined,
      );
    }
  }
  const images = get(kustomize, 'images');
  if (isSeq(images)) {
    const specs = defaultTransformerConfig().fieldSpecs.images;
    for (const entry of images.items) {
      const name = getString(entry, 'name');
      if (!name)
        throw new BuildError('postRenderers kustomize images entry needs a name', entry.origin);
      applyImage(
        current,
        {
          name,
          newName: getString(entry, 'newName'),
          newTag: getString(entry, 'newTag'),
          digest: getString(entry, 'digest'),
          origin: {
            ...(entry.origin ?? { file: '', line: 0, col: 0, endLine: 0, endCol: 0 }),
            by: 'postRenderers images',
          },
        },
        specs,
      );
    }
  }
  current = current.filter(
    (r) =>
      getString(
        get(get(r.node, 'metadata'), 'annotations'),
        'config.kubernetes.io/local-config',
      ) !== 'true',
  );
  return sortResources(current, { order: 'legacy' });
}

/** Whether the HelmRelease asks for anything beyond the origin labels. */
export function hasPostRenderers(hr: YMap): boolean {
  const spec = get(hr, 'spec');
  return isSeq(get(spec, 'postRenderers')) || isMap(get(spec, 'commonMetadata'));
}

/**
 * Applies a HelmRelease's post-renderers, commonMetadata and origin labels to the objects
 * renderChart gave (CRDs first, manifests, hooks), as helm-controller does before applying
 * them. The order of the manifests changes when a kustomize post-renderer runs. Never throws:
 * a failing step is a problem pointing at the HelmRelease, and no objects.
 */
export function postRender(fs: FileSystem, hr: YMap, objects: RenderedObject[]): PostRenderResult {
  const spec = get(hr, 'spec');
  const hrMeta = get(hr, 'metadata');
  const originLabels: [string, string][] = [
    [`${ORIGIN_GROUP}/name`, getString(hrMeta, 'name') ?? ''],
    [`${ORIGIN_GROUP}/namespace`, getString(hrMeta, 'namespace') ?? 'default'],
  ];
  const labelsOnly = [{ path: 'metadata/labels', create: true }];
  const crds = objects.filter((o) => o.crd);
  const hooks = objects.filter((o) => !o.crd && o.hook);
  const manifests = objects.filter((o) => !o.crd && !o.hook);
  try {
    const { resources, from } = toResources(manifests, hr.origin);
    let current = resources;
    const renderers = get(spec, 'postRenderers');
    if (isSeq(renderers)) {
      for (const r of renderers.items) {
        const k = get(r, 'kustomize');
        if (isMap(k)) current = runKustomize(fs, current, k);
      }
    }
    const common = get(spec, 'commonMetadata');
    if (isMap(common)) {
      const labels = get(common, 'labels');
      const annotations = get(common, 'annotations');
      applyLabels(
        current,
        stringPairs(labels),
        labelsOnly,
        labels?.origin && { ...labels.origin, by: 'commonMetadata' },
      );
      applyAnnotations(
        current,
        stringPairs(annotations),
        [{ path: 'metadata/annotations', create: true }],
        annotations?.origin && { ...annotations.origin, by: 'commonMetadata' },
      );
    }
    const originBy = hrMeta?.origin && { ...hrMeta.origin, by: 'helm-controller origin labels' };
    applyLabels(current, originLabels, labelsOnly, originBy);
    const crdSet = toResources(crds, hr.origin);
    applyLabels(crdSet.resources, originLabels, labelsOnly, originBy);
    const out = (r: Resource, o: RenderedObject): RenderedObject => {
      const node = r.node;
      const js = toJS(node) as { kind?: string; metadata?: { name?: string } };
      const copy: RenderedObject = {
        ...o,
        node,
        object: js,
        text: emitYaml(node, { showSecrets: true }).trimEnd(),
        kind: js?.kind,
        name: js?.metadata?.name,
      };
      return copy;
    };
    return {
      objects: [
        ...crdSet.resources.map((r) => out(r, crdSet.from.get(r)!)),
        ...current.map((r) => out(r, from.get(r)!)),
        ...hooks,
      ],
      problems: [],
    };
  } catch (e) {
    if (e instanceof BuildError)
      return {
        objects: [],
        problems: [problem(`postRenderers: ${e.message}`, e.origin ?? hr.origin, e.code)],
      };
    return {
      objects: [],
      problems: [
        problem(
          `postRenderers: internal error: ${(e as Error)?.message ?? String(e)}`,
          hr.origin,
          'internal',
        ),
      ],
    };
  }
}
