// The server on real layouts made at test time from ../shared/corpus (test/support/layouts.ts):
// an app-per-folder layout with namePrefix (releases paired across overlays, the file's own
// release), the keos multi-root workspace (a cluster profile and promotion target from a folder
// other than the first), keos-apps's overlay `S` (code lens names its action). Issue 9.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import {
  KEOS_APPS,
  KEOS_PROMOTION,
  copyCorpus,
  layoutsMissing,
  makeAppPerFolder,
  makeKeosMultiRoot,
  moveOverrideToServices,
} from '../support/layouts';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');
const missing = layoutsMissing();

interface Release {
  name: string;
  namespace?: string;
  key?: string;
  fedByFile?: boolean;
}
interface Listed {
  components: {
    name: string;
    uri: string;
    root?: string;
    overlays: { name: string; releases: Release[]; differsFromPromotionTarget?: boolean }[];
  }[];
}
interface Rendered {
  content: string;
  problems: { severity: string; message: string }[];
  release?: string;
}

async function initialize(c: TestClient, folders: string[], settings: unknown = {}): Promise<void> {
  c.settings = settings;
  await c.request('initialize', {
    processId: process.pid,
    rootUri: uriOf(folders[0]),
    workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { trusted: true },
  });
  c.notify('initialized', {});
}

describe(
  'app-per-folder layout with namePrefix (from flux2-kustomize-helm-example)',
  { skip: missing },
  () => {
    let tmp: string;
    let dir: string;
    let c: TestClient;
    before(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-apf-'));
      dir = fs.realpathSync(makeAppPerFolder(path.join(tmp, 'flux2-example')));
      c = TestClient.ours(ROOT);
      await initialize(c, [dir]);
    });
    after(async () => {
      await c.shutdown();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('a values file names its own release, and the same release has the same key in every overlay', async () => {
      const file = path.join(dir, 'apps/staging/podinfo/values.yaml');
      const r = await c.request<Listed>('fluxOverlays/listOverlays', { uri: uriOf(file) });
      assert.equal(r.components.length, 1);
      const [comp] = r.components;
      assert.equal(comp.name, 'apps');
      assert.equal(comp.root, uriOf(dir));
      const staging = comp.overlays.find((o) => o.name === 'staging')!;
      const production = comp.overlays.find((o) => o.name === 'production')!;
      assert.deepEqual(
        staging.releases.map((x) => [x.name, x.fedByFile ?? false]),
        [
          ['staging-aaa-cache', false],
          ['staging-podinfo', true],
        ],
      );
      assert.deepEqual(
        production.releases.map((x) => [x.name, x.fedByFile ?? false]),
        [
          ['aaa-cache', false],
          ['podinfo', false],
        ],
      );
      const key = (o: typeof staging, n: string) => o.releases.find((x) => x.name === n)!.key;
      assert.ok(key(staging, 'staging-podinfo'));
      assert.equal(key(staging, 'staging-podinfo'), key(production, 'podinfo'));
      assert.equal(key(staging, 'staging-aaa-cache'), key(production, 'aaa-cache'));
      assert.notEqual(key(production, 'podinfo'), key(production, 'aaa-cache'));
      // The base file of a release feeds it in every overlay, and nothing else.
      const base = await c.request<Listed>('fluxOverlays/listOverlays', {
        uri: uriOf(path.join(dir, 'apps/base/podinfo/release.yaml')),
      });
      assert.deepEqual(
        base.components[0].overlays.map((o) => [
          o.name,
          o.releases.filter((x) => x.fedByFile).map((x) => x.name),
        ]),
        [
          ['staging', ['staging-podinfo']],
          ['production', ['podinfo']],
        ],
      );
    });

    it('hover on a values key lists every overlay, staging-podinfo included, with where each value comes from', async () => {
      const file = path.join(dir, 'apps/staging/podinfo/values.yaml');
      const text = fs.readFileSync(file, 'utf8');
      const line = text.split('\n').findIndex((l) => l.trim() === 'hostnames:');
      c.open(uriOf(file), text);
      const h = await c.request<{ contents: { value: string } }>('textDocument/hover', {
        textDocument: { uri: uriOf(file) },
        position: { line, character: text.split('\n')[line].indexOf('hostnames') + 2 },
      });
      const md = h.contents.value;
      assert.match(md, /in release `staging-podinfo` \/ `podinfo`/, md);
      assert.match(md, /^\| staging \| `\[1 item\]` \| this file, line \d+ \|$/m, md);
      assert.match(
        md,
        /^\| production \| `\[1 item\]` \| apps\/production\/podinfo\/values\.yaml:\d+ \|$/m,
        md,
      );
    });

    it('effective values of the paired releases are the same release (hostnames of podinfo on both sides)', async () => {
      const file = path.join(dir, 'apps/staging/podinfo/values.yaml');
      const s = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(file),
        overlay: 'staging',
        release: 'staging-podinfo',
      });
      const p = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(file),
        overlay: 'production',
        release: 'podinfo',
      });
      assert.match(s.content, /- podinfo\.staging$/m);
      assert.match(p.content, /- podinfo\.production$/m);
    });
  },
);

