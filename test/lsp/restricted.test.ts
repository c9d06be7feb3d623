// Restricted mode (an untrusted workspace): the server reads nothing outside the workspace
// folders, so a base that lives outside does not build, while a trusted workspace builds it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './client';
import { OUTSIDE_MARK, addChartEscapes, makeEscapeTree, makeLoopTree } from '../support/escapes';

const ROOT = path.resolve(__dirname, '../../..');

function layout(): { top: string; ws: string; overlay: string } {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-restricted-')));
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
    fs.writeFileSync(path.join(top, rel), text);
  };
  put('outside/base/kustomization.yaml', 'resources:\n  - cm.yaml\n');
  put(
    'outside/base/cm.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-outside\ndata:\n  secretish: outside-the-workspace\n',
  );
  put('ws/app/production/kustomization.yaml', 'resources:\n  - ../../../outside/base\n');
  return { top, ws: path.join(top, 'ws'), overlay: path.join(top, 'ws/app/production') };
}

interface Rendered {
  content: string;
  problems: { severity: string; message: string }[];
}

for (const trusted of [true, false]) {
  describe(`a base outside the workspace, ${trusted ? 'trusted' : 'restricted mode'}`, () => {
    it(trusted ? 'is read and built' : 'is not read', async () => {
      const { top, ws, overlay } = layout();
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(ws, {}, { trusted });
        const r = await c.request<Rendered>('fluxOverlays/renderOverlay', {
          uri: uriOf(overlay),
          overlay: 'production',
        });
        if (trusted) {
          assert.match(r.content, /name: from-outside/);
        } else {
          assert.doesNotMatch(r.content, /outside-the-workspace|from-outside/);
          assert.ok(
            r.problems.some((p) => p.severity === 'error'),
            JSON.stringify(r.problems),
          );
        }
      } finally {
        await c.shutdown();
        fs.rmSync(top, { recursive: true, force: true });
      }
    });
  });
}

// Symbolic links (issue 14): restricted mode reads nothing a link takes outside; trusted mode
// refuses file links out of the kustomization root as kustomize's RootOnly does.
describe('symbolic links out of the workspace', () => {
  for (const trusted of [false, true]) {
    it(`${trusted ? 'trusted' : 'restricted mode'}: generator files, linked folders and chart files are not read through them`, async () => {
      const t = makeEscapeTree();
      addChartEscapes(t);
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(t.ws, {}, { trusted });
        const render = (name: string) =>
          c.request<Rendered>('fluxOverlays/renderOverlay', {
            uri: uriOf(t.overlay(name)),
            overlay: 'production',
          });
        for (const name of ['generator-files', 'resource-in-linked-folder', 'patch-path']) {
          const r = await render(name);
          assert.ok(!r.content.includes(OUTSIDE_MARK), `${name}: ${r.content}`);
          assert.ok(
            r.problems.some((p) => p.severity === 'error'),
            `${name}: ${JSON.stringify(r.problems)}`,
          );
        }
        // kustomize loads a folder (a base) from anywhere: trusted reads it, restricted does not.
        const folder = await render('resource-folder');
        assert.equal(folder.content.includes(OUTSIDE_MARK), trusted, folder.content);
        assert.match((await render('inside-links')).content, /name: z/);
        const values = await c.request<Rendered>('fluxOverlays/effectiveValues', {
          uri: uriOf(t.overlay('chart-inner')),
          overlay: 'production',
        });
        assert.match(values.content, /mine: 1/);
        assert.ok(!values.content.includes(OUTSIDE_MARK), values.content);
      } finally {
        await c.shutdown();
        fs.rmSync(t.top, { recursive: true, force: true });
      }
    });
  }

  it('restricted mode: a workspace holding only a link to another folder lists none of it, and folder loops do not stall the first index', async () => {
    const t = makeEscapeTree([]);
    const loops = makeLoopTree();
    const c = TestClient.ours(ROOT);
    try {
      fs.mkdirSync(t.ws, { recursive: true });
      fs.symlinkSync(loops, path.join(t.ws, 'elsewhere'));
      fs.symlinkSync('.', path.join(t.ws, 'a'));
      fs.symlinkSync('.', path.join(t.ws, 'b'));
      await c.initialize(t.ws, {}, { trusted: false });
      const r = await c.request<{ components: unknown[] }>('fluxOverlays/listOverlays', {});
      assert.deepEqual(r.components, []);
    } finally {
      await c.shutdown();
      fs.rmSync(t.top, { recursive: true, force: true });
      fs.rmSync(loops, { recursive: true, force: true });
    }
  });

  it('a folder loop in the workspace: the component is listed once and its files indexed once', async () => {
    const top = makeLoopTree();
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(top, {}, { trusted: false });
      const r = await c.request<{ components: { name: string; overlays: { name: string }[] }[] }>(
        'fluxOverlays/listOverlays',
        {},
      );
      assert.deepEqual(
        r.components.map((x) => [x.name, x.overlays.map((o) => o.name)]),
        [['app', ['base', 'staging', 'production']]],
      );
      // (the walk that counts them goes on after the first answers: its line may come later)
      const isCount = (m: { method?: string; params?: unknown }) =>
        m.method === 'window/logMessage' &&
        /indexed \d+ YAML files/.test((m.params as { message: string }).message);
      const count = await c.waitFor(isCount, 10_000);
      assert.match((count.params as { message: string }).message, /indexed 5 YAML files/);
      const staging = await c.request<Rendered>('fluxOverlays/renderOverlay', {
        uri: uriOf(path.join(top, 'app/staging')),
        overlay: 'staging',
      });
      assert.ok(
        staging.problems.some((p) => /cycle detected/.test(p.message)),
        JSON.stringify(staging.problems),
      );
    } finally {
      await c.shutdown();
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
