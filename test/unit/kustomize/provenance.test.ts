// Every value of the build output says where it came from: the file and line that wrote it and
// which step last set it (patch, generator, namespace, name reference...).
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { YNode, getPath, getString } from '../../../server/src/engine/yaml/node';

const files: Record<string, string> = {
  '/r/base/kustomization.yaml': [
    'namespace: apps', // 1
    'resources:', // 2
    '  - release.yaml', // 3
    'configMapGenerator:', // 4
    '  - name: app-values', // 5
    '    files:', // 6
    '      - values.yaml', // 7
    'configurations:', // 8
    '  - kustomizeconfig.yaml', // 9
    '',
  ].join('\n'),
  '/r/base/kustomizeconfig.yaml':
    'nameReference:\n- kind: ConfigMap\n  fieldSpecs:\n  - path: spec/valuesFrom/name\n    kind: HelmRelease\n',
  '/r/base/values.yaml': 'replicaCount: 1\n',
  '/r/base/release.yaml': [
    'apiVersion: helm.toolkit.fluxcd.io/v2', // 1
    'kind: HelmRelease', // 2
    'metadata:', // 3
    '  name: app', // 4
    'spec:', // 5
    '  interval: 10m', // 6
    '  valuesFrom:', // 7
    '    - kind: ConfigMap', // 8
    '      name: app-values', // 9
    '  values:', // 10
    '    replicaCount: 1', // 11
    '    image: {tag: "1.0"}', // 12
    '',
  ].join('\n'),
  '/r/production/kustomization.yaml':
    'resources:\n  - ../base\npatches:\n  - path: values-patch.yaml\n',
  '/r/production/values-patch.yaml': [
    'apiVersion: helm.toolkit.fluxcd.io/v2', // 1
    'kind: HelmRelease', // 2
    'metadata:', // 3
    '  name: app', // 4
    'spec:', // 5
    '  values:', // 6
    '    replicaCount: 3', // 7
    '',
  ].join('\n'),
};

function at(n: YNode | undefined, what: string) {
  assert.ok(n?.origin, `${what} has an origin`);
  return n!.origin!;
}

test('origins of patched, untouched, transformed, generated and renamed values', () => {
  const r = buildKustomization(new MemoryFileSystem(undefined, files), '/r/production');
  assert.deepEqual(r.problems, []);
  const hr = r.objects.find((o) => getString(o.node, 'kind') === 'HelmRelease')!.node;
  const cm = r.objects.find((o) => getString(o.node, 'kind') === 'ConfigMap')!;

  const replicas = at(getPath(hr, ['spec', 'values', 'replicaCount']), 'replicaCount');
  assert.deepEqual([replicas.file, replicas.line], ['/r/production/values-patch.yaml', 7]);
  assert.match(replicas.by ?? '', /patch .*values-patch\.yaml/);

  const tag = at(getPath(hr, ['spec', 'values', 'image', 'tag']), 'image.tag');
  assert.deepEqual([tag.file, tag.line, tag.by], ['/r/base/release.yaml', 12, undefined]);

  const apiVersion = at(getPath(hr, ['apiVersion']), 'apiVersion');
  assert.deepEqual([apiVersion.file, apiVersion.line], ['/r/base/release.yaml', 1]);

  const ns = at(getPath(hr, ['metadata', 'namespace']), 'namespace');
  assert.deepEqual([ns.file, ns.line], ['/r/base/kustomization.yaml', 1]);
  assert.match(ns.by ?? '', /^namespace/);

  const ref = getPath(hr, ['spec', 'valuesFrom', 0, 'name']);
  assert.match(String((ref as { value: unknown }).value), /^app-values-[a-z0-9]{10}$/);
  assert.equal(at(ref, 'valuesFrom name').file, '/r/base/release.yaml');
  assert.match(at(ref, 'valuesFrom name').by ?? '', /nameReference/);

  assert.match(cm.generatedBy ?? '', /configMapGenerator app-values/);
  const data = at(getPath(cm.node, ['data', 'values.yaml']), 'generated data');
  assert.equal(data.file, '/r/base/values.yaml');
  assert.match(data.by ?? '', /configMapGenerator/);
});
