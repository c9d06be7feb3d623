// Requests the server must answer clearly (issue 14): positions past the end of a document are
// clamped to it, positions that are not positions and URIs that are not files of this machine
// get an error naming the field (they used to throw a TypeError inside the handler and answer
// an empty result), and an alias bomb in an open document is a diagnostic on the alias's line
// while every request keeps being answered.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient, uriOf } from './client';
import { helmRelease } from '../support/helmRelease';

const ROOT = path.resolve(__dirname, '../../..');

const RELEASE = helmRelease({ namespace: 'apps', values: 'replicaCount: 1\n' });

describe('request validation and limits', () => {
  let ws: string;
  let c: TestClient;
  let release: string;
  before(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-limits-'));
    const w = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), text);
    };
    w('components/app/base/kustomization.yaml', 'resources:\n- release.yaml\n');
    w('components/app/base/release.yaml', RELEASE);
    w('components/app/production/kustomization.yaml', 'resources:\n- ../base\n');
    release = uriOf(path.join(ws, 'components/app/base/release.yaml'));
    c = TestClient.ours(ROOT);
    await c.initialize(ws);
    c.open(release, RELEASE);
  });
  after(async () => {
    await c.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('clamps positions past the end of a line or of the document', async () => {
    // `  interval: 10m` is line 6; character 500 is past its end: hovered as at its end.
    const atEnd = await c.request('textDocument/hover', {
      textDocument: { uri: release },
      position: { line: 6, character: 15 },
    });
    const past = await c.request('textDocument/hover', {
      textDocument: { uri: release },
      position: { line: 6, character: 500 },
    });
    assert.ok(atEnd, 'no hover at the end of the interval line');
    assert.deepEqual(past, atEnd);
    const last = RELEASE.split('\n').length - 1;
    for (const method of [
      'textDocument/hover',
      'textDocument/completion',
      'textDocument/definition',
      'textDocument/references',
    ]) {
      const far = await c.request(method, {
        textDocument: { uri: release },
        position: { line: 1_000_000, character: 1_000_000 },
        context: { includeDeclaration: true },
      });
      const end = await c.request(method, {
        textDocument: { uri: release },
        position: { line: last, character: 0 },
        context: { includeDeclaration: true },
      });
      assert.deepEqual(far, end, method);
    }
    const actions = await c.request('textDocument/codeAction', {
      textDocument: { uri: release },
      range: { start: { line: 0, character: 0 }, end: { line: 99_999, character: 3 } },
      context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(actions));
  });

  it('answers an error naming the field for positions that are not positions', async () => {
    for (const [position, field] of [
      [{ line: -1, character: 0 }, /position\.line must be an integer >= 0 \(got -1\)/],
      [{ line: 1.5, character: 0 }, /position\.line must be an integer >= 0/],
      [{ line: 0, character: 'x' }, /position\.character must be an integer >= 0 \(got "x"\)/],
      [null, /position must be \{ line, character \}/],
    ] as const) {
      await assert.rejects(
        c.request('textDocument/hover', { textDocument: { uri: release }, position }),
        field,
      );
    }
  });

  it('answers an error for URIs that are not files of this machine, standard and custom requests alike', async () => {
    const hostUri = 'file://otherhost/components/app/base/release.yaml';
    await assert.rejects(
      c.request('textDocument/hover', {
        textDocument: { uri: hostUri },
        position: { line: 0, character: 0 },
      }),
      /hover: textDocument\.uri: unsupported URI 'file:\/\/otherhost\/.*naming a host \(otherhost\)/,
    );
    await assert.rejects(
      c.request('textDocument/documentSymbol', {
        textDocument: { uri: 'http://example.invalid/x.yaml' },
      }),
      /only file: URIs are served/,
    );
    await assert.rejects(
      c.request('textDocument/completion', {
        textDocument: { uri: 'not a uri' },
        position: { line: 0, character: 0 },
      }),
      /invalid URI 'not a uri'/,
    );
    await assert.rejects(
      c.request('fluxOverlays/renderOverlay', { uri: hostUri, overlay: 'production' }),
      /renderOverlay: uri: unsupported URI/,
    );
    await assert.rejects(
      c.request('fluxOverlays/listOverlays', { uri: 'file://h/x' }),
      /listOverlays: uri:/,
    );
    // file://localhost/ is this machine.
    const local = release.replace('file://', 'file://localhost');
    assert.ok(await c.request('textDocument/documentSymbol', { textDocument: { uri: local } }));
    // And the server still works.
    assert.ok(
      await c.request('textDocument/hover', {
        textDocument: { uri: release },
        position: { line: 6, character: 4 },
      }),
    );
  });

  it('an alias bomb in an open document is a diagnostic on the alias line, and requests stay answered', async () => {
    const levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++)
      levels.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    const text = RELEASE + levels.map((l) => `    ${l}`).join('\n') + '\n';
    const since = c.notifications.length;
    c.change(release, text, 2);
    const d = await c.diagnosticsFor(release, since);
    const diags = (
      d.params as {
        diagnostics: { code: string; range: { start: { line: number } }; message: string }[];
      }
    ).diagnostics;
    const bomb = diags.find((x) => x.code === 'yaml-alias-bomb');
    assert.ok(bomb, JSON.stringify(diags));
    assert.match(text.split('\n')[bomb.range.start.line], /a3: &a3 \[\*a2/);
    const h = await c.request(
      'textDocument/hover',
      { textDocument: { uri: release }, position: { line: 6, character: 4 } },
      10000,
    );
    assert.ok(h);
    const r = await c.request<{ problems: { message: string }[] }>(
      'fluxOverlays/renderOverlay',
      { uri: uriOf(path.join(ws, 'components/app')), overlay: 'production' },
      20000,
    );
    assert.ok(
      r.problems.some((p) => /excessive aliasing/.test(p.message)),
      JSON.stringify(r.problems),
    );
  });
});
