// computeEffectiveValues on small in-memory repositories: layers, origins inside embedded
// values blocks, Secrets, missing references, charts from a folder and from Helm's cache.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { secretMark } from '../../../server/src/engine/secrets';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap, getPath, toJS } from '../../../server/src/engine/yaml/node';
import {
  computeEffectiveValues,
  EffectiveValuesOptions,
} from '../../../server/src/engine/values/effective';

function build(files: Record<string, string>): { fs: MemoryFileSystem; docs: YMap[] } {
  const fs = new MemoryFileSystem(undefined, files);
  const docs: YMap[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (!file.startsWith('/repo/')) continue;
    for (const d of parseYaml(text, file).documents)
      if (d.root && d.root.kind === 'map') docs.push(d.root);
  }
  return { fs, docs };
}

const release = (
  valuesFrom: string,
  values = '',
  ns = '  namespace: apps\n',
) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
${ns}spec:
  chart:
    spec:
      chart: ./charts/podinfo
      sourceRef:
        kind: GitRepository
        name: flux-system
${valuesFrom}${values}`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: podinfo-values
  namespace: apps
data:
  values.yaml: |
    replicaCount: 2
    image:
      tag: "6.5.0"
  broken.yaml: |
    a: 1
    b: [unclosed
  tag: "7.0.0"
`;

const secret = `apiVersion: v1
kind: Secret
metadata:
  name: podinfo-secret
  namespace: apps
data:
  values.yaml: ${Buffer.from('auth:\n  password: hunter2\n  user: admin\n').toString('base64')}
`;

const chartFiles = {
  '/repo/charts/podinfo/Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 6.5.0\n',
  '/repo/charts/podinfo/values.yaml':
    'replicaCount: 1\nimage:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: "6.0.0"\nresources: {}\n',
};

function one(files: Record<string, string>, options: EffectiveValuesOptions = {}) {
  const { fs, docs } = build(files);
  const out = computeEffectiveValues(docs, fs, options);
  assert.equal(out.length, 1);
  return out[0];
}

test('valuesFrom ConfigMap, spec.values on top, chart folder defaults under them', () => {
  const r = one(
    {
      '/repo/apps/cm.yaml': configMap,
      '/repo/apps/hr.yaml': release(
        '  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n',
        '  values:\n    replicaCount: 3\n',
      ),
      ...chartFiles,
    },
    { sourceRoots: ['/repo'] },
  );
  assert.deepStrictEqual(toJS(r.values), {
    replicaCount: 3,
    image: { tag: '6.5.0', repository: 'ghcr.io/stefanprodan/podinfo' },
    resources: {},
  });
  assert.equal(r.chart.found, true);
  assert.equal(r.chart.name, 'podinfo');
  assert.deepStrictEqual(r.problems, []);
  const replicas = getPath(r.values, ['replicaCount'])!;
  assert.deepStrictEqual(
    [replicas.origin?.file, replicas.origin?.line, replicas.origin?.by],
    ['/repo/apps/hr.yaml', 17, 'values'],
  );
  assert.deepStrictEqual(
    replicas.overrides?.map((o) => [toJS(o), o.origin?.line, o.origin?.by]),
    [
      [2, 8, 'valuesFrom[0] ConfigMap/podinfo-values'],
      [1, 1, 'chart default'],
    ],
  );
  // Inside the `values.yaml: |` block: line 10 of the ConfigMap file, column 12.
  const tag = getPath(r.values, ['image', 'tag'])!;
  assert.deepStrictEqual(
    [tag.origin?.file, tag.origin?.line, tag.origin?.col],
    ['/repo/apps/cm.yaml', 10, 12],
  );
  assert.equal(getPath(r.values, ['image', 'repository'])?.origin?.by, 'chart default');
});

test('Secret values are merged, masked by default and shown with showSecrets', () => {
  const files = {
    '/repo/s.yaml': secret,
    '/repo/hr.yaml': release(
      '  valuesFrom:\n    - kind: Secret\n      name: podinfo-secret\n',
      '  values:\n    auth:\n      user: inline\n',
    ),
  };
  const masked = one(files);
  const js = toJS(masked.values) as { auth: { password: string; user: string } };
  assert.equal(js.auth.user, 'inline');
  assert.match(js.auth.password, /^<secret:[0-9a-f]{8}>$/);
  assert.equal(
    js.auth.password,
    secretMark('hunter2'),
    'the mark is the same for the same value within a process',
  );
  assert.notEqual(js.auth.password, secretMark('hunter3'));
  assert.equal(
    JSON.stringify(masked.values).includes('hunter2'),
    false,
    'the overridden secret value must not leak through overrides',
  );
  assert.equal(JSON.stringify(masked.values).includes('admin'), false);
  const shown = one(files, { showSecrets: true });
  assert.deepStrictEqual(toJS(shown.values), { auth: { password: 'hunter2', user: 'inline' } });
});

