// Patch and replacement targets: kustomize's Selector (group, version, kind, name and namespace
// as anchored regular expressions; label and annotation selectors).

import { YNode, get, getString, isMap, isScalar } from '../yaml/node';
import { fail } from './errors';
import { splitOutside } from './split';
import { Resource, curId, gvkOf, isClusterScoped, orgId } from './resource';

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export function readSelector(n: YNode | undefined): Selector | undefined {
  if (!isMap(n)) return undefined;
  const s: Selector = {};
  for (const k of [
    'group',
    'version',
    'kind',
    'name',
    'namespace',
    'labelSelector',
    'annotationSelector',
  ] as const) {
    const v = getString(n, k);
    if (v !== undefined) s[k] = v;
  }
  return s;
}

function anchored(re: string | undefined, origin: YNode | undefined): RegExp | undefined {
  if (!re) return undefined;
  try {
    return new RegExp(`^(?:${re})$`);
  } catch (e) {
    fail(
      `invalid regular expression "${re}" in patch target: ${(e as Error).message}`,
      origin?.origin,
    );
  }
}

function effectiveNamespace(ns: string, r: Resource): string {
  if (isClusterScoped(gvkOf(r.node))) return '';
  return ns === '' ? 'default' : ns;
}

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/** Parses a Kubernetes label selector: `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function parseLabelSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  const parts = splitOutside(text, ',', '(', ')').filter((p) => p.trim());
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/))) {
      reqs.push({
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3].split(',').map((s) => s.trim()),
      });
    } else if ((m = p.match(/^([^\s!=]+)\s*!=\s*(.*)$/))) {
      reqs.push({ key: m[1], op: 'notin', values: [m[2].trim()] });
    } else if ((m = p.match(/^([^\s!=]+)\s*==?\s*(.*)$/))) {
      reqs.push({ key: m[1], op: 'in', values: [m[2].trim()] });
    } else if ((m = p.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: m[1], op: '!exists', values: [] });
    } else if (/^\S+$/.test(p)) {
      reqs.push({ key: p, op: 'exists', values: [] });
    } else {
      throw new Error(`invalid selector "${text}"`);
    }
  }
  return reqs;
}

/** Does a labels/annotations map satisfy a Kubernetes selector expression? (empty = yes) */
export function matchesSelector(
  map: YNode | undefined,
  text: string | undefined,
  what: string,
): boolean {
  if (!text) return true;
  let reqs: Requirement[];
  try {
    reqs = parseLabelSelector(text);
  } catch (e) {
    fail(`invalid ${what} "${text}": ${(e as Error).message}`);
  }
  const values = new Map<string, string>();
  if (isMap(map))
    for (const p of map.pairs)
      values.set(p.key, isScalar(p.value) ? String(p.value.value ?? '') : '');
  return reqs.every((r) => {
    const v = values.get(r.key);
    switch (r.op) {
      case 'exists':
        return v !== undefined;
      case '!exists':
        return v === undefined;
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
    }
  });
}

/** The resources a selector picks, in build order. */
export function select(resources: Resource[], s: Selector, where?: YNode): Resource[] {
  const name = anchored(s.name, where);
  const namespace = anchored(s.namespace, where);
  // kustomize's SelectorRegex: group, version and kind are anchored regular expressions too
  // (Flux's own examples target `kind: "(HelmRelease|Kustomization)"`).
  const group = anchored(s.group, where);
  const version = anchored(s.version, where);
  const kind = anchored(s.kind, where);
  return resources.filter((r) => {
    const cur = curId(r);
    const org = orgId(r);
    if (
      namespace &&
      !namespace.test(effectiveNamespace(org.namespace, r)) &&
      !namespace.test(effectiveNamespace(cur.namespace, r))
    )
      return false;
    if (name && !name.test(org.name) && !name.test(cur.name)) return false;
    const gvk = cur.gvk;
    if (group && !group.test(gvk.group)) return false;
    if (version && !version.test(gvk.version)) return false;
    if (kind && !kind.test(gvk.kind)) return false;
    const meta = get(r.node, 'metadata');
    if (!matchesSelector(get(meta, 'labels'), s.labelSelector, 'labelSelector')) return false;
    if (!matchesSelector(get(meta, 'annotations'), s.annotationSelector, 'annotationSelector'))
      return false;
    return true;
  });
}
