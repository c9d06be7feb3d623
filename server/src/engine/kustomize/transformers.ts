// The built-in field transformers: namespace, name prefix/suffix, labels, annotations, images,
// replicas. Each is a small function over the resource list; which fields they touch comes from
// field specs (builtinConfig.ts plus the user's `configurations:`).

import {
  Origin,
  YMap,
  YNode,
  get,
  getString,
  isMap,
  isScalar,
  isSeq,
  map,
  scalar,
  set,
} from '../yaml/node';
import { FieldSpec, gvkSelected, splitPath, walkFieldSpec } from './fieldspec';
import { Resource, gvkOf, isClusterScoped, orgId, storePreviousId } from './resource';
import { fail } from './errors';

function setScalar(
  parent: YMap,
  key: string,
  value: string | number,
  origin: Origin | undefined,
): void {
  set(parent, key, scalar(value, origin));
}

/** Sets key=value pairs into the map at each field spec's path (labels, annotations). */
function setPairs(
  r: Resource,
  specs: FieldSpec[],
  pairs: [string, string][],
  origin: Origin | undefined,
  what: string,
): void {
  const gvk = gvkOf(r.node);
  for (const fs of specs) {
    if (!gvkSelected(fs, gvk)) continue;
    walkFieldSpec(r.node, splitPath(fs.path), !!fs.create, (parent, key, value) => {
      let target = value;
      if (target === undefined) {
        target = map();
        set(parent, key, target);
      }
      if (!isMap(target))
        fail(
          `${what}: ${fs.path} is not a map in ${gvk.kind} ${getString(get(r.node, 'metadata'), 'name') ?? ''}`,
          target.origin,
        );
      for (const [k, v] of pairs) setScalar(target, k, v, origin);
    });
  }
}

export function applyNamespace(
  resources: Resource[],
  namespace: string,
  specs: FieldSpec[],
  origin: Origin | undefined,
): void {
  for (const r of resources) {
    const gvk = gvkOf(r.node);
    storePreviousId(r);
    if (!isClusterScoped(gvk)) {
      let meta = get(r.node, 'metadata');
      if (!isMap(meta)) {
        meta = map();
        set(r.node, 'metadata', meta);
      }
      setScalar(meta, 'namespace', namespace, origin);
    }
    if (gvk.kind === 'RoleBinding' || gvk.kind === 'ClusterRoleBinding') {
      const subjects = get(r.node, 'subjects');
      if (isSeq(subjects)) {
        for (const s of subjects.items) {
          if (isMap(s) && getString(s, 'name') === 'default')
            setScalar(s, 'namespace', namespace, origin);
        }
      }
    }
    const apiVersion = getString(r.node, 'apiVersion') ?? '';
    for (const fs of specs) {
      if (fs.path === 'metadata/namespace') continue;
      if (fs.path === 'metadata/name' && apiVersion !== 'v1') continue;
      if (
        (gvk.kind === 'RoleBinding' || gvk.kind === 'ClusterRoleBinding') &&
        fs.path === 'subjects/namespace'
      )
        continue;
      if (!gvkSelected(fs, gvk)) continue;
      walkFieldSpec(r.node, splitPath(fs.path), !!fs.create, (parent, key) =>
        setScalar(parent, key, namespace, origin),
      );
    }
  }
}

