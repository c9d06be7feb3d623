// One Kyverno pattern fleets rely on for substitution: a ClusterPolicy rule matching Namespaces
// whose `generate` clones ConfigMaps/Secrets into every matching namespace
// (`namespace: "{{request.object.metadata.name}}"` with `clone: {namespace, name}` or
// `cloneList: {namespace, kinds, selector}`), as d1's sync-configmaps policy propagates
// `flux-runtime-info` to all namespaces. Only that shape is understood; anything else Kyverno
// does is not evaluated.

import {
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
  setOwn,
} from '../yaml/node';

const TARGET_NS = '{{request.object.metadata.name}}';

function labels(n: YMap | undefined): Record<string, string> {
  const l = get(get(n, 'metadata'), 'labels');
  const out: Record<string, string> = {};
  if (isMap(l))
    for (const p of l.pairs)
      if (isScalar(p.value))
        setOwn(out, p.key, p.value.value === null ? '' : String(p.value.value));
  return out;
}

function matchLabels(sel: YNode | undefined, l: Record<string, string>): boolean {
  if (sel === undefined) return true;
  const ml = get(sel, 'matchLabels');
  if (isMap(ml))
    for (const p of ml.pairs)
      if (!isScalar(p.value) || l[p.key] !== String(p.value.value)) return false;
  return true;
}

function strings(n: YNode | undefined): string[] {
  return isSeq(n) ? n.items.map((i) => (isScalar(i) ? String(i.value) : '')) : [];
}

/** Whether a rule's `match` selects the Namespace `ns`. */
function matchesNamespace(rule: YNode, ns: YMap): boolean {
  const match = get(rule, 'match');
  const blocks = [
    ...(isSeq(get(match, 'any')) ? (get(match, 'any') as { items: YNode[] }).items : []),
    ...(isSeq(get(match, 'all')) ? (get(match, 'all') as { items: YNode[] }).items : []),
  ];
  if (get(match, 'resources')) blocks.push(match!);
  return blocks.some((b) => {
    const res = get(b, 'resources');
    const kinds = strings(get(res, 'kinds'));
    if (!kinds.some((k) => k === 'Namespace' || k === 'v1/Namespace')) return false;
    const names = strings(get(res, 'names'));
    if (names.length && !names.includes(getString(get(ns, 'metadata'), 'name') ?? '')) return false;
    return matchLabels(get(res, 'selector'), labels(ns));
  });
}

export interface KyvernoClone {
  object: YMap;
  policy: string;
}

/**
 * The ConfigMap/Secret `kind` `ns/name` that a Kyverno ClusterPolicy clones into namespace `ns`,
 * given every object the cluster has.
 */
export function kyvernoClone(
  objects: Iterable<YMap>,
  kind: string,
  ns: string,
  name: string,
): KyvernoClone | undefined {
  const all = [...objects];
  const namespace = all.find(
    (o) => getString(o, 'kind') === 'Namespace' && getString(get(o, 'metadata'), 'name') === ns,
  );
  if (!namespace) return undefined;
  for (const policy of all) {
    if (
      getString(policy, 'kind') !== 'ClusterPolicy' ||
      !(getString(policy, 'apiVersion') ?? '').startsWith('kyverno.io/')
    )
      continue;
    const rules = get(get(policy, 'spec'), 'rules');
    if (!isSeq(rules)) continue;
    for (const rule of rules.items) {
      const gen = get(rule, 'generate');
      if (
        !isMap(gen) ||
        getString(gen, 'namespace') !== TARGET_NS ||
        !matchesNamespace(rule, namespace)
      )
        continue;
      let src: YMap | undefined;
      const one = get(gen, 'clone');
      const list = get(gen, 'cloneList');
      if (
        isMap(one) &&
        getString(gen, 'kind') === kind &&
        (getString(gen, 'name') ?? getString(one, 'name')) === name
      ) {
        const from = getString(one, 'namespace');
        src = all.find(
          (o) =>
            getString(o, 'kind') === kind &&
            getString(get(o, 'metadata'), 'namespace') === from &&
            getString(get(o, 'metadata'), 'name') === getString(one, 'name'),
        );
      } else if (
        isMap(list) &&
        strings(get(list, 'kinds')).some((k) => k === kind || k === `v1/${kind}`)
      ) {
        const from = getString(list, 'namespace');
        src = all.find(
          (o) =>
            getString(o, 'kind') === kind &&
            getString(get(o, 'metadata'), 'namespace') === from &&
            getString(get(o, 'metadata'), 'name') === name &&
            matchLabels(get(list, 'selector'), labels(o)),
        );
      }
      if (!src) continue;
      const c = clone(src);
      const meta = get(c, 'metadata');
      if (isMap(meta)) set(meta, 'namespace', scalar(ns, get(meta, 'namespace')?.origin));
      return { object: c, policy: getString(get(policy, 'metadata'), 'name') ?? '' };
    }
  }
  return undefined;
}
