// The git engine through the server: fluxOverlays/promotionDiff and the `promotion` source of
// effectiveValues/renderOverlay on a real repository made in /tmp (branches production and main
// with known changes), checking the answers and that work tree, index, HEAD and refs are
// untouched; refused in restricted mode. Also fluxOverlays.extraRoots (values from a ConfigMap
// another repository builds).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEOS_PROMOTION, layoutsMissing, makeKeosAppsRepo } from '../support/layouts';
import { makeChartPromotionRepo, makePromotionRepo, snapshot, write } from '../unit/git/repo';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');

interface Rendered {
  content: string;
  problems: { severity: string; message: string }[];
  origins: { location: { uri: string } }[];
  release?: string;
}
interface Changes {
  changes: {
    component: string;
    uri: string;
    overlay: string;
    release?: string;
    changed: string[];
    status?: string;
  }[];
  problems: { severity: string; message: string }[];
}

describe('promotion over git objects', () => {
  let dir: string;
  let c: TestClient;
  let snap: string;
  before(async () => {
    dir = makePromotionRepo();
    snap = snapshot(dir);
    c = TestClient.ours(ROOT);
    await c.initialize(dir);
  });
  after(async () => {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fluxOverlays/promotionDiff lists the changed components, repository untouched', async () => {
    const r = await c.request<Changes>('fluxOverlays/promotionDiff', {
      uri: uriOf(dir),
      from: 'main',
      to: 'production',
      overlay: 'production',
    });
    const real = fs.realpathSync(dir);
    assert.deepEqual(
      r.changes.map((x) => [x.component, x.overlay, x.release, x.changed]),
      [
        ['components/legacy', 'production', 'legacy', ['values', 'manifests']],
        ['components/newapp', 'production', 'newapp', ['values', 'manifests']],
        ['components/podinfo', 'production', 'podinfo', ['values', 'manifests']],
      ],
    );
    assert.equal(r.changes[2].uri, uriOf(path.join(real, 'components/podinfo')));
    assert.ok(
      r.problems.some(
        (p) =>
          p.severity === 'info' &&
          /components\/redis is renamed to components\/redis-cache/.test(p.message),
      ),
      JSON.stringify(r.problems),
    );
    assert.equal(snapshot(dir), snap);
  });

  it('effectiveValues and renderOverlay with a promotion source: before = production, after = main merged', async () => {
    const podinfo = path.join(fs.realpathSync(dir), 'components/podinfo');
    const side = (s: 'before' | 'after') => ({
      kind: 'promotion',
      from: 'main',
      to: 'production',
      side: s,
    });
    const b = await c.request<Rendered>('fluxOverlays/effectiveValues', {
      uri: uriOf(podinfo),
      overlay: 'production',
      source: side('before'),
    });
    const a = await c.request<Rendered>('fluxOverlays/effectiveValues', {
      uri: uriOf(podinfo),
      overlay: 'production',
      source: side('after'),
    });
    assert.deepEqual(
      b.problems.filter((p) => p.severity !== 'info'),
      [],
    );
    assert.equal(b.release, 'podinfo');
    assert.match(b.content, /^replicaCount: 2$/m);
    assert.match(b.content, /tag: "1\.0"/);
    assert.match(a.content, /^replicaCount: 3$/m);
    assert.match(a.content, /tag: "1\.1"/);
    assert.ok(
      a.origins.some((o) => o.location.uri.endsWith('components/podinfo/production/values.yaml')),
    );
    // the work tree is on main with the same values as `after`, but `before` must come from git
    const newapp = path.join(fs.realpathSync(dir), 'components/newapp');
    const nb = await c.request<Rendered>('fluxOverlays/renderOverlay', {
      uri: uriOf(newapp),
      overlay: 'production',
      source: side('before'),
    });
    assert.equal(nb.content, '');
    assert.match(
      nb.problems[0].message,
      /^new with this promotion: components\/newapp has no overlay 'production' on production yet$/,
    );
    assert.equal(nb.problems[0].severity, 'info'); // the change itself, not an error
    const na = await c.request<Rendered>('fluxOverlays/renderOverlay', {
      uri: uriOf(newapp),
      overlay: 'production',
      source: side('after'),
    });
    assert.match(na.content, /kind: HelmRelease/);
    const bad = await c.request<Rendered>('fluxOverlays/effectiveValues', {
      uri: uriOf(podinfo),
      overlay: 'production',
      source: { kind: 'promotion', from: 'nope', to: 'production', side: 'after' },
    });
    assert.match(bad.problems[0].message, /no branch, tag or commit named 'nope'/);
    assert.equal(snapshot(dir), snap);
  });
});