const PREFIX_SKIP: { group?: string; kind: string }[] = [
  { kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { kind: 'Namespace' },
];

export function applyNamePrefixSuffix(
  resources: Resource[],
  affix: string,
  where: 'prefix' | 'suffix',
  specs: FieldSpec[],
  origin: Origin | undefined,
): void {
  if (!affix) return;
  for (const r of resources) {
    const gvk = orgId(r).gvk;
    if (PREFIX_SKIP.some((s) => gvkSelected(s, gvk))) continue;
    if (where === 'prefix') (r.prefixes ??= []).push(affix);
    else (r.suffixes ??= []).push(affix);
    for (const fs of specs) {
      if (!gvkSelected(fs, gvk)) continue;
      if (fs.path === 'metadata/name') storePreviousId(r);
      walkFieldSpec(r.node, splitPath(fs.path), !!fs.create, (parent, key, value) => {
        const cur = isScalar(value) && value.value !== null ? String(value.value) : '';
        setScalar(
          parent,
          key,
          where === 'prefix' ? affix + cur : cur + affix,
          value?.origin ? { ...value.origin, by: origin?.by } : origin,
        );
      });
    }
  }
}

export function applyLabels(
  resources: Resource[],
  pairs: [string, string][],
  specs: FieldSpec[],
  origin: Origin | undefined,
): void {
  if (pairs.length === 0) return;
  for (const r of resources) setPairs(r, specs, pairs, origin, 'labels');
}

export function applyAnnotations(
  resources: Resource[],
  pairs: [string, string][],
  specs: FieldSpec[],
  origin: Origin | undefined,
): void {
  if (pairs.length === 0) return;
  for (const r of resources) setPairs(r, specs, pairs, origin, 'commonAnnotations');
}

export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  origin?: Origin;
}

/** Splits `registry/repo:tag@digest` as kustomize does (a `:` before the first `/` is a port). */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let slash = image.indexOf('/');
  let search = image;
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slash;
    ic += slash;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slash;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

function imageMatches(value: string, name: string): boolean {
  try {
    // kustomize builds this pattern from the name without escaping it; we do the same
    // (api v0.19 / kustomize 5.6, as in kubectl 1.33: a tag, then a sha256 digest, each optional).
    return new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`).test(value);
  } catch {
    return false;
  }
}

function updateImage(parent: YMap, key: string, value: YNode | undefined, rule: ImageRule): void {
  if (!isScalar(value) || typeof value.value !== 'string') return;
  if (!imageMatches(value.value, rule.name)) return;
  let { name, tag, digest } = splitImage(value.value);
  if (rule.newName) name = rule.newName;
  if (rule.newTag && rule.digest) {
    tag = rule.newTag;
    digest = rule.digest;
  } else if (rule.newTag) {
    tag = rule.newTag;
    digest = '';
  } else if (rule.digest) {
    tag = '';
    digest = rule.digest;
  }
  let out = name;
  if (tag) out += ':' + tag;
  if (digest) out += '@' + digest;
  setScalar(parent, key, out, rule.origin);
}

/** kustomize's legacy image walk: every `containers`/`initContainers` list anywhere in the object. */
function legacyImages(n: YNode, rule: ImageRule): void {
  if (isMap(n)) {
    for (const p of n.pairs) {
      if ((p.key === 'containers' || p.key === 'initContainers') && isSeq(p.value)) {
        for (const c of p.value.items) if (isMap(c)) updateImage(c, 'image', get(c, 'image'), rule);
      } else legacyImages(p.value, rule);
    }
  } else if (isSeq(n)) {
    for (const i of n.items) legacyImages(i, rule);
  }
}

export function applyImage(resources: Resource[], rule: ImageRule, specs: FieldSpec[]): void {
  for (const r of resources) {
    legacyImages(r.node, rule);
    const gvk = gvkOf(r.node);
    for (const fs of specs) {
      if (!gvkSelected(fs, gvk)) continue;
      walkFieldSpec(r.node, splitPath(fs.path), false, (parent, key, value) =>
        updateImage(parent, key, value, rule),
      );
    }
  }
}

export function applyReplicas(
  resources: Resource[],
  name: string,
  count: number,
  specs: FieldSpec[],
  origin: Origin | undefined,
): void {
  let found = false;
  for (const r of resources) {
    const ids = [...r.prevIds.map((x) => x.name), getString(get(r.node, 'metadata'), 'name')];
    if (!ids.includes(name)) continue;
    const gvk = gvkOf(r.node);
    if (specs.some((fs) => gvkSelected(fs, gvk))) found = true;
    for (const fs of specs) {
      if (!gvkSelected(fs, gvk)) continue;
      walkFieldSpec(r.node, splitPath(fs.path), !!fs.create, (parent, key) =>
        setScalar(parent, key, count, origin),
      );
    }
  }
  if (!found)
    fail(
      `replicas: resource with name ${name} does not match any of the kinds replicas applies to (${[...new Set(specs.map((s) => s.kind))].join(', ')})`,
      origin,
    );
}
