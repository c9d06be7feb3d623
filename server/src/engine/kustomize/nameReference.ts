// Name references: after prefixes, suffixes and hashes changed names, every field that refers to
// a renamed object (a Deployment's configMap volume, a HelmRelease's valuesFrom when the user
// configured it...) is updated to the new name, following kustomize's candidate sieve.

import { YMap, YNode, get, getString, isMap, isScalar, isSeq, scalar, set } from '../yaml/node';
import { NameReferenceRule } from './builtinConfig';
import { fail } from './errors';
import { gvkSelected, splitPath, walkFieldSpec } from './fieldspec';
import { Resource, ResId, curId, gvkOf, isClusterScoped, nsEquals } from './resource';

function sameEnding(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

function affixesEqual(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  const rp = r.prefixes ?? [],
    op = o.prefixes ?? [],
    rs = r.suffixes ?? [],
    os = o.suffixes ?? [];
  if (allowEmpty) {
    return (
      (rp.length === 0 || op.length === 0 || sameEnding(rp, op)) &&
      (rs.length === 0 || os.length === 0 || sameEnding(rs, os))
    );
  }
  return sameEnding(rp, op) && sameEnding(rs, os);
}

/** Resources a referrer may point at: cluster-scoped ones, same namespace, or a RoleBinding's subjects' namespaces. */
function couldBeReferenced(referrer: Resource, all: Resource[]): Resource[] {
  const rid = curId(referrer);
  if (isClusterScoped(rid.gvk)) return all;
  const subjectNamespaces = new Set<string>();
  if (rid.gvk.kind === 'RoleBinding' || rid.gvk.kind === 'ClusterRoleBinding') {
    const subjects = get(referrer.node, 'subjects');
    if (isSeq(subjects))
      for (const s of subjects.items) {
        const ns = getString(s, 'namespace');
        if (ns) subjectNamespaces.add(ns);
      }
  }
  return all.filter((t) => {
    const id = curId(t);
    return (
      isClusterScoped(id.gvk) ||
      nsEquals(id.namespace, rid.namespace) ||
      subjectNamespaces.has(id.namespace)
    );
  });
}

interface Context {
  rule: NameReferenceRule;
  referrer: Resource;
  path: string;
}

function sieve(
  ctx: Context,
  oldName: string,
  candidates: Resource[],
  identical: (rs: Resource[]) => boolean,
): Resource | undefined {
  const selected = (id: ResId, g: { group?: string; version?: string; kind?: string }) =>
    gvkSelected(g, id.gvk);
  let c = candidates.filter((r) => r.prevIds.some((id) => id.name === oldName));
  c = c.filter((r) => r.prevIds.some((id) => selected(id, ctx.rule.referral)));
  if (ctx.path.endsWith('roleRef/name')) {
    const roleRef = get(ctx.referrer.node, 'roleRef');
    const group = getString(roleRef, 'apiGroup');
    const kind = getString(roleRef, 'kind');
    if (group !== undefined && kind !== undefined)
      c = c.filter((r) => r.prevIds.some((id) => selected(id, { group, kind })));
  }
  const rid = curId(ctx.referrer);
  if (!isClusterScoped(rid.gvk)) {
    c = c.filter((r) => {
      const id = curId(r);
      return (
        isClusterScoped(id.gvk) ||
        id.gvk.kind === 'ServiceAccount' ||
        nsEquals(rid.namespace, id.namespace)
      );
    });
  }
  if (c.length === 1) return c[0];
  c = c.filter((r) => affixesEqual(r, ctx.referrer, true));
  if (c.length > 1) c = c.filter((r) => affixesEqual(r, ctx.referrer, false));
  if (c.length === 1) return c[0];
  if (c.length === 0) return undefined;
  if (identical(c)) return c[0];
  fail(
    `found multiple possible referrals for name "${oldName}" in ${ctx.path} of ${rid.gvk.kind}/${rid.name}: ${c.map((r) => `${curId(r).gvk.kind}/${curId(r).name}`).join(', ')}`,
    ctx.referrer.node.origin,
  );
}

const nameOfRes = (r: Resource) => curId(r).name;

function updateScalar(
  ctx: Context,
  parent: YMap | YNode[],
  key: string | number,
  value: YNode,
  candidates: Resource[],
): void {
  if (!isScalar(value) || value.value === null) return;
  const old = String(value.value);
  const referral = sieve(ctx, old, candidates, (rs) =>
    rs.every((r) => nameOfRes(r) === nameOfRes(rs[0])),
  );
  if (!referral) return;
  const newName = nameOfRes(referral);
  if (newName === old) return;
  const by = referral.generator?.by ?? 'nameReference';
  const node = scalar(
    newName,
    value.origin ? { ...value.origin, by: `nameReference (renamed by ${by})` } : undefined,
  );
  if (Array.isArray(parent)) parent[key as number] = node;
  else set(parent, key as string, node);
}

function updateMapping(ctx: Context, m: YMap, all: Resource[]): void {
  const nameNode = get(m, 'name');
  if (!nameNode) fail(`nameReference: no 'name' field at ${ctx.path}`, m.origin);
  if (!isScalar(nameNode)) return;
  const ns = getString(m, 'namespace');
  let candidates = all;
  if (ns !== undefined) {
    const byOrig = all.filter((r) => nsEquals((r.prevIds[0] ?? curId(r)).namespace, ns));
    candidates = byOrig.length > 0 ? byOrig : all.filter((r) => nsEquals(curId(r).namespace, ns));
  }
  const old = String(nameNode.value ?? '');
  const referral = sieve(ctx, old, candidates, (rs) =>
    rs.every(
      (r) => nameOfRes(r) === nameOfRes(rs[0]) && curId(r).namespace === curId(rs[0]).namespace,
    ),
  );
  if (!referral) return;
  const id = curId(referral);
  if (id.name === old && id.namespace === '') return;
  set(m, 'name', scalar(id.name, nameNode.origin));
  if (id.namespace === '') return;
  set(m, 'namespace', scalar(id.namespace, get(m, 'namespace')?.origin));
}

export function fixNameReferences(resources: Resource[], rules: NameReferenceRule[]): void {
  for (const referrer of resources) {
    const gvk = gvkOf(referrer.node);
    let candidates: Resource[] | undefined;
    for (const rule of rules) {
      for (const fs of rule.fieldSpecs) {
        if (!gvkSelected(fs, gvk)) continue;
        candidates ??= couldBeReferenced(referrer, resources);
        const ctx: Context = { rule, referrer, path: fs.path };
        const all = candidates;
        walkFieldSpec(referrer.node, splitPath(fs.path), false, (parent, key, value) => {
          if (value === undefined) return;
          if (isScalar(value)) updateScalar(ctx, parent, key, value, all);
          else if (isMap(value)) updateMapping(ctx, value, all);
          else if (isSeq(value)) {
            value.items.forEach((item, i) => {
              if (isScalar(item)) updateScalar(ctx, value.items, i, item, all);
              else if (isMap(item)) updateMapping(ctx, item, all);
            });
          }
        });
      }
    }
  }
}
