// The cluster preview of one release (ide/clusters.ts clusterValues) on a small in-memory fleet:
// the problems shown are those of the release shown, not of another release the same
// Kustomization applies. Offline and deterministic (the LSP test over the example relies on a
// chart fetch failing).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { clusterValues } from '../../../server/src/ide/clusters';

const release = (name: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${name}, namespace: apps}
spec:
  chart: {spec: {chart: ${name}, sourceRef: {kind: HelmRepository, name: charts}}}
  valuesFrom:
    - {kind: ConfigMap, name: ${name}-values-not-in-the-build}
  values: {replicas: 1}
`;

const fleet: Record<string, string> = {
  '/fleet/clusters/c1/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: https://example.com/fleet.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ./clusters/c1
  sourceRef: {kind: GitRepository, name: flux-system}
`,
  '/fleet/clusters/c1/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  sourceRef: {kind: GitRepository, name: flux-system}
`,
  '/fleet/apps/kustomization.yaml': 'resources: [first.yaml, second.yaml]\n',
  '/fleet/apps/first.yaml': release('first'),
  '/fleet/apps/second.yaml': release('second'),
};

test('clusterValues: only the shown release problems, not those of another release under the same Kustomization', () => {
  const fs = new MemoryFileSystem(undefined, fleet);
  const shown = (name: string) =>
    clusterValues(fs, '/fleet/clusters/c1', '/fleet', ['/fleet'], `apps/${name}`);
  const first = shown('first');
  assert.equal(first.release, 'apps/first');
  assert.deepEqual(first.releases.map((r) => r.name).sort(), ['first', 'second']);
  const mentions = (r: ReturnType<typeof shown>, what: string) =>
    r.problems.filter((p) => p.message.includes(what)).length;
  assert.ok(mentions(first, 'first-values-not-in-the-build') > 0, JSON.stringify(first.problems));
  assert.equal(
    mentions(first, 'second-values-not-in-the-build'),
    0,
    JSON.stringify(first.problems),
  );
  const second = shown('second');
  assert.ok(
    mentions(second, 'second-values-not-in-the-build') > 0,
    JSON.stringify(second.problems),
  );
  assert.equal(
    mentions(second, 'first-values-not-in-the-build'),
    0,
    JSON.stringify(second.problems),
  );
});