describe(
  'app-per-folder layout: one YAML syntax mistake, one diagnostic',
  { skip: missing },
  () => {
    it('a mis-indented line in a values patch gives one diagnostic on that line (no parser echo, no schema or build cascade)', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-apf12-'));
      const c = TestClient.ours(ROOT);
      try {
        const dir = fs.realpathSync(makeAppPerFolder(path.join(tmp, 'flux2-example')));
        await initialize(c, [dir]);
        const file = path.join(dir, 'apps/staging/podinfo/values.yaml');
        const text = fs
          .readFileSync(file, 'utf8')
          .replace('  test:\n    enable: false\n', '  test:\n    enable: false\n   bad: [\n');
        const badLine = text.split('\n').findIndex((l) => l === '   bad: [');
        assert.ok(badLine > 0);
        // The same mistake on disk too, so the builds that read the file see it.
        fs.writeFileSync(file, text);
        c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 2 }] });
        c.open(uriOf(file), text);
        const m = await c.waitFor(
          (n) =>
            n.method === 'textDocument/publishDiagnostics' &&
            (n.params as { uri: string; diagnostics: unknown[] }).uri === uriOf(file) &&
            (n.params as { diagnostics: unknown[] }).diagnostics.length > 0,
        );
        const diags = (
          m.params as {
            diagnostics: { range: { start: { line: number } }; message: string; code?: string }[];
          }
        ).diagnostics;
        assert.deepEqual(
          diags.map((d) => [d.range.start.line, d.code]),
          [[badLine, 'yaml-syntax']],
          JSON.stringify(diags.map((d) => d.message)),
        );
      } finally {
        await c.shutdown();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  },
);

