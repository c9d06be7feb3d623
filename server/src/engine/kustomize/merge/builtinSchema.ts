// Merge keys of built-in Kubernetes kinds, for strategic merge patches. kustomize reads these from
// the Kubernetes OpenAPI document it embeds (`x-kubernetes-patch-merge-key`); we keep the small
// part that matters as data. Lists not named here (and everything in custom resources) are
// replaced wholesale by a patch.

import { Gvk } from '../resource';

/** A node of the type graph: for each field, its type and, for keyed lists, the merge key. */
export interface TypeInfo {
  /** `keys`: the list's map keys when there are several (x-kubernetes-list-map-keys). */
  fields: Record<string, { type?: string; mergeKey?: string; keys?: string[] }>;
}

const TYPES: Record<string, TypeInfo> = {
  PodTemplateSpec: { fields: { spec: { type: 'PodSpec' } } },
  PodSpec: {
    fields: {
      containers: { type: 'Container', mergeKey: 'name' },
      initContainers: { type: 'Container', mergeKey: 'name' },
      ephemeralContainers: { type: 'Container', mergeKey: 'name' },
      volumes: { mergeKey: 'name' },
      imagePullSecrets: { mergeKey: 'name' },
      hostAliases: { mergeKey: 'ip' },
      topologySpreadConstraints: {
        mergeKey: 'topologyKey',
        keys: ['topologyKey', 'whenUnsatisfiable'],
      },
      resourceClaims: { mergeKey: 'name' },
      schedulingGates: { mergeKey: 'name' },
    },
  },
  Container: {
    fields: {
      env: { mergeKey: 'name' },
      ports: { mergeKey: 'containerPort', keys: ['containerPort', 'protocol'] },
      volumeMounts: { mergeKey: 'mountPath' },
      volumeDevices: { mergeKey: 'devicePath' },
      resizePolicy: { mergeKey: 'resourceName' },
    },
  },
  TemplateSpec: { fields: { template: { type: 'PodTemplateSpec' } } },
  JobTemplate: { fields: { spec: { type: 'TemplateSpec' } } },
  CronJobSpec: { fields: { jobTemplate: { type: 'JobTemplate' } } },
  ServiceSpec: { fields: { ports: { mergeKey: 'port', keys: ['port', 'protocol'] } } },
  ObjectRoot: { fields: {} },
};

function root(spec: string): TypeInfo {
  return { fields: { spec: { type: spec } } };
}
TYPES.WorkloadRoot = root('TemplateSpec');
TYPES.PodRoot = root('PodSpec');
TYPES.CronJobRoot = root('CronJobSpec');
TYPES.ServiceRoot = root('ServiceSpec');
TYPES.PodTemplateRoot = { fields: { template: { type: 'PodTemplateSpec' } } };

const ROOTS: Record<string, { groups: string[]; type: string }> = {
  Deployment: { groups: ['apps', 'extensions'], type: 'WorkloadRoot' },
  ReplicaSet: { groups: ['apps', 'extensions'], type: 'WorkloadRoot' },
  DaemonSet: { groups: ['apps', 'extensions'], type: 'WorkloadRoot' },
  StatefulSet: { groups: ['apps'], type: 'WorkloadRoot' },
  Job: { groups: ['batch'], type: 'WorkloadRoot' },
  ReplicationController: { groups: [''], type: 'WorkloadRoot' },
  CronJob: { groups: ['batch'], type: 'CronJobRoot' },
  Pod: { groups: [''], type: 'PodRoot' },
  PodTemplate: { groups: [''], type: 'PodTemplateRoot' },
  Service: { groups: [''], type: 'ServiceRoot' },
};

/** The type of the object root for a built-in kind, or undefined for custom resources. */
export function rootType(gvk: Gvk): TypeInfo | undefined {
  const r = ROOTS[gvk.kind];
  if (!r || !r.groups.includes(gvk.group)) return undefined;
  return TYPES[r.type];
}

/** A field's type and, for keyed lists, the keys that identify an item (one or several). */
export function fieldType(
  t: TypeInfo | undefined,
  field: string,
): { type?: TypeInfo; mergeKey?: string; keys?: string[] } | undefined {
  if (!t) return undefined;
  const f = t.fields[field];
  if (!f) return undefined;
  return {
    type: f.type ? TYPES[f.type] : undefined,
    mergeKey: f.mergeKey,
    keys: f.keys ?? (f.mergeKey ? [f.mergeKey] : undefined),
  };
}
