// Component and overlay discovery on every corpus repository (expected lists read off `find`
// output by hand), on in-memory layouts, and runOverlay on the example repository.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { DiskFileSystem, FileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { ParseCache } from '../../../server/src/engine/kustomize/loader';
import {
  componentOf,
  componentOnPath,
  discoverComponents,
  runOverlay,
} from '../../../server/src/engine/workspace';
import { toJS } from '../../../server/src/engine/yaml/node';
import { CORPUS, PROJECT_ROOT, corpusAvailable } from '../../support/paths';

// Components (relative path: overlays) as `find <repo> -name kustomization.yaml` shows them.
const EXPECTED: Record<string, Record<string, string[]>> = {
  'Azure__gitops-flux2-kustomize-helm-mt': { apps: ['production', 'staging'] },
  'controlplaneio-fluxcd__d1-apps': {
    'components/backend': ['base', 'production', 'staging'],
    'components/frontend': ['base', 'production', 'staging'],
  },
  'controlplaneio-fluxcd__d1-fleet': {},
  'controlplaneio-fluxcd__d1-infra': {
    'components/admission/configs': ['base', 'production', 'staging'],
    'components/admission/controllers': ['base', 'production', 'staging'],
    'components/monitoring/configs': ['base', 'production', 'staging'],
    'components/monitoring/controllers': ['base', 'production', 'staging'],
  },
  'controlplaneio-fluxcd__d2-apps': {
    'components/backend': ['base', 'production', 'staging'],
    'components/frontend': ['base', 'production', 'staging'],
  },
  'controlplaneio-fluxcd__d2-fleet': {},
  'controlplaneio-fluxcd__d2-infra': {
    'components/cert-manager/configs': ['base', 'production', 'staging'],
    'components/cert-manager/controllers': ['base', 'production', 'staging'],
    'components/monitoring/configs': ['base', 'production', 'staging'],
    'components/monitoring/controllers': ['base', 'production', 'staging'],
  },
  'fluxcd__flux2-kustomize-helm-example': { apps: ['production', 'staging'] },
  'fluxcd__flux2-multi-tenancy': { tenants: ['production', 'staging'] },
  'fluxcd__flux2-multi-tenancy__branch-dev-team': { '.': ['base', 'production', 'staging'] },
  'forselli-stratio__keos-fleet-test': {},
  'forselli-stratio__keos-fleet-test__branch-example-override-cr': {},
  'forselli-stratio__keos-fleet-test__branch-example-override-helm': {},
  'forselli-stratio__keos-system-services-test': Object.fromEntries(
    ['gosec', 'monitoring', 'sis', 'stratio-home', 'stratio-panel-ui'].map((c) => [
      `components/${c}/configs`,
      ['base', 'talk-to-your-data'],
    ]),
  ),
  'piksel-ina__piksel-gitops': { apps: ['staging'] },
};

test(
  'discovery on every corpus repository matches the folders find shows',
  { skip: !corpusAvailable() && 'corpus absent' },
  () => {
    const fs = new DiskFileSystem();
    for (const [repo, expected] of Object.entries(EXPECTED)) {
      const got = Object.fromEntries(
        discoverComponents(fs, path.join(CORPUS, repo)).map((c) => [
          c.name,
          c.overlays.map((o) => o.name),
        ]),
      );
      assert.deepEqual(got, expected, repo);
    }
  },
);

