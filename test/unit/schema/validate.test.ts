// Validation case tables: inline YAML in, problems (code, message, position) out.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { SchemaRegistry, SchemaProblem } from '../../../server/src/engine/schema';

const registry = new SchemaRegistry();

function check(yaml: string, options: { file?: string; partial?: boolean } = {}): SchemaProblem[] {
  const file = options.file ?? '/repo/apps/base/release.yaml';
  const parsed = parseYaml(yaml, file);
  assert.deepEqual(parsed.problems, [], 'test YAML must parse');
  return parsed.documents.flatMap((d) =>
    registry.validate(d.root, file, { partial: options.partial ?? false }),
  );
}

/** `code@line:col message` per problem, the form the cases below are written in. */
function brief(problems: SchemaProblem[]): string[] {
  return problems.map((p) => `${p.code}@${p.span.line}:${p.span.col} ${p.message}`);
}

const release = (
  spec: string,
  apiVersion = 'helm.toolkit.fluxcd.io/v2',
) => `apiVersion: ${apiVersion}
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
${spec}`;

const validSpec = `  interval: 10m
  releaseName: podinfo
  chart:
    spec:
      chart: podinfo
      version: "6.x"
      sourceRef:
        kind: HelmRepository
        name: podinfo
      interval: 1h
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: -1
      strategy: rollback
    crds: CreateReplace
  driftDetection:
    mode: enabled
    ignore:
      - paths: ["/spec/replicas"]
        target:
          kind: Deployment
  dependsOn:
    - name: cert-manager
      namespace: cert-manager
  valuesFrom:
    - kind: ConfigMap
      name: podinfo-values
      valuesKey: values.yaml
    - kind: Secret
      name: podinfo-token
      targetPath: ingress.hosts[0].host
      optional: true
  values:
    replicaCount: 2
    anything:
      goes: [here, 1, true]
  postRenderers:
    - kustomize:
        patches:
          - target:
              kind: Deployment
            patch: |
              - op: add
                path: /metadata/labels/x
                value: y
        images:
          - name: podinfo
            newTag: "6.5.0"`;

interface Case {
  name: string;
  yaml: string;
  file?: string;
  partial?: boolean;
  expected: string[];
}

