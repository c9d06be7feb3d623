// Restricted mode (an untrusted workspace): the server reads nothing outside the workspace
// folders, so a base that lives outside does not build, while a trusted workspace builds it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');

function layout(): { top: string; ws: string; overlay: string } {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-restricted-')));
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
    fs.writeFileSync(path.join(top, rel), text);
  };
  put('outside/base/kustomization.yaml', 'resources:\n  - cm.yaml\n');
  put('outside/base/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-outside\ndata:\n  secretish: outside-the-workspace\n');
  put('ws/app/production/kustomization.yaml', 'resources:\n  - ../../../outside/base\n');
  return { top, ws: path.join(top, 'ws'), overlay: path.join(top, 'ws/app/production') };
}

interface Rendered { content: string; problems: { severity: string; message: string }[] }

for (const trusted of [true, false]) {
  describe(`a base outside the workspace, ${trusted ? 'trusted' : 'restricted mode'}`, () => {
    it(trusted ? 'is read and built' : 'is not read', async () => {
      const { top, ws, overlay } = layout();
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(ws, {}, { trusted });
        const r = await c.request<Rendered>('fluxOverlays/renderOverlay', { uri: uriOf(overlay), overlay: 'production' });
        if (trusted) {
          assert.match(r.content, /name: from-outside/);
        } else {
          assert.doesNotMatch(r.content, /outside-the-workspace|from-outside/);
          assert.ok(r.problems.some((p) => p.severity === 'error'), JSON.stringify(r.problems));
        }
      } finally {
        await c.shutdown();
        fs.rmSync(top, { recursive: true, force: true });
      }
    });
  });
}
