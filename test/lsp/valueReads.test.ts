// Values keys against the chart templates that read them, over the protocol: a workspace made
// here whose HelmRelease takes its chart from a folder of its GitRepository: the values-unread
// hint is published, hover lists the template line, Go to Definition goes there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient, uriOf } from './client';
import { helmRelease } from '../support/helmRelease';

const ROOT = path.resolve(__dirname, '../../..');

interface Diag {
  severity: number;
  message: string;
  code: string;
  range: { start: { line: number; character: number } };
}

const RELEASE = helmRelease({
  namespace: 'apps',
  chart: './charts/app',
  source: { kind: 'GitRepository', name: 'flux-system' },
  values: 'replicaCount: 2\nreplicaCont: 3\n',
});

const FILES: Record<string, string> = {
  'apps/app/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n',
  'apps/app/release.yaml': RELEASE,
  'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
  'charts/app/values.yaml': 'replicaCount: 1\n',
  'charts/app/templates/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n',
};

describe('values keys and the templates that read them (language server)', () => {
  let c: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-reads-'));
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    c = TestClient.ours(ROOT);
    await c.initialize(dir, { validation: { enable: true } });
  });
  after(() => {
    c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a hint on the key no template reads, hovers and goes to the template line of the one it reads', async () => {
    const file = path.join(dir, 'apps/app/release.yaml');
    const uri = uriOf(file);
    const n0 = c.notifications.length;
    c.open(uri, RELEASE);
    const d = (await c.diagnosticsFor(uri, n0, 20000, 1)).params as { diagnostics: Diag[] };
    const unread = d.diagnostics.filter((x) => x.code === 'values-unread');
    assert.deepEqual(
      unread.map((x) => [x.severity, x.range.start.line, x.range.start.character]),
      [[4, 15, 4]],
      JSON.stringify(d.diagnostics),
    );
    assert.match(unread[0].message, /`replicaCont`: no template of chart `app`/);

    const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 14, character: 8 },
    });
    assert.ok(h);
    assert.match(
      h.contents.value,
      /\*\*replicaCount\*\* is read by chart `app` at:\n\n- `app\/templates\/deploy\.yaml:6`/,
    );

    const defs = await c.request<{ uri: string; range: { start: { line: number } } }[]>(
      'textDocument/definition',
      { textDocument: { uri }, position: { line: 14, character: 8 } },
    );
    assert.deepEqual(
      defs.map((x) => [x.uri, x.range.start.line]),
      [[uriOf(path.join(dir, 'charts/app/templates/deploy.yaml')), 5]],
    );
  });
});
