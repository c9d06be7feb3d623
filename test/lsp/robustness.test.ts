// The server survives anything a user can type: a seeded run of random edits (deletions,
// insertions of YAML-significant characters, duplicated and truncated lines) on real files of
// the example repository, each followed by completion, hover, definition, symbols and a custom
// request at random positions. Every request must be answered (no crash, no hang) and the
// server must still work at the end.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');

let seed = Number(process.env.ROBUSTNESS_SEED ?? 20261126);
const STEPS = Number(process.env.ROBUSTNESS_STEPS ?? 150);
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const int = (n: number) => Math.floor(rnd() * n);
const SNIPPETS = [
  ':',
  ' ',
  '\n',
  '- ',
  '  ',
  '|',
  '>',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  '${',
  '#',
  '&a',
  '*a',
  '---\n',
  '\t',
  'key: value',
  '- name: x\n',
  '\u00e9',
  '!!str ',
];

function mutate(text: string): string {
  const lines = text.split('\n');
  switch (int(5)) {
    case 0: {
      const i = int(text.length + 1);
      return text.slice(0, i) + SNIPPETS[int(SNIPPETS.length)] + text.slice(i);
    }
    case 1: {
      const i = int(text.length + 1);
      return text.slice(0, i) + text.slice(i + 1 + int(8));
    }
    case 2: {
      const i = int(lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const i = int(lines.length);
      lines[i] = (lines[i] ?? '').slice(0, int((lines[i] ?? '').length + 1));
      return lines.join('\n');
    }
    default:
      return text.slice(0, int(text.length + 1));
  }
}

describe('robustness under random edits', () => {
  it('answers every request and keeps working', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-robust-'));
    fs.cpSync(path.join(ROOT, 'examples/keos-apps'), ws, { recursive: true });
    const files = [
      'components/discovery/base/kustomization.yaml',
      'components/discovery/base/helmrelease.yaml',
      'components/discovery/production/production-values.yaml',
      'components/podinfo/production/podinfo-values.yaml',
      'components/governance-agent/base/values.yaml',
      'components/postgres/production/pgcluster-patch.yaml',
    ].map((f) => path.join(ws, f));
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(ws);
      const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
      files.forEach((f, i) => c.open(uriOf(f), texts[i]));
      let version = 1;
      for (let step = 0; step < STEPS; step++) {
        const i = int(files.length);
        texts[i] = mutate(texts[i]);
        const uri = uriOf(files[i]);
        c.change(uri, texts[i], ++version);
        const lines = texts[i].split('\n');
        const line = int(lines.length);
        const position = { line, character: int((lines[line] ?? '').length + 2) };
        const doc = { textDocument: { uri }, position };
        const answers = await Promise.all([
          c.request('textDocument/completion', doc, 10000),
          c.request('textDocument/hover', doc, 10000),
          c.request('textDocument/definition', doc, 10000),
          c.request('textDocument/documentSymbol', { textDocument: { uri } }, 10000),
          c.request('fluxOverlays/effectiveValues', { uri, overlay: 'production' }, 10000),
        ]);
        assert.equal(answers.length, 5);
        // Now and then, back to the real text: the index must follow both ways.
        if (int(10) === 0) {
          texts[i] = fs.readFileSync(files[i], 'utf8');
          c.change(uri, texts[i], ++version);
        }
      }
      // Handlers catch their own failures (the server lives on), but none should fail at all.
      const failures = c.notifications.filter(
        (m) =>
          m.method === 'window/logMessage' &&
          /failed/.test(String((m.params as { message?: string }).message)),
      );
      assert.deepEqual(
        failures.map((m) =>
          (m.params as { message: string }).message.split('\n').slice(0, 3).join(' | '),
        ),
        [],
      );
      // Still alive and correct once the buffers are restored.
      files.forEach((f, i) => c.change(uriOf(f), fs.readFileSync(f, 'utf8'), ++version + i));
      const r = await c.request<{ content: string }>(
        'fluxOverlays/effectiveValues',
        { uri: uriOf(path.join(ws, 'components/discovery')), overlay: 'production' },
        20000,
      );
      assert.match(r.content, /replicaCount: 3/);
    } finally {
      await c.shutdown();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
