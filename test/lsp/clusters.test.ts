// fluxOverlays/listClusters and fluxOverlays/clusterValues on the example repository: its two
// cluster folders, and a release's values on one cluster with the origin of each line (the
// workspace folder named keos-apps serves the clusters' keos-apps GitRepository).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(ROOT, 'examples/keos-apps');

describe('fluxOverlays/listClusters, fluxOverlays/clusterValues', () => {
  it('lists the cluster folders and answers a release values on one cluster', async () => {
    const c = TestClient.ours(ROOT);
    try {
      // No chart fetch: the example's registry host exists nowhere, and what a failed lookup
      // says (and when) is the machine's resolver's business, not this test's.
      await c.initialize(EXAMPLE, { charts: { fetch: 'never' } });
      const list = await c.request<{ clusters: { name: string; uri: string }[] }>(
        'fluxOverlays/listClusters',
        {},
      );
      assert.deepEqual(
        list.clusters.map((x) => x.name),
        ['clusters/production', 'clusters/staging'],
      );
      const prod = list.clusters[0].uri;
      assert.equal(prod, uriOf(path.join(EXAMPLE, 'clusters/production')));
      const r = await c.request<{
        content: string;
        release?: string;
        releases: {
          namespace: string;
          name: string;
          chain: string[];
          location?: { uri: string };
        }[];
        appliers?: {
          name: string;
          parent?: string;
          status: string;
          folder?: string;
          location?: { uri: string };
        }[];
        origins: { line: number; location: { uri: string }; layer: string }[];
        problems: { severity: string; message: string }[];
      }>('fluxOverlays/clusterValues', { uri: prod, release: 'keos-frontend/podinfo' });
      assert.deepEqual(
        r.problems.filter((p) => p.severity === 'error'),
        [],
      );
      assert.equal(r.release, 'keos-frontend/podinfo');
      assert.ok(r.releases.length >= 4, JSON.stringify(r.releases));
      assert.deepEqual(r.releases.find((x) => x.name === 'podinfo')!.chain, [
        'Kustomization flux-system/flux-system',
        'Kustomization flux-system/apps-podinfo',
      ]);
      assert.ok(r.content.length > 0);
      assert.ok(r.origins.length > 0);
      assert.ok(
        r.origins.some((o) =>
          o.location.uri.startsWith(uriOf(path.join(EXAMPLE, 'components/podinfo'))),
        ),
        JSON.stringify(r.origins.slice(0, 3)),
      );
      assert.deepEqual(
        r.problems.filter((p) => /host not found|fetch/.test(p.message)),
        [],
        'no chart fetched',
      );
      // Only the shown release's problems (offline, the charts are infos and not shown at all; the
      // per-release choice is tested offline in test/unit/ide/clusters.test.ts).
      assert.deepEqual(
        r.problems.filter((p) => /prometheus-stack|governance-agent|discovery/.test(p.message)),
        [],
      );
      const podinfo = r.releases.find((x) => x.name === 'podinfo')!;
      assert.equal(
        podinfo.location?.uri,
        uriOf(path.join(EXAMPLE, 'components/podinfo/base/podinfo.yaml')),
      );
      // The Kustomizations the cluster runs, nested by what applied them, with the folder each builds.
      const appliers = r.appliers!;
      assert.deepEqual(
        appliers.find((a) => !a.parent)?.name,
        'Kustomization flux-system/flux-system',
      );
      const apps = appliers.find((a) => a.name === 'Kustomization flux-system/apps-podinfo')!;
      assert.deepEqual(
        [apps.parent, apps.status, apps.folder],
        [
          'Kustomization flux-system/flux-system',
          'applied',
          uriOf(path.join(EXAMPLE, 'components/podinfo/production')),
        ],
      );
      assert.equal(apps.location?.uri, uriOf(path.join(EXAMPLE, 'clusters/production/apps.yaml')));
      const missing = await c.request<{ problems: { severity: string; message: string }[] }>(
        'fluxOverlays/clusterValues',
        { uri: prod, release: 'nope/nope' },
      );
      assert.ok(
        missing.problems.some(
          (p) => p.severity === 'error' && /gets no HelmRelease nope\/nope/.test(p.message),
        ),
      );
      const base = path.join(EXAMPLE, 'components/podinfo/base/podinfo.yaml');
      const baseText = fs.readFileSync(base, 'utf8');
      c.open(uriOf(base), baseText);
      const line = baseText.split('\n').findIndex((l) => l.trim() === 'className: nginx');
      const h = await c.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri: uriOf(base) },
        position: { line, character: baseText.split('\n')[line].indexOf('className') + 1 },
      });
      assert.match(
        h.contents.value,
        /^\*\*ingress\.className\*\* is the same on every cluster that gets it \(clusters\/production, clusters\/staging\)$/m,
        h.contents.value,
      );
    } finally {
      await c.shutdown();
    }
  });
});

describe('hover names the clusters where a value differs', () => {
  it('replicaCount of podinfo: 3 on clusters/production (its values file), 1 on clusters/staging (the base); a base key the same on both', async () => {
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(EXAMPLE);
      const file = path.join(EXAMPLE, 'components/podinfo/production/podinfo-values.yaml');
      const text = fs.readFileSync(file, 'utf8');
      c.open(uriOf(file), text);
      const at = async (key: string) => {
        const line = text.split('\n').findIndex((l) => l.trim().startsWith(`${key}:`));
        assert.ok(line >= 0, key);
        const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
          textDocument: { uri: uriOf(file) },
          position: { line, character: text.split('\n')[line].indexOf(key) + 1 },
        });
        return h?.contents.value ?? '';
      };
      const md = await at('replicaCount');
      assert.match(
        md,
        /^\*\*replicaCount\*\* differs between clusters: clusters\/production `3`, clusters\/staging `1`$/m,
        md,
      );
      assert.match(
        md,
        /^\| clusters\/production \| `3` \| components\/podinfo\/production\/podinfo-values\.yaml:7 \|$/m,
        md,
      );
      assert.match(
        md,
        /^\| clusters\/staging \| `1` \| components\/podinfo\/base\/podinfo\.yaml:\d+ \|$/m,
        md,
      );
      // Set in production's values only: not set on staging.
      const hpa = await at('enabled');
      assert.match(
        hpa,
        /^\*\*hpa\.enabled\*\* differs between clusters: clusters\/production `true`, clusters\/staging `not set`$/m,
        hpa,
      );
      const base = path.join(EXAMPLE, 'components/podinfo/base/podinfo.yaml');
      const baseText = fs.readFileSync(base, 'utf8');
      c.open(uriOf(base), baseText);
      const line = baseText.split('\n').findIndex((l) => l.trim() === 'className: nginx');
      const h = await c.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri: uriOf(base) },
        position: { line, character: baseText.split('\n')[line].indexOf('className') + 1 },
      });
      assert.match(
        h.contents.value,
        /^\*\*ingress\.className\*\* is the same on every cluster that gets it \(clusters\/production, clusters\/staging\)$/m,
        h.contents.value,
      );
    } finally {
      await c.shutdown();
    }
  });
});