test('missing references: warning naming it (non-optional), info (optional); values computed without them', () => {
  const r = one({
    '/repo/hr.yaml': release(
      '  valuesFrom:\n    - kind: ConfigMap\n      name: absent\n    - kind: Secret\n      name: maybe\n      optional: true\n',
      '  values:\n    a: 1\n',
    ),
  });
  assert.deepStrictEqual(toJS(r.values), { a: 1 });
  const byCode = (c: string) => r.problems.filter((p) => p.code === c);
  assert.equal(byCode('values-ref-missing').length, 1);
  assert.equal(byCode('values-ref-missing')[0].severity, 'warning');
  assert.match(
    byCode('values-ref-missing')[0].message,
    /valuesFrom\[0\] ConfigMap\/absent.*Flux would fail the release.*'apps\/absent'/,
  );
  assert.equal(byCode('values-ref-missing')[0].span?.line, 14);
  assert.equal(byCode('values-ref-optional-missing')[0].severity, 'info');
  const chart = byCode('chart-not-found');
  assert.equal(chart.length, 1);
  assert.equal(chart[0].severity, 'info');
});

test('invalid embedded YAML: an error at the line inside the ConfigMap file', () => {
  const r = one({
    '/repo/apps/cm.yaml': configMap,
    '/repo/apps/hr.yaml': release(
      '  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n      valuesKey: broken.yaml\n',
    ),
  });
  const p = r.problems.find((x) => x.code === 'values-yaml-invalid');
  assert.ok(p, JSON.stringify(r.problems));
  assert.equal(p.severity, 'error');
  assert.equal(p.span?.file, '/repo/apps/cm.yaml');
  assert.ok(p.span?.line === 13 || p.span?.line === 14, `line ${p.span?.line}`);
  assert.deepStrictEqual(toJS(r.values), {});
});

test('missing key is an error; targetPath takes a single key', () => {
  const r = one({
    '/repo/apps/cm.yaml': configMap,
    '/repo/apps/hr.yaml': release(
      '  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n      valuesKey: nope\n    - kind: ConfigMap\n      name: podinfo-values\n      valuesKey: tag\n      targetPath: image.tag\n',
    ),
  });
  assert.equal(r.problems.find((p) => p.code === 'values-ref-key-missing')?.severity, 'error');
  assert.deepStrictEqual(toJS(r.values), { image: { tag: '7.0.0' } });
  const tag = getPath(r.values, ['image', 'tag'])!;
  assert.deepStrictEqual(
    [tag.origin?.file, tag.origin?.line, tag.origin?.by],
    ['/repo/apps/cm.yaml', 14, 'targetPath valuesFrom[1] ConfigMap/podinfo-values'],
  );
});

test('a release without namespace only sees objects without namespace', () => {
  const cmNoNs = configMap.replace('  namespace: apps\n', '');
  const r = one({
    '/repo/cm.yaml': configMap,
    '/repo/cm2.yaml': cmNoNs.replace('replicaCount: 2', 'replicaCount: 9'),
    '/repo/hr.yaml': release(
      '  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n',
      '',
      '',
    ),
  });
  assert.equal(r.namespace, '');
  assert.equal(toJS(getPath(r.values, ['replicaCount'])), 9);
});

test('externalLookup supplies references the build lacks, and says where from', () => {
  const ext = parseYaml(configMap, '/other-repo/override.yaml').documents[0].root as YMap;
  const r = one(
    {
      '/repo/hr.yaml': release(
        '  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n',
      ),
    },
    {
      externalLookup: (kind, ns, name) =>
        kind === 'ConfigMap' && ns === 'apps' && name === 'podinfo-values'
          ? { object: ext, source: 'keos-system-services' }
          : undefined,
    },
  );
  assert.equal(toJS(getPath(r.values, ['replicaCount'])), 2);
  assert.equal(
    getPath(r.values, ['replicaCount'])?.origin?.by,
    'valuesFrom[0] ConfigMap/podinfo-values from keos-system-services',
  );
  assert.equal(r.problems.filter((p) => p.severity !== 'info').length, 0);
});

