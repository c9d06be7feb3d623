// schemaAt (completion and hover), the patch file finder, and the schema files themselves.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import Ajv2019 from 'ajv/dist/2019';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import {
  schemaAt,
  builtinSchema,
  patchFilesOf,
  BUILTIN_SCHEMA_FILES,
  builtinSchemas,
  JsonSchema,
} from '../../../server/src/engine/schema';

test('schemaAt: fields, required fields and docs of a map', () => {
  const at = schemaAt(builtinSchema('helmrelease.json'), ['spec']);
  assert.ok(at);
  assert.ok(
    [
      'interval',
      'chart',
      'chartRef',
      'values',
      'valuesFrom',
      'install',
      'upgrade',
      'driftDetection',
      'postRenderers',
    ].every((k) => k in at.properties),
  );
  assert.deepEqual(at.required, ['interval']);
  assert.equal(at.open, false);
  assert.equal(at.description, 'What to release and how.');
});

test('schemaAt: through lists, $ref and enums', () => {
  const kind = schemaAt(builtinSchema('helmrelease.json'), ['spec', 'valuesFrom', 0, 'kind']);
  assert.deepEqual(kind?.enum, ['ConfigMap', 'Secret']);
  const sourceKind = schemaAt(builtinSchema('helmrelease.json'), [
    'spec',
    'chart',
    'spec',
    'sourceRef',
    'kind',
  ]);
  assert.deepEqual(sourceKind?.enum, ['HelmRepository', 'GitRepository', 'Bucket']);
  // The description written where a shared definition is used wins over the definition's own.
  const interval = schemaAt(builtinSchema('helmrelease.json'), ['spec', 'interval']);
  assert.match(interval?.description ?? '', /How often the release is checked/);
  assert.equal(interval?.schema.pattern, '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$');
  const upgradeStrategy = schemaAt(builtinSchema('helmrelease.json'), [
    'spec',
    'upgrade',
    'remediation',
    'strategy',
  ]);
  assert.deepEqual(upgradeStrategy?.enum, ['rollback', 'uninstall']);
});

test('schemaAt: free-form Helm values accept any key below them', () => {
  const values = schemaAt(builtinSchema('helmrelease.json'), ['spec', 'values']);
  assert.equal(values?.open, true);
  assert.ok(values?.markdownDescription?.includes('precedence'));
  assert.ok(schemaAt(builtinSchema('helmrelease.json'), ['spec', 'values', 'image', 'tag']));
  assert.equal(schemaAt(builtinSchema('helmrelease.json'), ['spec', 'nosuchfield']), undefined);
});

test('schemaAt: additionalProperties, anyOf branches and if/then/else are folded together', () => {
  const labels = schemaAt(builtinSchema('configmap.json'), [
    'metadata',
    'labels',
    'app.kubernetes.io/name',
  ]);
  assert.equal(labels?.schema.type, 'string');
  const replacement = schemaAt(builtinSchema('kustomization.json'), ['replacements', 0]);
  assert.ok(replacement && ['path', 'source', 'targets'].every((k) => k in replacement.properties));
  const selectKind = schemaAt(builtinSchema('kustomization.json'), [
    'replacements',
    0,
    'targets',
    0,
    'select',
  ]);
  assert.ok(selectKind && 'labelSelector' in selectKind.properties);
  const apiVersion = schemaAt(builtinSchema('kustomization.json'), ['apiVersion']);
  assert.deepEqual(apiVersion?.enum, [
    'kustomize.config.k8s.io/v1beta1',
    'kustomize.config.k8s.io/v1alpha1',
  ]);
  const target = schemaAt(builtinSchema('kustomization.json'), ['patches', 3, 'target']);
  assert.deepEqual(Object.keys(target?.properties ?? {}), [
    'group',
    'version',
    'kind',
    'name',
    'namespace',
    'labelSelector',
    'annotationSelector',
  ]);
});

test('patchFilesOf: patches[].path, patchesStrategicMerge files, patchesJson6902[].path; inline and remote left out', () => {
  const text = `resources: [../base]
patches:
  - path: podinfo-values.yaml
  - patch: |
      - op: replace
        path: /spec/interval
        value: 1h
    target: {kind: HelmRelease}
  - path: ./patches/json.yaml
    target: {kind: HelmRelease}
patchesStrategicMerge:
  - release-patch.yaml
  - |-
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: inline}
  - https://example.org/patch.yaml
patchesJson6902:
  - target: {version: v2, kind: HelmRelease, name: podinfo}
    path: ../shared/ops.yaml
`;
  const root = parseYaml(text, '/repo/apps/production/kustomization.yaml').documents[0].root;
  const refs = patchFilesOf(root, '/repo/apps/production');
  assert.deepEqual(
    refs.map((r) => [r.field, r.path, r.origin?.line]),
    [
      ['patches', '/repo/apps/production/podinfo-values.yaml', 3],
      ['patches', '/repo/apps/production/patches/json.yaml', 9],
      ['patchesStrategicMerge', '/repo/apps/production/release-patch.yaml', 12],
      ['patchesJson6902', '/repo/apps/shared/ops.yaml', 20],
    ],
  );
  assert.deepEqual(patchFilesOf(undefined, '/x'), []);
  assert.deepEqual(
    patchFilesOf(parseYaml('- a\n- b\n', '/x/kustomization.yaml').documents[0].root, '/x'),
    [],
  );
});

test('every schema file is valid JSON Schema 2019-09 and compiles with ajv', () => {
  const ajv = new Ajv2019({ strict: true, allErrors: true });
  // Our annotation keywords (hover docs, format hints) and the Kubernetes extensions we read.
  for (const keyword of [
    'markdownDescription',
    'x-format-hint',
    'x-message',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
  ])
    ajv.addKeyword({ keyword, schemaType: ['string', 'boolean'] });
  for (const s of BUILTIN_SCHEMA_FILES) ajv.addSchema(s as object);
  for (const s of BUILTIN_SCHEMA_FILES) {
    assert.ok(ajv.getSchema(s.$id as string), `${s.$id} compiles`);
  }
  // ajv and our validator agree on a valid document and on an invalid one.
  const validate = ajv.getSchema('helmrelease.json');
  assert.ok(validate);
  assert.equal(
    validate({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'x' },
      spec: { interval: '5m', chartRef: { kind: 'OCIRepository', name: 'x' }, values: { a: 1 } },
    }),
    true,
  );
  assert.equal(
    validate({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'x' },
      spec: { intervall: '5m' },
    }),
    false,
  );
});

test('every field of every authored schema has a description (they are the hover docs)', () => {
  const missing: string[] = [];
  const skip = new Set([
    'apiVersion',
    'kind',
    'metadata',
    'spec',
    'status',
    'name',
    'namespace',
    'labels',
    'annotations',
  ]);
  const visit = (s: JsonSchema, where: string, seen: Set<JsonSchema>) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      if (
        !skip.has(k) &&
        v.description === undefined &&
        v.markdownDescription === undefined &&
        !v.allOf
      )
        missing.push(`${where}.${k}`);
      visit(v, `${where}.${k}`, seen);
    }
    for (const sub of [
      ...(s.allOf ?? []),
      ...(s.anyOf ?? []),
      ...(Array.isArray(s.items) ? s.items : s.items ? [s.items] : []),
    ])
      visit(sub, where + '[]', seen);
  };
  for (const [id, s] of builtinSchemas()) if (id !== 'common.json') visit(s, id, new Set());
  assert.deepEqual(missing, []);
});