describe(
  'app-per-folder layout: values-key typo check (the base folder has no kustomization of its own)',
  { skip: missing },
  () => {
    it('a misspelt values key in apps/staging/podinfo/values.yaml is flagged against apps/base/podinfo', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-apf8-'));
      const c = TestClient.ours(ROOT);
      try {
        const dir = fs.realpathSync(makeAppPerFolder(path.join(tmp, 'flux2-example')));
        await initialize(c, [dir], { diagnostics: { scope: 'openFiles' } });
        const file = path.join(dir, 'apps/staging/podinfo/values.yaml');
        const text = fs.readFileSync(file, 'utf8').replace('    httpRoute:\n', '    httpRoutes:\n');
        const line = text.split('\n').indexOf('    httpRoutes:');
        assert.ok(line > 0);
        c.open(uriOf(file), text);
        const m = await c.diagnosticsFor(uriOf(file));
        const diags = (
          m.params as {
            diagnostics: { range: { start: { line: number } }; message: string; code?: string }[];
          }
        ).diagnostics;
        const typo = diags.filter((d) => d.code === 'values-key-typo');
        assert.deepEqual(
          typo.map((d) => d.range.start.line),
          [line],
          JSON.stringify(diags),
        );
        assert.match(typo[0].message, /typo of `httpRoute`\?/);
      } finally {
        await c.shutdown();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  },
);

describe('keos multi-root workspace (fleet, apps, system-services)', { skip: missing }, () => {
  let tmp: string;
  let ws: ReturnType<typeof makeKeosMultiRoot>;
  let c: TestClient;
  before(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-keos-mr-')));
    ws = makeKeosMultiRoot(tmp);
    c = TestClient.ours(ROOT);
    // Fleet first: the apps repository is not the first folder. The profile as VS Code's
    // asRelativePath writes a multi-root path ("<folder>/...").
    await initialize(c, [ws.fleet, ws.apps, ws.services], {
      clusterProfile: 'keos-fleet/clusters/eosdev2/default/flux-system/runtime-info.yaml',
    });
  });
  after(async () => {
    await c.shutdown();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a cluster profile of another folder substitutes ${VAR} in the apps folder (also as a file URI)', async () => {
    const comp = path.join(ws.apps, KEOS_PROMOTION.changed);
    const r = await c.request<Rendered>('fluxOverlays/effectiveValues', {
      uri: uriOf(comp),
      overlay: 'S',
    });
    assert.deepEqual(
      r.problems.filter((p) => /not found|cannot read|no such/i.test(p.message)),
      [],
    );
    assert.match(r.content, /image: qa\.int\.stratio\.com:11443\/stratio\/connectors/);
    const byUri = await c.request<Rendered>('fluxOverlays/effectiveValues', {
      uri: uriOf(comp),
      overlay: 'S',
      clusterProfile: uriOf(
        path.join(ws.fleet, 'clusters/eosdev2/default/flux-system/runtime-info.yaml'),
      ),
    });
    assert.match(byUri.content, /image: qa\.int\.stratio\.com:11443\/stratio\/connectors/);
  });

  it('the components of every folder are listed with their folder, and the apps folder is its own repository for the tree badge and promotion', async () => {
    const r = await c.request<Listed>('fluxOverlays/listOverlays', {});
    const roots = new Set(r.components.map((x) => x.root));
    assert.ok(roots.has(uriOf(ws.apps)) && roots.has(uriOf(ws.services)), [...roots].join(', '));
    // listOverlays computes the badge within a time budget: ask until every S overlay is known.
    let changed: Listed['components'][number] | undefined;
    for (let i = 0; i < 50; i++) {
      const again = await c.request<Listed>('fluxOverlays/listOverlays', {});
      changed = again.components.find(
        (x) => x.uri === uriOf(path.join(ws.apps, KEOS_PROMOTION.changed)),
      );
      if (changed?.overlays.find((o) => o.name === 'S')?.differsFromPromotionTarget !== undefined)
        break;
    }
    assert.equal(changed?.overlays.find((o) => o.name === 'S')?.differsFromPromotionTarget, true);
    const pd = await c.request<{
      changes: { component: string; overlay: string; status?: string }[];
    }>('fluxOverlays/promotionDiff', { uri: uriOf(ws.apps), from: 'main', to: 'production' });
    assert.deepEqual(
      pd.changes.map((x) => [x.component, x.overlay, x.status]),
      [
        [KEOS_PROMOTION.changed, 'S', undefined],
        [KEOS_PROMOTION.added, 'S', 'added'],
      ],
    );
  });

  it('a SOPS-encrypted Secret of the fleet renders with a one-line marker instead of its sops: block', async () => {
    const dir = path.join(ws.fleet, 'clusters/eosdev2/secrets/dg-s3-agent');
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - secret.yaml\n',
    );
    c.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(path.join(dir, 'kustomization.yaml')), type: 1 }],
    });
    const r = await c.request<Rendered>('fluxOverlays/renderOverlay', {
      uri: uriOf(dir),
      overlay: 'dg-s3-agent',
    });
    assert.match(r.content, /^kind: Secret$/m, JSON.stringify(r.problems));
    assert.match(r.content, /^sops: "<encrypted with SOPS \(pgp\): metadata hidden>"$/m, r.content);
    assert.doesNotMatch(r.content, /BEGIN PGP MESSAGE|lastmodified|ENC\[/);
  });

  it('the code lens on a keos values file names its action with the overlay S', async () => {
    const file = path.join(ws.apps, KEOS_PROMOTION.changed, 'base/values.yaml');
    const lenses = await c.request<{ command: { title: string; command: string } }[]>(
      'textDocument/codeLens',
      { textDocument: { uri: uriOf(file) } },
    );
    assert.deepEqual(
      lenses.map((l) => l.command.title),
      ['Preview effective values (S)'],
    );
  });
});

