// The overlay-aware diagnostics (ide/diagnostics/: valuesKeyTypos, patchTargets, substitution, valuesSchema...) on in-memory workspaces:
// values key typos against the base layer, patch targets that select nothing, `${VAR}` the
// selected cluster profile does not set, and values against a local chart's values.schema.json
// and its subcharts' (scoped values, globals, aliases; disabled subcharts not checked).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { FileDiagnostic, computeDiagnostics } from '../../../server/src/ide/diagnostics';
import { nearKey } from '../../../server/src/ide/diagnostics';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { Variables } from '../../../server/src/engine/substitute/postBuild';
import { helmRelease } from '../../support/helmRelease';

const R = '/ws';
const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const BASE_HR = helmRelease({
  source: { name: 'app-repo' },
  values: 'replicaCount: 1\nimage:\n  tag: v1\ningress:\n  enabled: false\n',
});
const patch = (values: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n${values}`;

function workspace(
  files: Record<string, string>,
  charts?: { name: string; path: string }[],
): WorkspaceIndex {
  const fs = new MemoryFileSystem(undefined, {
    [`${R}/app/base/kustomization.yaml`]: `${K}resources:\n  - release.yaml\n`,
    [`${R}/app/base/release.yaml`]: BASE_HR,
    [`${R}/app/staging/kustomization.yaml`]: `${K}resources:\n  - ../base\npatches:\n  - path: patch.yaml\n`,
    ...files,
  });
  const index = new WorkspaceIndex(fs, [R]);
  if (charts) index.valuesOptions = { charts };
  index.scan();
  return index;
}

const only = (ds: FileDiagnostic[], code: string) =>
  ds
    .filter((d) => d.code === code)
    .map((d) => ({
      line: d.span.line,
      col: d.span.col,
      severity: d.severity,
      message: d.message,
      suggestion: d.data?.suggestion,
    }));

describe('values-key-typo', () => {
  const cases: {
    name: string;
    values: string;
    expected: { line: number; col: number; suggestion: string; message?: RegExp }[];
  }[] = [
    {
      name: 'a misspelt key next to the base one',
      values: '    replicaCont: 2\n',
      expected: [
        {
          line: 7,
          col: 5,
          suggestion: 'replicaCount',
          message:
            /^`replicaCont` is not set anywhere below \(base: .*app\/base\/release\.yaml\); typo of `replicaCount`\?$/,
        },
      ],
    },
    {
      name: 'a case difference',
      values: '    ReplicaCount: 2\n',
      expected: [{ line: 7, col: 5, suggestion: 'replicaCount' }],
    },
    {
      name: 'nested, under a key the base sets',
      values: '    ingress:\n      enabeld: true\n',
      expected: [{ line: 8, col: 7, suggestion: 'enabled' }],
    },
    {
      name: 'a new key with no near neighbour',
      values: '    podAnnotations:\n      a: b\n    resources: {}\n',
      expected: [],
    },
    {
      name: 'under a parent the base does not set',
      values: '    extra:\n      replicaCont: 1\n',
      expected: [],
    },
    {
      name: 'the right keys',
      values: '    replicaCount: 2\n    image:\n      tag: v2\n',
      expected: [],
    },
    {
      name: 'short keys are not typos of each other',
      values: '    ingress:\n      tls: []\n',
      expected: [],
    },
    {
      name: 'both the near key and the new key in the same layer',
      values: '    replicaCount: 2\n    replicaCounts: 3\n',
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = `${R}/app/staging/patch.yaml`;
      const index = workspace({ [file]: patch(c.values) });
      const got = only(computeDiagnostics(index, file, { validation: true }), 'values-key-typo');
      assert.deepEqual(
        got.map((g) => ({ line: g.line, col: g.col, suggestion: g.suggestion })),
        c.expected.map((e) => ({ line: e.line, col: e.col, suggestion: e.suggestion })),
      );
      for (const [i, e] of c.expected.entries()) {
        assert.equal(got[i].severity, 'warning');
        if (e.message) assert.match(got[i].message, e.message);
      }
    });
  }
  it('keos style: values embedded in an overlay ConfigMap that a base release reads through valuesFrom', () => {
    const release = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: agent\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: agent\n      sourceRef:\n        kind: HelmRepository\n        name: repo\n  valuesFrom:\n    - kind: ConfigMap\n      name: 00-agent-default-values\n    - kind: ConfigMap\n      name: 02-agent-override-values\n`;
    const cm = (name: string, values: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  values.yaml: |\n${values}`;
    const file = `${R}/agent/M/override.yaml`;
    const index = workspace({
      [`${R}/agent/base/kustomization.yaml`]: `${K}resources:\n  - release.yaml\n  - values.yaml\n`,
      [`${R}/agent/base/release.yaml`]: release,
      [`${R}/agent/base/values.yaml`]: `${cm('00-agent-default-values', '    deployments:\n      agent:\n        replicaCount: 1\n')}---\n${cm('02-agent-override-values', '    {}\n')}`,
      [`${R}/agent/M/kustomization.yaml`]: `${K}resources:\n  - ../base\npatches:\n  - path: override.yaml\n`,
      [file]: cm(
        '02-agent-override-values',
        '    deployments:\n      agent:\n        replicas: 2\n',
      ),
    });
    const got = only(computeDiagnostics(index, file, { validation: true }), 'values-key-typo');
    // Line 9, column 9: `replicas` inside the block scalar, placed in the real file.
    assert.deepEqual(
      got.map((g) => [g.line, g.col, g.suggestion]),
      [[9, 9, 'replicaCount']],
    );
  });
  it('says nothing in the base itself', () => {
    const index = workspace({ [`${R}/app/staging/patch.yaml`]: patch('    replicaCount: 2\n') });
    assert.deepEqual(
      only(
        computeDiagnostics(index, `${R}/app/base/release.yaml`, { validation: true }),
        'values-key-typo',
      ),
      [],
    );
  });
  it('nearKey: edit distance <= 2, equal ignoring case, or a shared stem; keys under 4 characters only by case', () => {
    // The issue's own example: `replicas` in an overlay where the base sets `replicaCount`.
    assert.equal(nearKey('replicas', ['replicaCount']), 'replicaCount');
    // A key that extends another is a different setting, not a typo.
    assert.equal(nearKey('serviceMonitor', ['service']), undefined);
    assert.equal(nearKey('service', ['serviceAccount']), undefined);
    assert.equal(nearKey('resources', ['replicaCount']), undefined);
    assert.equal(nearKey('replicaCuont', ['replicaCount']), 'replicaCount');
    assert.equal(nearKey('TAG', ['tag']), 'tag');
    assert.equal(nearKey('tgs', ['tag']), undefined);
    assert.equal(nearKey('tag', ['tag', 'tags']), undefined);
  });
});

describe('patch-target-none', () => {
  it('warns on a targeted patch that selects nothing, not on one that selects something', () => {
    const k = `${R}/app/staging/kustomization.yaml`;
    const index = workspace({
      [k]: `${K}resources:\n  - ../base\nnamePrefix: stg-\npatches:\n  - target:\n      kind: HelmRelease\n      name: app\n    patch: |-\n      - op: replace\n        path: /spec/interval\n        value: 1m\n  - target:\n      kind: Deployment\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 2\n`,
    });
    const got = only(computeDiagnostics(index, k, { validation: true }), 'patch-target-none');
    assert.deepEqual(
      got.map((g) => [g.line, g.severity]),
      [[15, 'warning']],
    );
    assert.match(
      got[0].message,
      /target \(kind=Deployment\) selects nothing in the build of staging/,
    );
  });
  it("a target naming the object after this overlay's prefix selects nothing (patches run before the prefix)", () => {
    const k = `${R}/app/staging/kustomization.yaml`;
    const index = workspace({
      [k]: `${K}resources:\n  - ../base\nnamePrefix: stg-\npatches:\n  - target:\n      kind: HelmRelease\n      name: stg-app\n    patch: |-\n      - op: replace\n        path: /spec/interval\n        value: 1m\n`,
    });
    const got = only(computeDiagnostics(index, k, { validation: true }), 'patch-target-none');
    assert.deepEqual(
      got.map((g) => [g.line, g.col, g.severity]),
      [[8, 7, 'warning']],
    );
    assert.match(
      got[0].message,
      /target \(kind=HelmRelease, name=stg-app\) selects nothing in the build of staging/,
    );
  });
  it('an untargeted strategic merge patch naming no object: an error on the entry', () => {
    const k = `${R}/app/staging/kustomization.yaml`;
    const index = workspace({
      [`${R}/app/staging/patch.yaml`]: patch('    a: 1\n').replace('name: app', 'name: other'),
    });
    const got = only(computeDiagnostics(index, k, { validation: true }), 'patch-target-none');
    assert.deepEqual(
      got.map((g) => [g.line, g.col, g.severity]),
      [[6, 11, 'error']],
    );
  });
});

describe('substitute-unresolved', () => {
  const vars: Variables = new Map([['CLUSTER', { value: 'prod-1' }]]);
  const file = `${R}/app/staging/patch.yaml`;
  const index = workspace({
    [file]: patch(
      '    cluster: ${CLUSTER}\n    domain: ${DOMAIN}.example.org\n    region: ${REGION:=eu}\n    escaped: $${NOPE}\n',
    ),
  });
  it('warns at the variable the profile does not set, naming the profile', () => {
    const got = only(
      computeDiagnostics(index, file, {
        validation: true,
        profile: { name: 'clusters/prod.env', variables: vars },
      }),
      'substitute-unresolved',
    );
    assert.deepEqual(
      got.map((g) => [g.line, g.col, g.severity]),
      [[8, 13, 'warning']],
    );
    assert.match(
      got[0].message,
      /\$\{DOMAIN\} is not set by the cluster profile clusters\/prod\.env/,
    );
  });
  it('says nothing without a profile', () => {
    assert.deepEqual(
      only(computeDiagnostics(index, file, { validation: true }), 'substitute-unresolved'),
      [],
    );
  });
});

describe('values-schema', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: {
      replicaCount: { type: 'integer', minimum: 1 },
      image: {
        type: 'object',
        properties: { tag: { type: 'string' } },
        additionalProperties: false,
      },
    },
  });
  const chart = {
    [`${R}/charts/app/Chart.yaml`]: 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    [`${R}/charts/app/values.yaml`]: 'replicaCount: 1\nimage:\n  tag: latest\n',
    [`${R}/charts/app/values.schema.json`]: schema,
  };
  it('reports values the chart schema refuses, on the line that wrote them', () => {
    const file = `${R}/app/staging/patch.yaml`;
    const index = workspace(
      {
        ...chart,
        [file]: patch('    replicaCount: 0\n    image:\n      tag: v2\n      pullPolicy: Always\n'),
      },
      [{ name: 'app', path: `${R}/charts/app` }],
    );
    const got = only(computeDiagnostics(index, file, { validation: true }), 'values-schema');
    assert.deepEqual(
      got.map((g) => [g.line, g.col, g.severity]),
      [
        [7, 19, 'error'],
        [10, 7, 'error'],
      ],
    );
    assert.match(
      got[0].message,
      /replicaCount must be >= 1 by the values\.schema\.json of chart app/,
    );
    assert.match(got[1].message, /`pullPolicy` is not allowed/);
    assert.deepEqual(
      only(
        computeDiagnostics(index, `${R}/app/base/release.yaml`, { validation: true }),
        'values-schema',
      ),
      [],
    );
  });
  // subchart schemas: db (enabled) checks its scoped values and the globals copied down; the
  // aliased copy `cache` is disabled by its condition, so its schema says nothing
  const dbSchema = JSON.stringify({
    type: 'object',
    properties: {
      port: { type: 'integer' },
      global: { type: 'object', properties: { region: { enum: ['eu', 'us'] } } },
    },
  });
  const family = {
    [`${R}/charts/app/Chart.yaml`]:
      'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 1.0.0\n  - name: db\n    alias: cache\n    version: 1.0.0\n    condition: cache.enabled\n',
    [`${R}/charts/app/values.yaml`]: 'replicaCount: 1\ncache:\n  enabled: false\n',
    [`${R}/charts/app/charts/db/Chart.yaml`]: 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
    [`${R}/charts/app/charts/db/values.yaml`]: 'port: 5432\n',
    [`${R}/charts/app/charts/db/values.schema.json`]: dbSchema,
  };
  it("checks each enabled subchart's values and globals against its own schema, at the user's line", () => {
    const file = `${R}/app/staging/patch.yaml`;
    const index = workspace(
      {
        ...family,
        [file]: patch(
          '    db:\n      port: "5432"\n    cache:\n      port: nope\n    global:\n      region: mars\n',
        ),
      },
      [{ name: 'app', path: `${R}/charts/app` }],
    );
    const got = only(computeDiagnostics(index, file, { validation: true }), 'values-schema');
    assert.deepEqual(
      got.map((g) => [g.line, g.severity]),
      [
        [8, 'error'],
        [12, 'error'],
      ],
    );
    assert.match(
      got[0].message,
      /^db\.port must be integer by the values\.schema\.json of subchart db of chart app/,
    );
    assert.match(
      got[1].message,
      /^db\.global\.region must be one of "eu", "us" by the values\.schema\.json of subchart db/,
    );
  });
  it('an aliased subchart once enabled is checked under its alias', () => {
    const file = `${R}/app/staging/patch.yaml`;
    const index = workspace(
      { ...family, [file]: patch('    cache:\n      enabled: true\n      port: nope\n') },
      [{ name: 'app', path: `${R}/charts/app` }],
    );
    const got = only(computeDiagnostics(index, file, { validation: true }), 'values-schema');
    assert.deepEqual(
      got.map((g) => g.line),
      [9],
    );
    assert.match(
      got[0].message,
      /^cache\.port must be integer by the values\.schema\.json of subchart cache \(chart db\) of chart app/,
    );
  });
  it('says nothing without the chart', () => {
    const file = `${R}/app/staging/patch.yaml`;
    const index = workspace({ [file]: patch('    replicaCount: 0\n') });
    assert.deepEqual(
      only(computeDiagnostics(index, file, { validation: true }), 'values-schema'),
      [],
    );
  });
});
