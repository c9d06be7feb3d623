// A resource in the build: the object's tree plus what kustomize tracks beside it (the names and
// namespaces it had before prefixes and namespaces were applied, whether a generator made it).

import { YMap, YNode, get, getString, isMap, map, set, scalar } from '../yaml/node';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId {
  gvk: Gvk;
  name: string;
  namespace: string;
}

export interface GeneratorInfo {
  behavior: 'create' | 'merge' | 'replace';
  /** Append the content hash to the name at the end of the build. */
  needsHash: boolean;
  /** Label of the generator for provenance, e.g. `configMapGenerator app-values`. */
  by: string;
}

export interface Resource {
  node: YMap;
  /** Ids this resource had before name/namespace changes, oldest first. */
  prevIds: ResId[];
  generator?: GeneratorInfo;
  /** The file the resource was read from (absent for generated ones). */
  file?: string;
  /** Kustomization root folders (relative to the build root) that the resource passed through, innermost first: used for origin annotations. */
  originPath?: string;
  /** For buildMetadata originAnnotations on generated objects. */
  generatedOrigin?: { configuredIn: string; kind: string };
  /** For buildMetadata transformerAnnotations: the transformers that ran over it. */
  transformations?: { configuredIn: string; kind: string }[];
  /** Name prefixes and suffixes applied so far (nameReference prefers referrals with the same ones). */
  prefixes?: string[];
  suffixes?: string[];
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  if (i < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function gvkOf(node: YNode): Gvk {
  const { group, version } = parseApiVersion(getString(node, 'apiVersion') ?? '');
  return { group, version, kind: getString(node, 'kind') ?? '' };
}

export function nameOf(node: YNode): string {
  return getString(get(node, 'metadata'), 'name') ?? '';
}

export function namespaceOf(node: YNode): string {
  return getString(get(node, 'metadata'), 'namespace') ?? '';
}

export function curId(r: Resource): ResId {
  return { gvk: gvkOf(r.node), name: nameOf(r.node), namespace: namespaceOf(r.node) };
}

/** The id the resource was first loaded with. */
export function orgId(r: Resource): ResId {
  return r.prevIds.length > 0 ? r.prevIds[0] : curId(r);
}

export function allIds(r: Resource): ResId[] {
  return [...r.prevIds, curId(r)];
}

/** kustomize treats an empty namespace and `default` as the same. */
export function nsEquals(a: string, b: string): boolean {
  return (a === '' ? 'default' : a) === (b === '' ? 'default' : b);
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return a.name === b.name && gvkEquals(a.gvk, b.gvk) && nsEquals(a.namespace, b.namespace);
}

/** A string equal for two ids exactly when idEquals holds (for sets and maps of ids). */
export function idKey(id: ResId): string {
  return `${id.gvk.group}\u0000${id.gvk.version}\u0000${id.gvk.kind}\u0000${id.name}\u0000${id.namespace === '' ? 'default' : id.namespace}`;
}

export function gvkString(g: Gvk): string {
  return `${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}`;
}

export function idString(id: ResId): string {
  return `${gvkString(id.gvk)}/${id.name}.${id.namespace || '[noNs]'}`;
}

/** Human-friendly id for messages: `HelmRelease/podinfo` (namespace `apps`). */
export function describeId(id: ResId): string {
  return `${id.gvk.kind || '?'}/${id.name}${id.namespace ? ` in namespace ${id.namespace}` : ''}`;
}

/** Records the current id before a transformer changes the name or namespace. */
export function storePreviousId(r: Resource): void {
  r.prevIds.push(curId(r));
}

export function metadata(r: Resource, create = true): YMap | undefined {
  let m = get(r.node, 'metadata');
  if (!isMap(m)) {
    if (!create) return undefined;
    m = map();
    set(r.node, 'metadata', m);
  }
  return m;
}

export function setName(r: Resource, name: string, by?: string): void {
  const m = metadata(r)!;
  const old = get(m, 'name');
  const origin = old?.origin ? { ...old.origin, ...(by ? { by } : {}) } : undefined;
  set(m, 'name', scalar(name, origin));
}

export function isClusterScoped(gvk: Gvk): boolean {
  return (
    CLUSTER_SCOPED_KINDS.has(gvk.kind) &&
    (CLUSTER_SCOPED_GROUPS.get(gvk.kind) ?? [gvk.group]).includes(gvk.group)
  );
}

// Built-in kinds that live outside namespaces (from the Kubernetes API); kustomize knows these
// from its embedded OpenAPI document and never gives them a namespace. Custom resources are
// assumed to be namespaced, as kustomize does.
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'StorageClass',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'SelfSubjectReview',
  'StorageVersionMigration',
  'ClusterTrustBundle',
  'DeviceClass',
  'IPAddress',
  'ServiceCIDR',
  'VolumeAttributesClass',
  'StorageVersion',
]);
const CLUSTER_SCOPED_GROUPS = new Map<string, string[]>([
  ['Namespace', ['']],
  ['Node', ['']],
  ['PersistentVolume', ['']],
  ['ComponentStatus', ['']],
  ['ClusterRole', ['rbac.authorization.k8s.io']],
  ['ClusterRoleBinding', ['rbac.authorization.k8s.io']],
  ['CustomResourceDefinition', ['apiextensions.k8s.io']],
  ['StorageClass', ['storage.k8s.io']],
  ['PriorityClass', ['scheduling.k8s.io']],
  ['APIService', ['apiregistration.k8s.io']],
  ['MutatingWebhookConfiguration', ['admissionregistration.k8s.io']],
  ['ValidatingWebhookConfiguration', ['admissionregistration.k8s.io']],
  ['IngressClass', ['networking.k8s.io']],
  ['RuntimeClass', ['node.k8s.io']],
  ['PodSecurityPolicy', ['policy', 'extensions']],
]);