describe('workspace diagnostics on keos-apps (no file open)', { skip: missing }, () => {
  interface Published {
    uri: string;
    diagnostics: { range: { start: { line: number } }; code?: string; severity?: number }[];
  }
  let tmp: string;
  let dir: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-wsdiag-'));
    dir = fs.realpathSync(copyCorpus(KEOS_APPS, path.join(tmp, 'keos-apps')));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('what `flux-overlays check` reports is published at startup, for closed files', async () => {
    const cli = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin/flux-overlays.js'), 'check', '--format', 'json'],
      { cwd: dir, encoding: 'utf8' },
    );
    const report = JSON.parse(cli.stdout) as {
      diagnostics: { file: string; line: number; code: string; severity: string }[];
    };
    const expected = report.diagnostics
      .filter((d) => d.severity === 'error' || d.severity === 'warning')
      .map((d) => `${d.file}:${d.line}:${d.code}`)
      .sort();
    assert.ok(expected.length > 0, 'keos-apps has findings (deprecated apiVersions)');
    const c = TestClient.ours(ROOT);
    try {
      await initialize(c, [dir]);
      const files = new Set(expected.map((e) => e.split(':')[0]));
      const latest = new Map<string, Published>();
      await c.waitFor((m) => {
        if (m.method !== 'textDocument/publishDiagnostics') return false;
        const p = m.params as Published;
        latest.set(path.relative(dir, new URL(p.uri).pathname), p);
        return [...files].every((f) => latest.has(f));
      }, 60_000);
      const got = [...latest]
        .flatMap(([f, p]) =>
          p.diagnostics
            .filter((d) => d.severity === 1 || d.severity === 2)
            .map((d) => `${f}:${d.range.start.line + 1}:${d.code}`),
        )
        .sort();
      assert.deepEqual(got, expected);
    } finally {
      await c.shutdown();
    }
  });

  it('with fluxOverlays.diagnostics.scope "openFiles" only the open file gets diagnostics', async () => {
    const c = TestClient.ours(ROOT);
    try {
      await initialize(c, [dir], { diagnostics: { scope: 'openFiles' } });
      const file = path.join(dir, 'components/connectors-management/base/sync.yaml');
      await c.request('fluxOverlays/listOverlays', {}); // answered once indexed
      c.open(uriOf(file), fs.readFileSync(file, 'utf8'));
      await c.diagnosticsFor(uriOf(file));
      const others = c.notifications.filter(
        (m) =>
          m.method === 'textDocument/publishDiagnostics' &&
          (m.params as Published).uri !== uriOf(file),
      );
      assert.deepEqual(
        others.map((m) => (m.params as Published).uri),
        [],
      );
    } finally {
      await c.shutdown();
    }
  });
});

