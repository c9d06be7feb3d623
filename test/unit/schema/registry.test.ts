// Schema choice per document, deprecated apiVersions, and schemas derived from CRDs.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { SchemaRegistry } from '../../../server/src/engine/schema';
import type { YNode } from '../../../server/src/engine/yaml/node';

function docs(yaml: string, file = '/repo/x.yaml'): YNode[] {
  const parsed = parseYaml(yaml, file);
  assert.deepEqual(parsed.problems, []);
  return parsed.documents.map((d) => d.root).filter((r): r is YNode => r !== undefined);
}

test('schema choice: by file name, by kustomize apiVersion, by apiVersion and kind', () => {
  const r = new SchemaRegistry();
  const choose = (yaml: string, file: string) => r.schemaFor(docs(yaml, file)[0], file)?.label;
  assert.equal(choose('resources: []', '/a/kustomization.yaml'), 'kustomization.yaml');
  assert.equal(choose('resources: []', '/a/Kustomization'), 'kustomization.yaml');
  assert.equal(choose('resources: []', '/a/other.yaml'), undefined);
  assert.equal(
    choose('apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n', '/a/comp.yaml'),
    'kustomization.yaml',
  );
  // A Flux Kustomization in a file called kustomization.yaml is still a Flux Kustomization.
  assert.equal(
    choose(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n',
      '/a/kustomization.yaml',
    ),
    'Kustomization',
  );
  assert.equal(
    r.schemaFor(
      docs('apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n')[0],
      '/a/x.yaml',
    )?.apiVersion,
    'kustomize.toolkit.fluxcd.io/v1',
  );
  assert.equal(choose('apiVersion: v1\nkind: ConfigMap\n', '/a/cm.yaml'), 'ConfigMap');
  assert.equal(choose('apiVersion: apps/v1\nkind: Deployment\n', '/a/d.yaml'), undefined);
  assert.ok(
    r.known().some((k) => k.apiVersion === 'helm.toolkit.fluxcd.io/v2beta1' && k.deprecated),
  );
});

const oldRelease = (apiVersion: string, extra = '') => `apiVersion: ${apiVersion}
kind: HelmRelease
metadata: {name: podinfo}
spec:
  interval: 5m
  chart:
    spec:
      chart: podinfo
      sourceRef: {kind: HelmRepository, name: podinfo}
${extra}`;

test('deprecated HelmRelease versions validate with a warning naming the replacement', () => {
  const r = new SchemaRegistry();
  for (const v of ['helm.toolkit.fluxcd.io/v2beta1', 'helm.toolkit.fluxcd.io/v2beta2']) {
    const problems = r.validate(docs(oldRelease(v))[0], '/repo/hr.yaml', { partial: false });
    assert.equal(problems.length, 1, JSON.stringify(problems));
    const [w] = problems;
    assert.equal(w.severity, 'warning');
    assert.equal(w.code, 'deprecated-api-version');
    assert.deepEqual([w.span.line, w.span.col, w.span.endCol], [1, 13, 13 + v.length]);
    assert.equal(w.data?.replacement, 'helm.toolkit.fluxcd.io/v2');
    assert.equal(w.data?.fieldsMap, true);
    assert.match(
      w.message,
      /HelmRelease `helm\.toolkit\.fluxcd\.io\/v2beta\d` is deprecated: use `helm\.toolkit\.fluxcd\.io\/v2`; the fields map unchanged/,
    );
  }
});

test('deprecated fields: accepted under the old version, listed as blocking the quick fix', () => {
  const r = new SchemaRegistry();
  const yaml =
    oldRelease('helm.toolkit.fluxcd.io/v2beta1').replace(
      '      chart: podinfo\n',
      '      chart: podinfo\n      valuesFile: values-prod.yaml\n',
    ) +
    '  postRenderers:\n    - kustomize:\n        patchesStrategicMerge:\n          - kind: Deployment\n            metadata: {name: podinfo}\n';
  const problems = r.validate(docs(yaml)[0], '/repo/hr.yaml', { partial: false });
  assert.deepEqual(
    problems.map((p) => p.code),
    ['deprecated-api-version'],
  );
  assert.equal(problems[0].data?.fieldsMap, false);
  assert.deepEqual(problems[0].data?.removedFields, [
    'spec.chart.spec.valuesFile',
    'spec.postRenderers.0.kustomize.patchesStrategicMerge',
  ]);
  // Under v2 the same fields are errors.
  const current = r.validate(docs(yaml.replace('v2beta1', 'v2'))[0], '/repo/hr.yaml', {
    partial: false,
  });
  assert.deepEqual(
    current.map((p) => `${p.code} ${p.path.join('.')}`),
    [
      'schema-unknown-field spec.chart.spec.valuesFile',
      'schema-unknown-field spec.postRenderers.0.kustomize.patchesStrategicMerge',
    ],
  );
});

