// Charts in the language server over the example repository, with the test client's default
// settings (test/lsp/client.ts: `charts.fetch: never` unless a test sets it): discovery's chart
// comes from the repository itself (charts/discovery, GitRepository keos-apps), its defaults
// and docs are there; the charts of HelmRepository releases, whose hosts exist nowhere, are not
// looked up: nothing is fetched or written to the chart cache.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(ROOT, 'examples/keos-apps');

interface Rendered {
  content: string;
  origins: { line: number; location: { uri: string }; layer: string }[];
  problems: { severity: string; message: string; code?: string }[];
}

describe('charts over the example repository, default test settings', () => {
  it('reads the example chart from the repository and fetches nothing', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-charts-'));
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(EXAMPLE, { charts: { cacheDir: cache } });
      const discovery = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(path.join(EXAMPLE, 'components/discovery/base/base-values.yaml')),
        overlay: 'production',
      });
      assert.deepEqual(discovery.problems, []);
      const lines = discovery.content.split('\n');
      const tolerations = lines.findIndex((l) => l === 'tolerations: []');
      assert.ok(tolerations >= 0, discovery.content);
      const origin = discovery.origins.find((o) => o.line === tolerations);
      assert.equal(
        origin?.location.uri,
        uriOf(path.join(EXAMPLE, 'charts/discovery/values.yaml')),
        JSON.stringify(origin),
      );
      assert.match(origin?.layer ?? '', /^chart default/);

      // podinfo's chart is in a HelmRepository at a host that exists nowhere: not looked up
      // The first answer may come before the chart service has looked in the cache (it looks in
      // the background and the server refreshes); ask until it has, as a preview refresh would.
      let podinfo: Rendered;
      let chart: Rendered['problems'];
      for (let attempt = 0; ; attempt++) {
        podinfo = await c.request<Rendered>('fluxOverlays/effectiveValues', {
          uri: uriOf(path.join(EXAMPLE, 'components/podinfo/production/podinfo-values.yaml')),
          overlay: 'production',
        });
        chart = podinfo.problems.filter((p) => /chart podinfo/.test(p.message));
        if (attempt >= 50 || chart.some((p) => /fetching is off/.test(p.message))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(chart.length, 1, JSON.stringify(podinfo.problems));
      assert.equal(chart[0].severity, 'info');
      assert.match(chart[0].message, /not available offline: .*fetching is off/);
      assert.deepEqual(
        podinfo.problems.filter((p) =>
          /host not found|ENOTFOUND|EAI_AGAIN|timed out/.test(p.message),
        ),
        [],
        'no lookup attempted',
      );
      assert.deepEqual(fs.readdirSync(cache), [], 'nothing written to the chart cache');
    } finally {
      await c.shutdown();
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
