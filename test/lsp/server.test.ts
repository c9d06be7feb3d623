// Protocol-level tests: spawn `node out/server/src/server.js --stdio` and drive it as an editor
// does, on examples/keos-apps and on temp copies of corpus folders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(ROOT, 'examples/keos-apps');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

interface Diag {
  severity: number;
  message: string;
  code: string;
  range: { start: { line: number } };
  data?: unknown;
}
type DiagParams = { uri: string; diagnostics: Diag[] };

describe('language server over stdio on examples/keos-apps', () => {
  let c: TestClient;
  const podinfo = path.join(EXAMPLE, 'components/podinfo');
  before(async () => {
    c = TestClient.ours(ROOT);
    const init = (await c.initialize(EXAMPLE, { validation: { enable: true } })) as {
      capabilities: Record<string, unknown>;
    };
    assert.ok(
      init.capabilities.completionProvider &&
        init.capabilities.hoverProvider &&
        init.capabilities.definitionProvider,
    );
  });
  after(() => c.shutdown());

  it('publishes no errors for a valid file, then an error after a bad edit, then clears it', async () => {
    const file = path.join(podinfo, 'staging/podinfo-values.yaml');
    const uri = uriOf(file);
    const text = fs.readFileSync(file, 'utf8');
    const n0 = c.notifications.length;
    c.open(uri, text);
    const d0 = (await c.diagnosticsFor(uri, n0, 20000, 1)).params as DiagParams;
    assert.deepEqual(
      d0.diagnostics.filter((d) => d.severity <= 2),
      [],
    );
    const n1 = c.notifications.length;
    c.change(uri, text.replace('  values:', '  valuez:'), 2);
    const d1 = (await c.diagnosticsFor(uri, n1, 20000, 2)).params as DiagParams;
    assert.ok(
      d1.diagnostics.some(
        (d) => d.severity === 1 && d.code === 'schema-unknown-field' && d.range.start.line === 5,
      ),
      JSON.stringify(d1),
    );
    const actions = await c.request<{ title: string }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d1.diagnostics[0].range,
      context: { diagnostics: d1.diagnostics },
    });
    assert.ok(
      actions.some((a) => a.title === "Change to 'values'"),
      JSON.stringify(actions),
    );
    const n2 = c.notifications.length;
    c.change(uri, text, 3);
    const d2 = (await c.diagnosticsFor(uri, n2, 20000, 3)).params as DiagParams;
    assert.deepEqual(
      d2.diagnostics.filter((d) => d.severity <= 2),
      [],
    );
  });

  it('completes HelmRelease keys and values keys from the base layer', async () => {
    const file = path.join(podinfo, 'production/podinfo-values.yaml');
    const uri = uriOf(file);
    const text = fs
      .readFileSync(file, 'utf8')
      .replace('    replicaCount: 3\n', '    replicaCount: 3\n    \n');
    c.open(uri, text);
    const r = await c.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 7, character: 4 },
    });
    const labels = r.items.map((i) => i.label);
    assert.ok(labels.includes('ui'), labels.join());
    const r2 = await c.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 5, character: 2 },
    });
    assert.ok(
      r2.items.some((i) => i.label === 'interval'),
      r2.items.map((i) => i.label).join(),
    );
  });

  it('hovers a Helm value with its value in every overlay', async () => {
    const file = path.join(podinfo, 'staging/podinfo-values.yaml');
    const uri = uriOf(file);
    const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 7, character: 7 },
    });
    assert.ok(h, 'hover');
    assert.match(
      h.contents.value,
      /^\| staging \| `"#c77d1a"` \| this file, line 8 \|$/m,
      h.contents.value,
    );
    assert.match(
      h.contents.value,
      /^\| production \| `"#34577c"` \| inherited: components\/podinfo\/base\/podinfo\.yaml:36 \|$/m,
      h.contents.value,
    );
  });

  it('goes to definition of a resource path and a sourceRef', async () => {
    const k = path.join(podinfo, 'staging/kustomization.yaml');
    const defs = await c.request<{ uri: string }[]>('textDocument/definition', {
      textDocument: { uri: uriOf(k) },
      position: { line: 3, character: 6 },
    });
    assert.deepEqual(
      defs.map((d) => d.uri),
      [uriOf(path.join(podinfo, 'base/kustomization.yaml'))],
    );
    const rel = path.join(podinfo, 'base/podinfo.yaml');
    c.open(uriOf(rel), fs.readFileSync(rel, 'utf8'));
    const d2 = await c.request<{ uri: string; range: { start: { line: number } } }[]>(
      'textDocument/definition',
      { textDocument: { uri: uriOf(rel) }, position: { line: 22, character: 16 } },
    );
    assert.ok(
      d2.some((d) => d.uri === uriOf(rel) && d.range.start.line === 3),
      JSON.stringify(d2),
    );
  });

  it('answers the custom requests', async () => {
    const list = await c.request<{ components: { name: string; overlays: { name: string }[] }[] }>(
      'fluxOverlays/listOverlays',
      {},
    );
    const p = list.components.find((x) => x.name === 'components/podinfo');
    assert.deepEqual(
      p?.overlays.map((o) => o.name),
      ['base', 'staging', 'production'],
    );
    const ev = await c.request<{
      content: string;
      origins: { line: number; location: { uri: string } }[];
      release: string;
    }>('fluxOverlays/effectiveValues', { uri: uriOf(podinfo), overlay: 'production' });
    assert.equal(ev.release, 'podinfo');
    assert.match(ev.content, /replicaCount: 3/);
    assert.ok(ev.origins.some((o) => o.location.uri.endsWith('production/podinfo-values.yaml')));
    const ro = await c.request<{ content: string }>('fluxOverlays/renderOverlay', {
      uri: uriOf(podinfo),
      overlay: 'staging',
    });
    assert.match(ro.content, /kind: HelmRelease/);
    const pd = await c.request<{ problems: unknown[] }>('fluxOverlays/promotionDiff', {
      uri: uriOf(EXAMPLE),
      from: 'main',
      to: 'production',
    });
    assert.ok(pd.problems.length > 0);
  });

  it('gives code lenses, links and symbols', async () => {
    const k = uriOf(path.join(podinfo, 'staging/kustomization.yaml'));
    const lenses = await c.request<{ command: { command: string; title: string } }[]>(
      'textDocument/codeLens',
      { textDocument: { uri: k } },
    );
    assert.equal(lenses[0].command.command, 'fluxOverlays.previewProductionValues');
    const links = await c.request<unknown[]>('textDocument/documentLink', {
      textDocument: { uri: k },
    });
    assert.equal(links.length, 2);
    const syms = await c.request<{ name: string }[]>('textDocument/documentSymbol', {
      textDocument: { uri: uriOf(path.join(podinfo, 'base/podinfo.yaml')) },
    });
    assert.deepEqual(
      syms.map((s) => s.name),
      ['HelmRepository/podinfo', 'HelmRelease/podinfo'],
    );
  });

  it('survives a bad request', async () => {
    await c.request('textDocument/hover', {
      textDocument: { uri: 'file:///does/not/exist.yaml' },
      position: { line: 99, character: 99 },
    });
    const r = await c.request<unknown>('textDocument/completion', {
      textDocument: { uri: uriOf(path.join(podinfo, 'base/podinfo.yaml')) },
      position: { line: 0, character: 0 },
    });
    assert.ok(r);
  });
});

