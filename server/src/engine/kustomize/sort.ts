// Output order. kustomize's default ("legacy") order groups objects by kind so that what others
// depend on comes first (Namespace, CRDs, RBAC, ConfigMaps...), webhooks last, and everything
// else by group/version/kind and then namespace/name. `sortOptions: {order: fifo}` keeps the
// build order.

import { Resource, ResId, curId, Gvk } from './resource';
import { fail } from './errors';

export const DEFAULT_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
export const DEFAULT_ORDER_LAST = [
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

function gvkSortString(g: Gvk): string {
  return [g.group || '~G', g.version || '~V', g.kind || '~K'].join('_');
}

function idSortString(id: ResId): string {
  const gvk = `${id.gvk.kind || '[noKind]'}.${id.gvk.version || '[noVer]'}.${id.gvk.group || '[noGrp]'}`;
  return [gvk, id.namespace || '~X', id.name || '~N'].join('|');
}

// Go compares strings bytewise; so do we.
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export interface SortOptions {
  order: 'legacy' | 'fifo';
  orderFirst?: string[];
  orderLast?: string[];
}

export function sortResources(
  resources: Resource[],
  options: SortOptions = { order: 'legacy' },
): Resource[] {
  if (options.order === 'fifo') return resources;
  if (options.order !== 'legacy')
    fail(`the field 'sortOptions.order' must be one of [fifo, legacy]`);
  const first = options.orderFirst ?? DEFAULT_ORDER_FIRST;
  const last = options.orderLast ?? DEFAULT_ORDER_LAST;
  const rank = new Map<string, number>();
  first.forEach((k, i) => rank.set(k, -first.length + i));
  last.forEach((k, i) => rank.set(k, 1 + i));
  const ids = new Map(resources.map((r) => [r, curId(r)]));
  return resources.slice().sort((ra, rb) => {
    const a = ids.get(ra)!;
    const b = ids.get(rb)!;
    const sameGvk =
      a.gvk.group === b.gvk.group && a.gvk.version === b.gvk.version && a.gvk.kind === b.gvk.kind;
    if (!sameGvk) {
      const ia = rank.get(a.gvk.kind) ?? 0;
      const ib = rank.get(b.gvk.kind) ?? 0;
      if (ia !== ib) return ia - ib;
      if (
        a.gvk.kind === 'Namespace' &&
        b.gvk.kind === 'Namespace' &&
        (a.gvk.group === '' || b.gvk.group === '')
      ) {
        return -cmp(gvkSortString(a.gvk), gvkSortString(b.gvk));
      }
      return cmp(gvkSortString(a.gvk), gvkSortString(b.gvk));
    }
    return cmp(idSortString(a), idSortString(b));
  });
}