test('deprecated source and Flux Kustomization versions', () => {
  const r = new SchemaRegistry();
  const cases: [string, string, boolean][] = [
    [
      'apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: HelmRepository\nmetadata: {name: a}\nspec: {interval: 1h, url: "https://charts.example.org"}\n',
      'source.toolkit.fluxcd.io/v1',
      true,
    ],
    [
      'apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: GitRepository\nmetadata: {name: a}\nspec: {interval: 1h, url: "https://git.example.org/a", gitImplementation: go-git}\n',
      'source.toolkit.fluxcd.io/v1',
      false,
    ],
    [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\nmetadata: {name: a}\nspec:\n  interval: 1h\n  prune: true\n  sourceRef: {kind: GitRepository, name: a}\n  validation: client\n',
      'kustomize.toolkit.fluxcd.io/v1',
      false,
    ],
  ];
  for (const [yaml, replacement, fieldsMap] of cases) {
    const problems = r.validate(docs(yaml)[0], '/repo/x.yaml', { partial: false });
    assert.deepEqual(
      problems.map((p) => p.code),
      ['deprecated-api-version'],
      yaml,
    );
    assert.equal(problems[0].data?.replacement, replacement);
    assert.equal(problems[0].data?.fieldsMap, fieldsMap, yaml);
  }
});

const pgCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: pgclusters.postgres.example.com}
spec:
  group: postgres.example.com
  names: {kind: PgCluster, plural: pgclusters}
  scope: Namespaced
  versions:
    - name: v1beta1
      served: true
      storage: false
      deprecated: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [instances]
              properties:
                instances:
                  type: integer
                  minimum: 1
                  description: Number of database servers.
                storage:
                  x-kubernetes-int-or-string: true
                backup:
                  type: object
                  nullable: true
                  properties:
                    schedule: {type: string}
                    mode: {type: string, enum: [full, incremental]}
                parameters:
                  type: object
                  additionalProperties: {type: string}
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
            status:
              type: object
              properties:
                phase: {type: string}
    - name: v0
      served: false
      storage: false
`;

test('CRDs become schemas: every served version, int-or-string, preserve-unknown-fields, nullable', () => {
  const r = new SchemaRegistry();
  assert.deepEqual(r.addCrds(docs(pgCrd), '/repo/crds/pg.yaml'), []);
  const validate = (yaml: string, partial = false) =>
    r
      .validate(docs(yaml)[0], '/repo/pg.yaml', { partial })
      .map((p) => `${p.code}@${p.span.line}:${p.span.col} ${p.message}`);
  const head =
    'apiVersion: postgres.example.com/v1\nkind: PgCluster\nmetadata: {name: db}\nspec:\n';
  assert.deepEqual(
    validate(
      head +
        '  instances: 2\n  storage: 10Gi\n  backup: null\n  parameters: {max_connections: "100"}\n  extra: {any: [thing]}\n',
    ),
    [],
  );
  assert.deepEqual(
    validate(
      head +
        '  instances: 2\n  storage: 10\n  backup:\n    mode: incremental\n    schedule: "0 * * * *"\n',
    ),
    [],
  );
  assert.deepEqual(
    validate(
      head +
        '  instance: 2\n  storage: true\n  backup: {mode: daily}\n  parameters: {max_connections: 100}\n',
    ),
    [
      'schema-unknown-field@5:3 unknown field `instance` in PgCluster spec; did you mean `instances`?',
      'schema-type@6:12 `storage` in PgCluster spec must be an integer or a string, not a boolean (`true`)',
      'schema-enum@7:18 `mode` in PgCluster spec.backup must be one of `full`, `incremental`; got `daily`',
      'schema-type@8:33 `max_connections` in PgCluster spec.parameters must be a string, not an integer (`100`)',
      'schema-required@4:1 missing required field `instances` in PgCluster spec',
    ],
  );
  assert.deepEqual(validate(head + '  instances: 0\n'), [
    'schema-range@5:14 `instances` in PgCluster spec must be at least 1',
  ]);
  // A patch of the custom resource needs none of its required fields.
  assert.deepEqual(validate(head + '  storage: 20Gi\n', true), []);
  // The deprecated version validates against its own (open) schema, with a warning.
  const old = r.validate(
    docs(
      'apiVersion: postgres.example.com/v1beta1\nkind: PgCluster\nmetadata: {name: db}\nspec: {instances: 1, anything: 2}\n',
    )[0],
    '/repo/pg.yaml',
    { partial: false },
  );
  assert.deepEqual(
    old.map((p) => [p.code, p.data?.replacement, p.data?.fieldsMap]),
    [['deprecated-api-version', 'postgres.example.com/v1', false]],
  );
  // Versions not served are not known.
  assert.equal(
    r.schemaFor(docs('apiVersion: postgres.example.com/v0\nkind: PgCluster\n')[0], '/x.yaml'),
    undefined,
  );
  assert.deepEqual(
    validate(
      'apiVersion: postgres.example.com/v1\nkind: PgCluster\nmetadata: {name: db, lables: {}}\nspec: {instances: 1}\n',
    ),
    [
      'schema-unknown-field@3:22 unknown field `lables` in PgCluster metadata; did you mean `labels`?',
    ],
  );
});

test('our schemas win over CRDs for the kinds we document', () => {
  const r = new SchemaRegistry();
  r.addCrds(
    docs(
      pgCrd
        .replace(/postgres\.example\.com/g, 'helm.toolkit.fluxcd.io')
        .replace(/PgCluster/g, 'HelmRelease')
        .replace('name: v1\n', 'name: v2\n'),
    ),
    '/crd.yaml',
  );
  assert.equal(
    r.schemaFor(docs('apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n')[0], '/x.yaml')
      ?.source,
    'builtin',
  );
});

test('a broken CRD gives a warning, not a crash', () => {
  const r = new SchemaRegistry();
  const problems = r.addCrds(
    docs(
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec: {group: g}\n',
    ),
    '/bad.yaml',
  );
  assert.deepEqual(
    problems.map((p) => [p.code, p.severity, p.span.line]),
    [['crd-invalid', 'warning', 4]],
  );
});
