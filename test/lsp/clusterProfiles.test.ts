// fluxOverlays/listClusterProfiles on the example repository: the fleet's flux-runtime-info
// ConfigMaps (named by the clusters' Flux Kustomizations in postBuild.substituteFrom), and not
// the other YAML files under clusters/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(ROOT, 'examples/keos-apps');

describe('fluxOverlays/listClusterProfiles', () => {
  it('offers the cluster ConfigMaps that Flux substitutes from', async () => {
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(EXAMPLE);
      const r = await c.request<{
        profiles: { uri: string; name: string; variables: number; detail?: string }[];
      }>('fluxOverlays/listClusterProfiles', {});
      const rel = r.profiles.map((p) => path.relative(EXAMPLE, new URL(p.uri).pathname)).sort();
      assert.deepEqual(rel, [
        'clusters/production/flux-runtime-info.yaml',
        'clusters/staging/flux-runtime-info.yaml',
      ]);
      for (const p of r.profiles) {
        assert.equal(p.name, 'flux-runtime-info');
        assert.ok(p.variables >= 5, `${p.uri} has ${p.variables} variables`);
        assert.match(p.detail ?? '', /substituteFrom/);
      }
      assert.ok(r.profiles.every((p) => p.uri.startsWith(uriOf(EXAMPLE))));
    } finally {
      await c.shutdown();
    }
  });
});