describe(
  'cross-repo values: keos-system-services open as another workspace folder',
  { skip: missing },
  () => {
    interface Diag {
      range: { start: { line: number } };
      code?: string;
      message: string;
    }
    it('its ConfigMaps feed valuesFrom without configuration; with it not open, the valuesFrom entry has a warning naming fluxOverlays.extraRoots', async () => {
      const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-xrepo-')));
      const ws = makeKeosMultiRoot(tmp);
      const moved = moveOverrideToServices(ws.apps, ws.services);
      const comp = path.join(ws.apps, KEOS_PROMOTION.changed);
      const both = TestClient.ours(ROOT);
      const alone = TestClient.ours(ROOT);
      try {
        await initialize(both, [ws.apps, ws.services], { diagnostics: { scope: 'openFiles' } });
        const r = await both.request<Rendered>('fluxOverlays/effectiveValues', {
          uri: uriOf(comp),
          overlay: 'S',
        });
        assert.match(r.content, new RegExp(`^releasePrefix: ${moved.value}$`, 'm'));
        assert.deepEqual(
          r.problems.filter((p) => /not in this build/.test(p.message)),
          [],
        );
        both.open(uriOf(moved.syncFile), fs.readFileSync(moved.syncFile, 'utf8'));
        const d1 = (await both.diagnosticsFor(uriOf(moved.syncFile))).params as {
          diagnostics: Diag[];
        };
        assert.deepEqual(
          d1.diagnostics.filter(
            (d) => d.code === 'values-ref-missing' || d.code === 'reference-typo',
          ),
          [],
        );

        await initialize(alone, [ws.apps], { diagnostics: { scope: 'openFiles' } });
        alone.open(uriOf(moved.syncFile), fs.readFileSync(moved.syncFile, 'utf8'));
        const d2 = (await alone.diagnosticsFor(uriOf(moved.syncFile))).params as {
          diagnostics: Diag[];
        };
        // (connectors-next's override has a near name: the warning is then a typo suggestion)
        const missingRef = d2.diagnostics.filter(
          (d) => d.code === 'values-ref-missing' || d.code === 'reference-typo',
        );
        assert.deepEqual(
          missingRef.map((d) => d.range.start.line),
          [moved.entryLine],
          JSON.stringify(d2.diagnostics),
        );
        assert.match(missingRef[0].message, /fluxOverlays\.extraRoots/);
      } finally {
        await both.shutdown();
        await alone.shutdown();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  },
);

describe(
  "fluxOverlays.extraRoots set in a workspace folder's own settings",
  { skip: missing },
  () => {
    it('a relative entry resolves in that folder, not in the first folder where the path exists', async () => {
      const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-extraroots-')));
      const ws = makeKeosMultiRoot(tmp);
      const moved = moveOverrideToServices(ws.apps, ws.services);
      // keos-apps and its keos-system-services live in deep/; beside the first folder (the fleet)
      // a decoy keos-system-services holds the same ConfigMap with another value.
      const deep = path.join(tmp, 'deep');
      fs.mkdirSync(deep);
      const apps = path.join(deep, 'keos-apps');
      fs.renameSync(ws.apps, apps);
      fs.cpSync(ws.services, path.join(deep, 'keos-system-services'), { recursive: true });
      const decoy = path.join(
        ws.services,
        'components/connectors-management/configs/base/values.yaml',
      );
      fs.writeFileSync(
        decoy,
        fs.readFileSync(decoy, 'utf8').replace(moved.value, 'decoy-beside-the-first-folder'),
      );
      const c = TestClient.ours(ROOT);
      try {
        const ownSettings = { extraRoots: ['../keos-system-services'] };
        c.settingsFor = (item) => {
          const inApps = item.scopeUri === uriOf(apps);
          if (item.section === 'fluxOverlays.extraRoots')
            return inApps ? ownSettings.extraRoots : [];
          return { diagnostics: { scope: 'openFiles' } };
        };
        await initialize(c, [ws.fleet, apps], {});
        const r = await c.request<Rendered>('fluxOverlays/effectiveValues', {
          uri: uriOf(path.join(apps, KEOS_PROMOTION.changed)),
          overlay: 'S',
        });
        assert.match(
          r.content,
          new RegExp(`^releasePrefix: ${moved.value}$`, 'm'),
          r.content
            .split('\n')
            .filter((l) => l.startsWith('releasePrefix'))
            .join(),
        );
      } finally {
        await c.shutdown();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  },
);
