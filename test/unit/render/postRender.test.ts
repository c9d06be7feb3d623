// helm-controller's steps after Helm (engine/render/postRender.ts) on an in-memory chart: what
// each step touches (crds/ get the origin labels only, hooks nothing), the order after a
// kustomize step, the ResMap's refusal of duplicate ids, and the provenance of patched fields.
// The conformance against helm --post-renderer with kubectl kustomize is in
// test/conformance/post-render.test.ts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { postRender } from '../../../server/src/engine/render/postRender';
import { renderChart } from '../../../server/src/engine/render/render';
import { newMap } from '../../../server/src/engine/template/value';
import { YMap, getPath } from '../../../server/src/engine/yaml/node';
import { parseYaml } from '../../../server/src/engine/yaml/parse';

const CHART = {
  '/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
  '/c/crds/crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n',
  '/c/templates/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.0\n',
  '/c/templates/svc.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    helm.toolkit.fluxcd.io/name: chart-says\n',
  '/c/templates/hook.yaml':
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n',
};

const HR_FILE = '/repo/apps/hr.yaml';

function run(spec: string, chart: Record<string, string> = CHART) {
  const text = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n${spec}`;
  const fs = new MemoryFileSystem(undefined, { ...chart, [HR_FILE]: text });
  const hr = parseYaml(text, HR_FILE).documents[0].root as YMap;
  const rendered = renderChart(loadChartDir(fs, '/c'), newMap(), {
    releaseName: 'web',
    namespace: 'apps',
    includeCrds: true,
  });
  assert.deepEqual(rendered.errors, []);
  return postRender(fs, hr, rendered.objects);
}

const ORIGIN = { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'apps' };

test('without post-renderers: origin labels on everything but hooks, Helm order kept, empty annotations dropped', () => {
  const r = run('  interval: 1m\n');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.objects.map((o) => `${o.kind}/${o.name}`),
    [
      'CustomResourceDefinition/widgets.example.com',
      'Service/web',
      'Deployment/web',
      'Job/migrate',
    ],
  );
  const labels = r.objects.map(
    (o) => (o.object as { metadata: { labels?: unknown } }).metadata.labels,
  );
  assert.deepEqual(labels, [ORIGIN, ORIGIN, ORIGIN, undefined]);
  assert.equal('annotations' in (r.objects[2].object as { metadata: object }).metadata, false);
});

test('commonMetadata labels and annotations on metadata only, not on crds/ nor hooks; origin labels win', () => {
  const r = run(
    '  commonMetadata:\n    labels:\n      team: a\n      helm.toolkit.fluxcd.io/namespace: other\n    annotations:\n      owner: a\n',
  );
  const byKind = new Map(
    r.objects.map((o) => [
      o.kind,
      o.object as {
        metadata: { labels?: object; annotations?: object };
        spec?: { template?: { metadata?: object } };
      },
    ]),
  );
  assert.deepEqual(byKind.get('Deployment')!.metadata.labels, { team: 'a', ...ORIGIN });
  assert.deepEqual(byKind.get('Deployment')!.metadata.annotations, { owner: 'a' });
  assert.equal(
    byKind.get('Deployment')!.spec!.template!.metadata,
    undefined,
    'pod template untouched',
  );
  assert.deepEqual(byKind.get('CustomResourceDefinition')!.metadata.labels, ORIGIN);
  assert.equal(byKind.get('CustomResourceDefinition')!.metadata.annotations, undefined);
  assert.deepEqual(byKind.get('Job')!.metadata.annotations, { 'helm.sh/hook': 'pre-install' });
});

test('a kustomize post-renderer: patches then images, manifests in kustomize legacy order, crds/ and hooks not patched', () => {
  const r = run(
    [
      '  postRenderers:',
      '    - kustomize:',
      '        images:',
      '          - name: nginx',
      '            newTag: "2.0"',
      '        patches:',
      '          - target:',
      '              kind: Deployment',
      '            patch: |',
      '              - op: add',
      '                path: /spec/replicas',
      '                value: 2',
      '          - target:',
      '              name: ".*"',
      '            patch: |',
      '              - op: add',
      '                path: /metadata/labels/patched',
      '                value: "yes"',
      '',
    ].join('\n'),
  );
  assert.deepEqual(r.problems, []);
  // kustomize's legacy order puts Service before Deployment (as Helm's does), the CRD stays first, the hook last.
  assert.deepEqual(
    r.objects.map((o) => `${o.kind}/${o.name}`),
    [
      'CustomResourceDefinition/widgets.example.com',
      'Service/web',
      'Deployment/web',
      'Job/migrate',
    ],
  );
  const deploy = r.objects[2];
  assert.equal(getPath(deploy.node, ['spec', 'replicas'])!.kind, 'scalar');
  assert.deepEqual((deploy.object as { spec: { replicas: number } }).spec.replicas, 2);
  assert.equal(
    (deploy.object as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec
      .template.spec.containers[0].image,
    'nginx:2.0',
  );
  assert.deepEqual(
    (r.objects[0].object as { metadata: { labels: object } }).metadata.labels,
    ORIGIN,
    'crds/ are not post-rendered',
  );
  assert.equal(
    (r.objects[3].object as { metadata: { labels?: object } }).metadata.labels,
    undefined,
    'hooks are not post-rendered',
  );
  // The image's new value says where it came from: the images entry in the HelmRelease.
  const image = getPath(deploy.node, ['spec', 'template', 'spec', 'containers', 0, 'image'])!;
  assert.equal(image.origin?.file, HR_FILE);
  assert.equal(image.origin?.line, 10);
  assert.equal(image.origin?.by, 'postRenderers images');
  // An inline JSON6902 patch's value points at its line inside the HelmRelease's block scalar.
  const replicas = getPath(deploy.node, ['spec', 'replicas'])!;
  assert.equal(replicas.origin?.file, HR_FILE);
  assert.equal(replicas.origin?.line, 18);
  assert.ok(deploy.text.includes('replicas: 2'), deploy.text);
});

test('a chart with two objects of one id fails as helm-controller does (the ResMap refuses them)', () => {
  const r = run('  interval: 1m\n', {
    ...CHART,
    '/c/templates/again.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
  });
  assert.equal(r.objects.length, 0);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].code, 'duplicate-id');
  assert.match(r.problems[0].message, /already registered id: Service.*web/);
  assert.equal(r.problems[0].span?.file, HR_FILE);
});

test('a patch that fails points into the HelmRelease', () => {
  const r = run(
    '  postRenderers:\n    - kustomize:\n        patches:\n          - patch: |\n              - op: add\n                path: /x\n                value: 1\n',
  );
  assert.equal(r.objects.length, 0);
  assert.match(r.problems[0].message, /must specify a target for JSON patch/);
  assert.equal(r.problems[0].span?.file, HR_FILE);
  assert.equal(r.problems[0].step, 'render/postRenderers');
});