test(
  'keos-apps: one component per components/<app>/base folder find lists, overlays base and S',
  { skip: !corpusAvailable() && 'corpus absent' },
  () => {
    const root = path.join(CORPUS, 'forselli-stratio__keos-apps-test');
    const bases = execFileSync('find', [root, '-path', '*/components/*/base/kustomization.yaml'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    const comps = discoverComponents(new DiskFileSystem(), root);
    assert.equal(comps.length, bases.length);
    assert.equal(comps.length, 15);
    for (const c of comps)
      assert.deepEqual(
        c.overlays.map((o) => o.name),
        ['base', 'S'],
        c.name,
      );
    assert.deepEqual(
      comps.map((c) => c.dir).sort(),
      bases.map((b) => path.dirname(path.dirname(b))).sort(),
    );
  },
);

test('in-memory layouts: a base without kustomization counts only when an overlay references it', () => {
  const k = (res: string) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${res}\n`;
  const fs = new MemoryFileSystem(undefined, {
    '/r/components/a/base/kustomization.yaml': k('x.yaml'),
    '/r/components/a/M/kustomization.yaml': k('../base'),
    '/r/apps/base/podinfo/kustomization.yaml': k('x.yaml'),
    '/r/apps/staging/kustomization.yaml': k('../base/podinfo'),
    '/r/other/base/readme.md': 'x',
    '/r/other/prod/kustomization.yaml': k('deploy.yaml'),
    '/r/nested/base/app/kustomization.yaml': k('x.yaml'),
    '/r/nested/staging/kustomization.yaml': k('app'),
    '/r/nested/staging/app/kustomization.yaml': k('../../base/app'),
  });
  const comps = discoverComponents(fs, '/r');
  assert.deepEqual(
    comps.map((c) => [c.name, c.overlays.map((o) => o.name)]),
    [
      ['apps', ['staging']],
      ['components/a', ['base', 'M']],
      ['nested', ['staging']],
    ],
  );
  assert.equal(componentOf(comps, '/r/components/a/M/values.yaml')?.name, 'components/a');
  assert.equal(componentOf(comps, '/r/components/ab'), undefined);
  for (const p of everyPath(fs, '/r'))
    assert.deepEqual(componentOnPath(fs, '/r', p), componentOf(comps, p), p);
});

/** Every folder and file below `dir` (dot folders too: the walk for components skips them). */
function everyPath(fs: FileSystem, dir: string, out: string[] = []): string[] {
  out.push(dir);
  for (const n of fs.readDir(dir)) {
    const p = path.posix.join(dir, n);
    if (fs.stat(p) === 'dir') everyPath(fs, p, out);
    else out.push(p);
  }
  return out;
}

test('componentOnPath (the walk down one path) finds the component the whole walk lists, for every path', () => {
  const fs = new DiskFileSystem();
  const roots = [path.join(PROJECT_ROOT, 'examples')];
  if (corpusAvailable())
    roots.push(
      ...fs
        .readDir(CORPUS)
        .map((n) => path.join(CORPUS, n))
        .filter((d) => fs.stat(d) === 'dir'),
    );
  let checked = 0;
  for (const root of roots) {
    const all = discoverComponents(fs, root);
    for (const p of [...everyPath(fs, root), path.dirname(root), root + '-other/x.yaml']) {
      assert.deepEqual(componentOnPath(fs, root, p), componentOf(all, p), p);
      checked++;
    }
  }
  assert.ok(checked > 100, `only ${checked} paths`);
});

test('runOverlay on the example: substitution from a profile, values per release, one cache', () => {
  const root = path.join(PROJECT_ROOT, 'examples', 'keos-apps');
  const fs = new DiskFileSystem();
  const cache = new ParseCache();
  const comps = discoverComponents(fs, root);
  assert.deepEqual(
    comps.map((c) => c.name),
    [
      'components/discovery',
      'components/governance-agent',
      'components/monitoring',
      'components/podinfo',
      'components/postgres',
    ],
  );
  const podinfo = comps.find((c) => c.name === 'components/podinfo')!;
  const prod = runOverlay(fs, podinfo.overlays.find((o) => o.name === 'production')!.dir, {
    cache,
  });
  assert.equal(prod.failed, false);
  assert.equal(prod.releases.length, 1);
  const staging = runOverlay(fs, podinfo.overlays.find((o) => o.name === 'staging')!.dir, {
    cache,
  });
  assert.notDeepEqual(toJS(prod.releases[0].values), toJS(staging.releases[0].values));
  const missing = runOverlay(fs, path.join(root, 'components', 'nope'), { cache });
  assert.equal(missing.failed, true);
  assert.ok(missing.problems.some((p) => p.step === 'kustomize' && p.severity === 'error'));
});
