// The fields kustomize's built-in transformers touch by default, written as data (which kinds,
// which paths). These are facts about kustomize v5's behaviour, expressed in our own notation:
// `Kind[.group][@version] path[ +create]`. Each step (steps/) declares which of these lists it
// reads; users extend them with `configurations:` files (transformerConfig.ts).

import { FieldSpec } from './fieldspec';

export interface NameReferenceRule {
  /** The kind being referred to (its name is what changes). */
  referral: { group?: string; version?: string; kind: string };
  /** The fields, in other resources, that hold its name. */
  fieldSpecs: FieldSpec[];
}

/** Parses `Kind[.group][@version] path[ +create]`; `*` as kind means any kind. */
function spec(line: string): FieldSpec {
  const [sel, path, flag] = line.trim().split(/\s+/);
  const fs: FieldSpec = { path };
  if (flag === '+create') fs.create = true;
  if (sel !== '*') {
    const at = sel.indexOf('@');
    const kindGroup = at >= 0 ? sel.slice(0, at) : sel;
    if (at >= 0) fs.version = sel.slice(at + 1);
    const dot = kindGroup.indexOf('.');
    fs.kind = dot >= 0 ? kindGroup.slice(0, dot) : kindGroup;
    if (dot >= 0) fs.group = kindGroup.slice(dot + 1);
  }
  return fs;
}

function specs(text: string): FieldSpec[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(spec);
}

export const templateLabelSpecs = specs(`
  * metadata/labels +create
  ReplicationController@v1 spec/template/metadata/labels +create
  Deployment spec/template/metadata/labels +create
  ReplicaSet spec/template/metadata/labels +create
  DaemonSet spec/template/metadata/labels +create
  StatefulSet.apps spec/template/metadata/labels +create
  Job.batch spec/template/metadata/labels +create
  CronJob.batch spec/jobTemplate/metadata/labels +create
  CronJob.batch spec/jobTemplate/spec/template/metadata/labels +create
`);

const volumeClaimTemplateLabels = specs(`
  StatefulSet.apps spec/volumeClaimTemplates[]/metadata/labels +create
`);

const affinityPaths = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

export const commonLabelSpecs: FieldSpec[] = [
  ...specs(`
    Service@v1 spec/selector +create
    ReplicationController@v1 spec/selector +create
    Deployment spec/selector/matchLabels +create
  `),
  ...affinityPaths.map((p) => spec(`Deployment.apps ${p}`)),
  ...specs(`
    ReplicaSet spec/selector/matchLabels +create
    DaemonSet spec/selector/matchLabels +create
    StatefulSet.apps spec/selector/matchLabels +create
  `),
  ...affinityPaths.map((p) => spec(`StatefulSet.apps ${p}`)),
  ...specs(`
    Job.batch spec/selector/matchLabels
    CronJob.batch spec/jobTemplate/spec/selector/matchLabels
    PodDisruptionBudget.policy spec/selector/matchLabels
    NetworkPolicy.networking.k8s.io spec/podSelector/matchLabels
    NetworkPolicy.networking.k8s.io spec/ingress/from/podSelector/matchLabels
    NetworkPolicy.networking.k8s.io spec/egress/to/podSelector/matchLabels
  `),
  ...templateLabelSpecs,
  ...volumeClaimTemplateLabels,
];

export const commonAnnotationSpecs = specs(`
  * metadata/annotations +create
  ReplicationController@v1 spec/template/metadata/annotations +create
  Deployment spec/template/metadata/annotations +create
  ReplicaSet spec/template/metadata/annotations +create
  DaemonSet spec/template/metadata/annotations +create
  StatefulSet spec/template/metadata/annotations +create
  Job.batch spec/template/metadata/annotations +create
  CronJob.batch spec/jobTemplate/metadata/annotations +create
  CronJob.batch spec/jobTemplate/spec/template/metadata/annotations +create
`);

export const namespaceSpecs = specs(`
  Namespace metadata/name +create
  APIService.apiregistration.k8s.io spec/service/namespace +create
  CustomResourceDefinition.apiextensions.k8s.io spec/conversion/webhook/clientConfig/service/namespace
`);

export const imageSpecs = specs(`
  * spec/containers[]/image +create
  * spec/initContainers[]/image +create
  * spec/volumes[]/image/reference +create
  * spec/template/spec/containers[]/image +create
  * spec/template/spec/initContainers[]/image +create
  * spec/template/spec/volumes[]/image/reference +create
`);

export const replicaSpecs = specs(`
  Deployment spec/replicas +create
  ReplicationController spec/replicas +create
  ReplicaSet spec/replicas +create
  StatefulSet spec/replicas +create
`);

// Where each workload kind keeps its pod spec, for the many pod-level references below.
const podSpecs: [string, string][] = [
  ['Pod@v1', 'spec'],
  ['PodTemplate', 'template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

function podRefs(fields: string[], kinds = podSpecs): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [kind, prefix] of kinds)
    for (const f of fields) out.push(spec(`${kind} ${prefix}/${f}`));
  return out;
}

