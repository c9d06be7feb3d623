// What a build step reports carries the step: failures and warnings of the transformer steps are
// tagged `kustomize/<step>`, the rest of the build `kustomize`; the patches step reports a target
// that selects nothing (kustomize accepts it silently) on the patch entry's target.
import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "1"\n';
const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n';

function build(kustomization: string, extra: Record<string, string> = {}) {
  const fs = new MemoryFileSystem(undefined, {
    '/b/kustomization.yaml': kustomization,
    '/b/cm.yaml': CM,
    '/b/deploy.yaml': DEPLOY,
    ...extra,
  });
  return buildKustomization(fs, '/b');
}

const problems = (r: ReturnType<typeof build>) =>
  r.problems.map((p) => [p.severity, p.step, p.code, p.span?.line, p.span?.col]);

describe('problems carry their step', () => {
  const cases: { name: string; kustomization: string; expected: unknown[][] }[] = [
    {
      name: 'a missing resource: the accumulation',
      kustomization: 'resources:\n  - nope.yaml\n',
      expected: [['error', 'kustomize', 'missing-resource', 2, 5]],
    },
    {
      name: 'replicas naming no workload',
      kustomization: 'resources:\n  - cm.yaml\nreplicas:\n  - name: cm\n    count: 2\n',
      expected: [['error', 'kustomize/replicas', 'kustomize', 4, 5]],
    },
    {
      name: 'a failing JSON6902 test op in patches',
      kustomization:
        'resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |-\n      - op: test\n        path: /data/a\n        value: "2"\n',
      expected: [['error', 'kustomize/patches', 'kustomize']],
    },
    {
      name: 'a bad sortOptions order: a root step',
      kustomization: 'resources:\n  - cm.yaml\nsortOptions:\n  order: random\n',
      expected: [['error', 'kustomize/sortOptions', 'kustomize', 4, 3]],
    },
    {
      name: 'an untargeted strategic merge patch naming no object',
      kustomization:
        'resources:\n  - cm.yaml\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: other\n',
      expected: [['error', 'kustomize/patches', 'patch-no-target', 5, 7]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = problems(build(c.kustomization)).map((p, i) =>
        p.slice(0, (c.expected[i] ?? p).length),
      );
      assert.deepEqual(got, c.expected);
    });
  }
});

describe('patch-target-unmatched', () => {
  it('a patches target that selects nothing: a warning on the target, and the build goes on', () => {
    const r = build(
      'resources:\n  - cm.yaml\n  - deploy.yaml\npatches:\n  - target:\n      kind: StatefulSet\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 2\n  - target:\n      kind: Deployment\n    patch: |-\n      - op: add\n        path: /spec/replicas\n        value: 2\n',
    );
    assert.deepEqual(problems(r), [
      ['warning', 'kustomize/patches', 'patch-target-unmatched', 6, 7],
    ]);
    assert.equal(r.problems[0].data?.target, 'kind=StatefulSet');
    assert.match(
      r.problems[0].message,
      /the target \(kind=StatefulSet\) of inline patch in b\/kustomization\.yaml:7 selects no object/,
    );
    assert.equal(r.objects.length, 2);
  });

  it("names are matched as they are when the patch runs: before this kustomization's prefix", () => {
    const r = build(
      'resources:\n  - cm.yaml\nnamePrefix: stg-\npatches:\n  - target:\n      name: cm\n    patch: |-\n      - op: add\n        path: /data/b\n        value: "2"\n  - target:\n      name: stg-cm\n    patch: |-\n      - op: add\n        path: /data/c\n        value: "3"\n',
    );
    assert.deepEqual(problems(r), [
      ['warning', 'kustomize/patches', 'patch-target-unmatched', 12, 7],
    ]);
  });

  it("a strategic merge patch with a target, and patchesJson6902, report it too; a base's in the base file", () => {
    const r = build(
      'resources:\n  - base\npatchesJson6902:\n  - target:\n      kind: Secret\n      name: s\n    patch: |-\n      - op: remove\n        path: /data\n',
      {
        '/b/base/cm.yaml': CM,
        '/b/base/kustomization.yaml':
          'resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: Service\n    patch: |-\n      metadata:\n        labels:\n          a: b\n',
      },
    );
    assert.deepEqual(
      r.problems.map((p) => [p.step, p.code, p.span?.file, p.span?.line]),
      [
        ['kustomize/patches', 'patch-target-unmatched', '/b/base/kustomization.yaml', 5],
        ['kustomize/patchesJson6902', 'patch-target-unmatched', '/b/kustomization.yaml', 5],
      ],
    );
  });
});