const cases: Case[] = [
  { name: 'a complete HelmRelease is valid', yaml: release(validSpec), expected: [] },
  {
    name: 'a misspelt field is unknown, with a suggestion, on the key; the real one is then missing',
    yaml: release('  intervall: 10m\n  chartRef:\n    kind: OCIRepository\n    name: podinfo'),
    expected: [
      'schema-unknown-field@7:3 unknown field `intervall` in HelmRelease spec; did you mean `interval`?',
      'schema-required@6:1 missing required field `interval` in HelmRelease spec',
    ],
  },
  {
    name: 'wrong scalar type, on the value',
    yaml: release('  interval: 5m\n  maxHistory: five\n  suspend: "no"'),
    expected: [
      'schema-type@8:15 `maxHistory` in HelmRelease spec must be an integer, not a string (`five`)',
      'schema-type@9:12 `suspend` in HelmRelease spec must be a boolean (true or false), not a string (`no`)',
    ],
  },
  {
    name: 'a map where a list belongs',
    yaml: release('  interval: 5m\n  valuesFrom:\n    kind: ConfigMap\n    name: x'),
    expected: ['schema-type@9:5 `valuesFrom` in HelmRelease spec must be a list, not a map'],
  },
  {
    name: 'enum values, with a suggestion for a wrong case',
    yaml: release(
      '  interval: 5m\n  valuesFrom:\n    - kind: Configmap\n      name: values\n  driftDetection:\n    mode: on',
    ),
    expected: [
      'schema-enum@9:13 `kind` in HelmRelease spec.valuesFrom[0] must be one of `ConfigMap`, `Secret`; got `Configmap`. Did you mean `ConfigMap`?',
      'schema-enum@12:11 `mode` in HelmRelease spec.driftDetection must be one of `enabled`, `warn`, `disabled`; got `on`',
    ],
  },
  {
    name: 'durations must look like durations',
    yaml: release(
      '  interval: 10 minutes\n  chartRef:\n    kind: OCIRepository\n    name: podinfo',
    ),
    expected: [
      'schema-pattern@7:13 `interval` in HelmRelease spec must be a Go duration such as `30s`, `5m`, `1h` or `1h30m`; got `10 minutes`',
    ],
  },
  {
    name: 'missing required fields sit on the parent key',
    yaml: release('  interval: 5m\n  chart:\n    spec:\n      version: 1.x'),
    expected: [
      'schema-required@9:5 missing required fields `chart`, `sourceRef` in HelmRelease spec.chart.spec',
    ],
  },
  {
    name: '${VAR} values are filled in by Flux later: not checked against type or format',
    yaml: release(
      '  interval: ${RECONCILE_INTERVAL}\n  maxHistory: ${HISTORY}\n  chartRef:\n    kind: OCIRepository\n    name: podinfo',
    ),
    expected: [],
  },
  {
    name: 'partial patch: only metadata.name and spec.values is fine',
    yaml: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  values:\n    replicaCount: 3\n',
    partial: true,
    expected: [],
  },
  {
    name: 'the same patch validated as a full document lacks interval',
    yaml: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  values:\n    replicaCount: 3\n',
    expected: ['schema-required@5:1 missing required field `interval` in HelmRelease spec'],
  },
  {
    name: 'partial patch: nested required fields are not expected either, $patch directives pass',
    yaml: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  chart:\n    spec:\n      version: 6.5.x\n  valuesFrom:\n    - name: extra\n      $patch: delete\n',
    partial: true,
    expected: [],
  },
  {
    name: 'partial patch: unknown fields and wrong types are still errors',
    yaml: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  value:\n    replicaCount: 3\n  timeout: 300\n',
    partial: true,
    expected: [
      'schema-unknown-field@6:3 unknown field `value` in HelmRelease spec; did you mean `values`?',
      'schema-type@8:12 `timeout` in HelmRelease spec must be a string, not an integer (`300`)',
    ],
  },
  {
    name: 'unknown top-level and metadata fields',
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  lables:\n    a: b\ndata:\n  replicas: 3\nspec: {}\n',
    expected: [
      'schema-unknown-field@5:3 unknown field `lables` in ConfigMap metadata; did you mean `labels`?',
      'schema-type@8:13 `replicas` in ConfigMap data must be a string, not an integer (`3`)',
      'schema-unknown-field@9:1 unknown field `spec` in ConfigMap',
    ],
  },
  {
    name: 'a SOPS-encrypted Secret is valid (Flux decrypts it and drops `sops`)',
    yaml: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.8.1\n',
    expected: [],
  },
  {
    name: 'kustomization.yaml by file name, even without apiVersion and kind',
    file: '/repo/apps/production/kustomization.yaml',
    yaml: 'resource:\n  - ../base\nnamespace: podinfo\npatches:\n  - path: podinfo-values.yaml\n    target:\n      kind: HelmRelease\n      nam: podinfo\nimages:\n  - name: podinfo\n    newTag: "1.2"\n',
    expected: [
      'schema-unknown-field@1:1 unknown field `resource` in kustomization.yaml; did you mean `resources`?',
      'schema-unknown-field@8:7 unknown field `nam` in kustomization.yaml patches[0].target; did you mean `name`?',
    ],
  },
  {
    name: 'kustomization generators, labels, replacements, helmCharts, sortOptions',
    file: '/repo/apps/production/kustomization.yml',
    yaml: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
labels:
  - pairs: {env: prod}
    includeSelectors: false
    includeTemplates: true
configMapGenerator:
  - name: podinfo-values
    behavior: merge
    files: [values.yaml=production-values.yaml]
    literals: [A=b]
    options:
      disableNameSuffixHash: true
secretGenerator:
  - name: tls
    type: kubernetes.io/tls
    files: [tls.crt, tls.key]
generatorOptions:
  labels: {generated: "true"}
replacements:
  - path: replacements.yaml
  - source: {kind: ConfigMap, name: env, fieldPath: data.ENV}
    targets:
      - select: {kind: HelmRelease}
        fieldPaths: [spec.values.env]
replicas:
  - name: podinfo
    count: 2
helmCharts:
  - name: podinfo
    repo: oci://ghcr.io/stefanprodan/charts
    valuesInline: {replicaCount: 1}
sortOptions:
  order: fifo
buildMetadata: [originAnnotations]
configurations: [kustomizeconfig.yaml]
`,
    expected: [],
  },
  {
    name: 'generator behavior enum and replacement shape',
    file: '/repo/kustomization.yaml',
    yaml: 'configMapGenerator:\n  - name: x\n    behavior: merged\nreplacements:\n  - source: {kind: ConfigMap}\n',
    expected: [
      'schema-enum@3:15 `behavior` in kustomization.yaml configMapGenerator[0] must be one of `create`, `replace`, `merge`; got `merged`. Did you mean `merge`?',
      'schema-required@5:5 missing required field `targets` in kustomization.yaml replacements[0]',
    ],
  },
  {
    name: 'a Component must use the v1alpha1 apiVersion',
    file: '/repo/components/x/kustomization.yaml',
    yaml: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\nresources: [a.yaml]\n',
    expected: [
      'schema-const@1:13 a Component must use apiVersion `kustomize.config.k8s.io/v1alpha1`, not `kustomize.config.k8s.io/v1beta1`',
    ],
  },
  {
    name: 'Flux Kustomization with postBuild substitution',
    yaml: `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/\${ENVIRONMENT}
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute: {CLUSTER: staging}
    substituteFrom:
      - kind: ConfigMap
        name: flux-runtime-info
        optional: true
  patches:
    - patch: |
        - op: replace
          path: /spec/interval
          value: 1h
      target: {kind: HelmRelease}
`,
    expected: [],
  },
  {
    name: 'Flux Kustomization: missing prune and a misspelt postBuild field',
    yaml: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec:\n  interval: 10m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  postBuild:\n    substitutFrom: []\n',
    expected: [
      'schema-unknown-field@8:5 unknown field `substitutFrom` in Kustomization spec.postBuild; did you mean `substituteFrom`?',
      'schema-required@4:1 missing required field `prune` in Kustomization spec',
    ],
  },
  {
    name: 'sources: HelmRepository, OCIRepository, GitRepository',
    yaml: `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: podinfo}
spec: {interval: 1h, url: "https://stefanprodan.github.io/podinfo", type: default}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: podinfo}
spec:
  interval: 5m
  url: oci://ghcr.io/stefanprodan/charts/podinfo
  ref: {semver: ">=6.0.0"}
  layerSelector: {mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", operation: copy}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet}
spec:
  interval: 1m
  url: ssh://git@example.org/fleet
  ref: {branch: main}
  secretRef: {name: deploy-key}
`,
    expected: [],
  },
  {
    name: 'an OCIRepository url must use oci://',
    yaml: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: p}\nspec:\n  interval: 5m\n  url: ghcr.io/stefanprodan/charts/podinfo\n',
    expected: [
      'schema-pattern@6:8 `url` in OCIRepository spec must be text matching `^oci://.*$`; got `ghcr.io/stefanprodan/charts/podinfo`',
    ],
  },
  {
    name: 'kinds without a schema are skipped',
    yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {whatever: 1}\n---\nplain: document\n',
    expected: [],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(brief(check(c.yaml, c)), c.expected);
  });
}

test('problems carry exact end positions and the path', () => {
  const [p] = check(
    release(
      '  interval: 5m\n  chartRef:\n    kind: OCIRepository\n    name: podinfo\n  storageNamespace: 42',
    ),
  );
  assert.equal(p.code, 'schema-type');
  assert.deepEqual([p.span.line, p.span.col, p.span.endLine, p.span.endCol], [11, 21, 11, 23]);
  assert.deepEqual(p.path, ['spec', 'storageNamespace']);
  assert.equal(p.span.file, '/repo/apps/base/release.yaml');
});

test('a suggestion travels as data for the quick fix', () => {
  const [p] = check(
    release(
      '  interval: 5m\n  chartRef:\n    kind: OCIRepository\n    name: podinfo\n  dependOn: []',
    ),
  );
  assert.equal(p.data?.suggestion, 'dependsOn');
});