const serviceAccountKinds: [string, string][] = [
  ['Pod', 'spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicationController', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
];

export const nameReferenceRules: NameReferenceRule[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    referral: { kind },
    fieldSpecs: specs('HorizontalPodAutoscaler spec/scaleTargetRef/name'),
  })),
  {
    referral: { version: 'v1', kind: 'ConfigMap' },
    fieldSpecs: [
      ...podRefs([
        'volumes/configMap/name',
        'containers/env/valueFrom/configMapKeyRef/name',
        'initContainers/env/valueFrom/configMapKeyRef/name',
        'containers/envFrom/configMapRef/name',
        'initContainers/envFrom/configMapRef/name',
        'volumes/projected/sources/configMap/name',
      ]),
      ...specs(`
        Node spec/configSource/configMap
        Role rules/resourceNames
        ClusterRole rules/resourceNames
        Ingress metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap
      `),
    ],
  },
  {
    referral: { version: 'v1', kind: 'Secret' },
    fieldSpecs: [
      ...podRefs([
        'volumes/secret/secretName',
        'containers/env/valueFrom/secretKeyRef/name',
        'initContainers/env/valueFrom/secretKeyRef/name',
        'containers/envFrom/secretRef/name',
        'initContainers/envFrom/secretRef/name',
        'imagePullSecrets/name',
        'volumes/projected/sources/secret/name',
      ]),
      ...specs(`
        Ingress spec/tls/secretName
        Ingress metadata/annotations/ingress.kubernetes.io\\/auth-secret
        Ingress metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret
        Ingress metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret
        ServiceAccount imagePullSecrets/name
        StorageClass parameters/secretName
        StorageClass parameters/adminSecretName
        StorageClass parameters/userSecretName
        StorageClass parameters/secretRef
        Role rules/resourceNames
        ClusterRole rules/resourceNames
        Service.serving.knative.dev@v1 spec/template/spec/containers/env/valueFrom/secretKeyRef/name
        PersistentVolume spec/azureFile/secretName
      `),
    ],
  },
  {
    referral: { version: 'v1', kind: 'Service' },
    fieldSpecs: specs(`
      StatefulSet.apps spec/serviceName
      Ingress spec/rules/http/paths/backend/serviceName
      Ingress spec/backend/serviceName
      Ingress spec/rules/http/paths/backend/service/name
      Ingress spec/defaultBackend/service/name
      APIService.apiregistration.k8s.io spec/service/name
      ValidatingWebhookConfiguration.admissionregistration.k8s.io webhooks/clientConfig/service
      MutatingWebhookConfiguration.admissionregistration.k8s.io webhooks/clientConfig/service
    `),
  },
  {
    referral: { group: 'rbac.authorization.k8s.io', kind: 'Role' },
    fieldSpecs: specs('RoleBinding.rbac.authorization.k8s.io roleRef/name'),
  },
  {
    referral: { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    fieldSpecs: specs(`
      RoleBinding.rbac.authorization.k8s.io roleRef/name
      ClusterRoleBinding.rbac.authorization.k8s.io roleRef/name
    `),
  },
  {
    referral: { version: 'v1', kind: 'ServiceAccount' },
    fieldSpecs: [
      ...specs(`
        RoleBinding.rbac.authorization.k8s.io subjects
        ClusterRoleBinding.rbac.authorization.k8s.io subjects
      `),
      ...serviceAccountKinds.map(([k, p]) => spec(`${k} ${p}/serviceAccountName`)),
    ],
  },
  {
    referral: { version: 'v1', kind: 'PersistentVolumeClaim' },
    fieldSpecs: serviceAccountKinds.map(([k, p]) =>
      spec(`${k} ${p}/volumes/persistentVolumeClaim/claimName`),
    ),
  },
  {
    referral: { version: 'v1', kind: 'PersistentVolume' },
    fieldSpecs: specs(`
      PersistentVolumeClaim spec/volumeName
      ClusterRole rules/resourceNames
    `),
  },
  {
    referral: { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' },
    fieldSpecs: specs(`
      PersistentVolume spec/storageClassName
      PersistentVolumeClaim spec/storageClassName
      StatefulSet spec/volumeClaimTemplates/spec/storageClassName
    `),
  },
  {
    referral: { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' },
    fieldSpecs: serviceAccountKinds.map(([k, p]) => spec(`${k} ${p}/priorityClassName`)),
  },
  {
    referral: { group: 'networking.k8s.io/v1', version: 'v1', kind: 'IngressClass' },
    fieldSpecs: specs('Ingress spec/ingressClassName'),
  },
  {
    referral: { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
    fieldSpecs: specs(
      'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io spec/policyName',
    ),
  },
];

export const nameSpecs = specs('* metadata/name');