describe('overlays that differ from the promotion target branch', () => {
  it('listOverlays marks them from git objects (default target: production), repository untouched', async () => {
    const dir = makePromotionRepo();
    const snap = snapshot(dir);
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(dir);
      // Each call does a bounded amount of new work (about 150 ms), so on a slow machine the marks
      // fill in over several calls, as over the tree's refreshes: ask until every one is known.
      const flags = new Map<string, boolean | undefined>();
      for (let attempt = 0; attempt < 100; attempt++) {
        const r = await c.request<{
          components: {
            name: string;
            overlays: { name: string; differsFromPromotionTarget?: boolean }[];
          }[];
        }>('fluxOverlays/listOverlays', {});
        flags.clear();
        for (const comp of r.components)
          for (const o of comp.overlays)
            flags.set(`${comp.name}/${o.name}`, o.differsFromPromotionTarget);
        if (![...flags.values()].includes(undefined)) break;
      }
      // main changed podinfo's production values; newapp and the renamed redis-cache do not exist on production.
      assert.equal(flags.get('components/podinfo/production'), true);
      assert.equal(flags.get('components/podinfo/base'), false);
      assert.equal(flags.get('components/newapp/production'), true);
      assert.equal(flags.get('components/redis-cache/base'), true);
      for (const [k, v] of flags) if (k.startsWith('components/cache/')) assert.equal(v, false, k);
      assert.equal(snapshot(dir), snap);
    } finally {
      await c.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not computed in restricted mode (no git process)', async () => {
    const dir = makePromotionRepo();
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(dir, {}, { trusted: false });
      const r = await c.request<{
        components: { overlays: { differsFromPromotionTarget?: boolean }[] }[];
      }>('fluxOverlays/listOverlays', {});
      assert.ok(r.components.length > 0);
      for (const comp of r.components)
        for (const o of comp.overlays) assert.equal(o.differsFromPromotionTarget, undefined);
    } finally {
      await c.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promotion in restricted mode', () => {
  it('is refused, and git is not read', async () => {
    const dir = makePromotionRepo();
    const snap = snapshot(dir);
    const c = TestClient.ours(ROOT);
    try {
      await c.initialize(dir, {}, { trusted: false });
      const r = await c.request<Changes>('fluxOverlays/promotionDiff', {
        uri: uriOf(dir),
        from: 'main',
        to: 'production',
      });
      assert.deepEqual(r.changes, []);
      assert.match(r.problems[0].message, /restricted mode/);
      const v = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(path.join(dir, 'components/podinfo')),
        overlay: 'production',
        source: { kind: 'promotion', from: 'main', to: 'production', side: 'after' },
      });
      assert.equal(v.content, '');
      assert.match(v.problems[0].message, /restricted mode/);
      // the workspace itself still works
      const w = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(path.join(dir, 'components/podinfo')),
        overlay: 'production',
      });
      assert.match(w.content, /replicaCount: 3/);
      assert.equal(snapshot(dir), snap);
    } finally {
      await c.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fluxOverlays.extraRoots', () => {
  it('resolves a valuesFrom ConfigMap built by another repository (keos-system-services override values)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-extra-'));
    const apps = path.join(tmp, 'apps');
    write(tmp, {
      'apps/components/agent/base/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: keos-ops\nresources:\n  - sync.yaml\n',
      'apps/components/agent/base/sync.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: agent\nspec:\n  interval: 1m\n  chart:\n    spec:\n      chart: agent\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n  valuesFrom:\n    - kind: ConfigMap\n      name: 02-agent-helm-chart-override-values\n      valuesKey: values.yaml\n      optional: true\n  values:\n    replicaCount: 1\n',
      'apps/components/agent/M/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n',
      'system-services/components/agent/configs/base/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: keos-ops\nresources:\n  - values.yaml\n',
      'system-services/components/agent/configs/base/values.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 02-agent-helm-chart-override-values\ndata:\n  values.yaml: |\n    replicaCount: 4\n    tier: system\n',
    });
    for (const [extraRoots, expected] of [
      [[], /^replicaCount: 1\n$/],
      [['../system-services'], /^replicaCount: 1\ntier: system\n$/],
    ] as const) {
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(apps, { extraRoots });
        const v = await c.request<Rendered>('fluxOverlays/effectiveValues', {
          uri: uriOf(path.join(apps, 'components/agent')),
          overlay: 'M',
        });
        assert.match(v.content, expected, JSON.stringify(v));
      } finally {
        await c.shutdown();
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});

describe('promotion on keos-apps (overlays base and S, default settings)', () => {
  it('reports S of the changed component and the new component as added; both sides open without an error', async (t) => {
    const missing = layoutsMissing();
    if (missing) return t.skip(missing);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-lsp-keos-'));
    const c = TestClient.ours(ROOT);
    try {
      const dir = fs.realpathSync(makeKeosAppsRepo(path.join(tmp, 'keos-apps')));
      await c.initialize(dir); // default settings: productionOverlay "production", which keos-apps lacks
      const r = await c.request<Changes>('fluxOverlays/promotionDiff', {
        uri: uriOf(dir),
        from: 'main',
        to: 'production',
      });
      assert.deepEqual(
        r.changes.map((x) => [x.component, x.overlay, x.release, x.status]),
        [
          [KEOS_PROMOTION.changed, 'S', 'connectors-management', undefined],
          [KEOS_PROMOTION.added, 'S', 'connectors-next', 'added'],
        ],
      );
      assert.deepEqual(
        r.problems.filter((p) => p.severity === 'error'),
        [],
      );
      const side = (s: 'before' | 'after') => ({
        kind: 'promotion',
        from: 'main',
        to: 'production',
        side: s,
      });
      const next = path.join(dir, KEOS_PROMOTION.added);
      const nb = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(next),
        overlay: 'S',
        release: 'connectors-next',
        source: side('before'),
      });
      assert.deepEqual(
        nb.problems.map((p) => [p.severity, p.message]),
        [
          [
            'info',
            `new with this promotion: ${KEOS_PROMOTION.added} has no overlay 'S' on production yet`,
          ],
        ],
      );
      const na = await c.request<Rendered>('fluxOverlays/effectiveValues', {
        uri: uriOf(next),
        overlay: 'S',
        release: 'connectors-next',
        source: side('after'),
      });
      assert.match(na.content, /connectors-next/);
      // Both sides of the changed component list the same problems, worded the same: the diff's
      // first hunk is a real change, not the header.
      const cm = path.join(dir, KEOS_PROMOTION.changed);
      const [b, a] = await Promise.all(
        (['before', 'after'] as const).map((s) =>
          c.request<Rendered>('fluxOverlays/effectiveValues', {
            uri: uriOf(cm),
            overlay: 'S',
            release: 'connectors-management',
            source: side(s),
          }),
        ),
      );
      assert.deepEqual(a.problems, b.problems);
      const header = (r: Rendered) => r.problems.map((p) => `# ${p.severity}: ${p.message}`);
      assert.deepEqual(header(a), header(b));
    } finally {
      await c.shutdown();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('promotion of a chart kept in the repository', () => {
  it('lists the component whose chart folder changed, and its manifests sides differ by it', async () => {
    const { dir: made, cleanup } = makeChartPromotionRepo();
    const c = TestClient.ours(ROOT);
    try {
      const dir = fs.realpathSync(made);
      await c.initialize(dir);
      const r = await c.request<Changes>('fluxOverlays/promotionDiff', {
        uri: uriOf(dir),
        from: 'main',
        to: 'production',
      });
      assert.deepEqual(
        r.changes.map((x) => [x.component, x.overlay, x.release, x.changed]),
        [
          ['components/discovery', 'production', undefined, ['manifests']],
          ['components/discovery', 'staging', undefined, ['manifests']],
        ],
      );
      // What Open Promotion Diff opens for a manifests-only change: each side's objects with
      // the release's chart objects, rendered from that side's tree.
      const [b, a] = await Promise.all(
        (['before', 'after'] as const).map((side) =>
          c.request<Rendered>('fluxOverlays/renderOverlay', {
            uri: uriOf(path.join(dir, 'components/discovery')),
            overlay: 'production',
            releaseManifests: true,
            source: { kind: 'promotion', from: 'main', to: 'production', side },
          }),
        ),
      );
      for (const s of [a, b])
        assert.match(s.content, /^# HelmRelease keos-discovery\/discovery -> chart discovery /m);
      assert.doesNotMatch(b.content, /^ {4}tier: catalog$/m);
      assert.match(a.content, /^ {4}tier: catalog$/m);
    } finally {
      await c.shutdown();
      cleanup();
    }
  });
});