test(
  'chart defaults from a .tgz in Helm repository cache, version constraint resolved',
  { skip: !hasTar() && 'tar not installed' },
  () => {
    const tmp = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'chart-cache-'));
    try {
      const src = path.join(tmp, 'src', 'podinfo');
      nodeFs.mkdirSync(src, { recursive: true });
      nodeFs.writeFileSync(
        path.join(src, 'Chart.yaml'),
        'apiVersion: v2\nname: podinfo\nversion: 6.5.1\n',
      );
      nodeFs.writeFileSync(path.join(src, 'values.yaml'), 'replicaCount: 1\nfromTgz: true\n');
      const cache = path.join(tmp, 'repository');
      nodeFs.mkdirSync(cache);
      execFileSync('tar', [
        'czf',
        path.join(cache, 'podinfo-6.5.1.tgz'),
        '-C',
        path.join(tmp, 'src'),
        'podinfo',
      ]);
      nodeFs.writeFileSync(path.join(cache, 'podinfo-7.0.0.tgz'), 'not used');
      const hr = release('', '  values:\n    replicaCount: 2\n')
        .replace('chart: ./charts/podinfo', 'chart: podinfo\n      version: "6.5.x"')
        .replace('GitRepository', 'HelmRepository');
      const { fs: mem, docs } = build({ '/repo/hr.yaml': hr });
      const disk = new MemoryFileSystem({
        readFile: (p) => mem.readFile(p),
        stat: (p) =>
          mem.stat(p) ??
          (nodeFs.existsSync(p) ? (nodeFs.statSync(p).isDirectory() ? 'dir' : 'file') : undefined),
        readDir: (p) => (nodeFs.existsSync(p) ? nodeFs.readdirSync(p) : []),
        readBytes: (p) => (nodeFs.existsSync(p) ? nodeFs.readFileSync(p) : undefined),
      });
      const [r] = computeEffectiveValues(docs, disk, { helmRepositoryCache: cache });
      assert.equal(r.chart.found, true);
      assert.equal(r.chart.version, '6.5.1');
      assert.deepStrictEqual(toJS(r.values), { replicaCount: 2, fromTgz: true });
      assert.match(
        getPath(r.values, ['fromTgz'])?.origin?.file ?? '',
        /podinfo-6\.5\.1\.tgz!\/podinfo\/values\.yaml$/,
      );
    } finally {
      nodeFs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

function hasTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a GitRepository chart of a repository kept inside another is found by the repository name', () => {
  // /repo/examples/keos-apps is the repository GitRepository keos-apps syncs; /repo is the git root
  const files = {
    '/repo/examples/keos-apps/apps/hr.yaml': release('').replace(
      'name: flux-system',
      'name: keos-apps',
    ),
    '/repo/examples/keos-apps/charts/podinfo/Chart.yaml':
      chartFiles['/repo/charts/podinfo/Chart.yaml'],
    '/repo/examples/keos-apps/charts/podinfo/values.yaml':
      chartFiles['/repo/charts/podinfo/values.yaml'],
    // a folder of the same name outside the source root does not count
    '/elsewhere/keos-apps/charts/podinfo/Chart.yaml': chartFiles['/repo/charts/podinfo/Chart.yaml'],
  };
  const inside = one(files, { sourceRoots: ['/repo'] });
  assert.equal(inside.chart.found, true);
  assert.equal(inside.chart.source, '/repo/examples/keos-apps/charts/podinfo');
  assert.equal((toJS(inside.values) as { replicaCount: number }).replicaCount, 1);
  assert.deepStrictEqual(inside.problems, []);
  // the root itself wins over a folder named after the repository
  const atRoot = one(
    {
      ...files,
      '/repo/charts/podinfo/Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 7.0.0\n',
    },
    { sourceRoots: ['/repo'] },
  );
  assert.equal(atRoot.chart.version, '7.0.0');
  // no root known (not in a git repository): any folder above the release named so
  assert.equal(one(files, {}).chart.found, true);
  // an empty list of roots resolves no path chart
  const none = one(files, { sourceRoots: [] });
  assert.equal(none.chart.found, false);
  assert.equal(none.problems[0]?.code, 'chart-not-found');
  // another repository's name does not match
  const other = one(files, { sourceRoots: ['/work'] });
  assert.equal(other.chart.found, false);
});