describe('validation.enable off', () => {
  it('publishes no schema diagnostics', async () => {
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(EXAMPLE, { validation: { enable: false } });
      const uri = uriOf(path.join(EXAMPLE, 'components/podinfo/staging/podinfo-values.yaml'));
      const n = c.notifications.length;
      c.open(uri, 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  valuez: 1\n');
      const d = (await c.diagnosticsFor(uri, n)).params as DiagParams;
      assert.deepEqual(d.diagnostics, []);
    } finally {
      await c.shutdown();
    }
  });
});

describe('fluxOverlays.clusterProfile', () => {
  it('warns on ${VAR} the selected profile does not set, and the quick fix of a values key typo', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-profile-'));
    const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
    const files: Record<string, string> = {
      'clusters/prod.yaml': 'CLUSTER: prod-1\n',
      'app/base/kustomization.yaml': `${K}resources:\n  - release.yaml\n`,
      'app/base/release.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: app\n      sourceRef:\n        kind: HelmRepository\n        name: repo\n  values:\n    replicaCount: 1\n',
      'app/production/kustomization.yaml': `${K}resources:\n  - ../base\npatches:\n  - path: patch.yaml\n`,
      'app/production/patch.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    replicaCuont: 2\n    host: ${CLUSTER}.${DOMAIN}\n',
    };
    for (const [f, t] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
      fs.writeFileSync(path.join(tmp, f), t);
    }
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(tmp, { clusterProfile: 'clusters/prod.yaml' });
      const uri = uriOf(path.join(tmp, 'app/production/patch.yaml'));
      const n = c.notifications.length;
      c.open(uri, files['app/production/patch.yaml']);
      const d = (await c.diagnosticsFor(uri, n)).params as DiagParams;
      const v = d.diagnostics.find((x) => x.code === 'substitute-unresolved');
      assert.ok(
        v &&
          v.severity === 2 &&
          v.range.start.line === 7 &&
          /\$\{DOMAIN\}.*clusters\/prod\.yaml/.test(v.message),
        JSON.stringify(d.diagnostics),
      );
      const typo = d.diagnostics.find((x) => x.code === 'values-key-typo');
      assert.ok(typo && typo.severity === 2, JSON.stringify(d.diagnostics));
      const actions = await c.request<{ title: string }[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: typo.range,
        context: { diagnostics: [typo] },
      });
      assert.deepEqual(
        actions.map((a) => a.title),
        ["Change to 'replicaCount'"],
      );
    } finally {
      await c.shutdown();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

const corpusPresent = fs.existsSync(CORPUS);

describe('corpus copies through the server', { skip: !corpusPresent && 'corpus absent' }, () => {
  it('opens a sample of files of a temp copy: no error diagnostics', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-lsp-'));
    for (const d of ['controlplaneio-fluxcd__d1-apps', 'fluxcd__flux2-kustomize-helm-example'])
      fs.cpSync(path.join(CORPUS, d), path.join(tmp, d), { recursive: true });
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(tmp);
      const files: string[] = [];
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (/\.ya?ml$/.test(e.name)) files.push(p);
        }
      };
      walk(tmp);
      for (const f of files) {
        const uri = uriOf(f);
        const n = c.notifications.length;
        c.open(uri, fs.readFileSync(f, 'utf8'));
        const d = (await c.diagnosticsFor(uri, n)).params as DiagParams;
        const bad = d.diagnostics.filter(
          (x) => x.severity <= 2 && x.code !== 'deprecated-api-version',
        );
        assert.deepEqual(bad, [], f);
      }
      // a hover and a completion on a copy
      const k = files.find((f) => f.endsWith('kustomization.yaml')) as string;
      const comp = await c.request<{ items: unknown[] }>('textDocument/completion', {
        textDocument: { uri: uriOf(k) },
        position: { line: 0, character: 0 },
      });
      assert.ok(comp.items.length > 0);
    } finally {
      await c.shutdown();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
