// The cluster walk on small in-memory fleets: kustomize-controller's generated kustomization,
// its spec fields, sources across repositories, dependsOn, substituteFrom, problems with lines.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { evaluateCluster, normalizeUrl } from '../../../server/src/engine/cluster/cluster';
import {
  generateKustomization,
  scanManifests,
} from '../../../server/src/engine/cluster/fluxGenerator';
import { isSecretMark } from '../../../server/src/engine/secrets';
import { YMap, get, getString, toJS } from '../../../server/src/engine/yaml/node';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { PROJECT_ROOT } from '../../support/paths';

const fluxKText = (spec: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k, namespace: flux-system}\nspec:\n${spec}`;
const fluxK = (spec: string) =>
  parseYaml(fluxKText(spec), '/fleet/k.yaml').documents[0].root as YMap;

test('generator: no kustomization file lists every YAML file, recursively, and sub-kustomizations as folders', () => {
  const fs = new MemoryFileSystem(undefined, {
    '/r/app/b.yaml': 'kind: ConfigMap',
    '/r/app/a.yml': 'kind: ConfigMap',
    '/r/app/notes.txt': 'x',
    '/r/app/sub/c.yaml': 'kind: ConfigMap',
    '/r/app/kust/kustomization.yaml': 'resources: []',
    '/r/app/kust/ignored.yaml': 'kind: ConfigMap',
  });
  assert.deepEqual(scanManifests(fs, '/r/app'), ['./a.yml', './b.yaml', './kust', './sub/c.yaml']);
  const g = generateKustomization(fs, '/r/app', fluxK('  path: ./app\n'));
  assert.equal(g.created, true);
  assert.equal(g.file, '/r/app/kustomization.yaml');
  assert.match(g.text, /resources:\n- \.\/a\.yml\n- \.\/b\.yaml\n- \.\/kust\n- \.\/sub\/c\.yaml\n/);
});

test('generator: Flux fields written into the folder kustomization as kustomize-controller does', () => {
  const fs = new MemoryFileSystem(undefined, {
    '/r/app/kustomization.yaml':
      'namespace: own\nnamePrefix: own-\nresources: [cm.yaml]\nimages:\n- name: nginx\n  newTag: "1"\nunknownField: x\n',
    '/r/app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
    '/r/app/comp/kustomization.yaml': 'kind: Component\n',
  });
  const spec = `  targetNamespace: apps
  namePrefix: flux-
  components: [comp, missing]
  ignoreMissingComponents: true
  images:
    - name: nginx
      newName: registry/nginx
    - name: redis
      newTag: "7"
  patches:
    - patch: |
        - op: add
          path: /data
          value: {a: b}
      target: {kind: ConfigMap}
`;
  fs.write('/fleet/k.yaml', fluxKText(spec));
  const g = generateKustomization(fs, '/r/app', fluxK(spec));
  const k = toJS(parseYaml(g.text, g.file).documents[0].root) as Record<string, unknown>;
  assert.equal(k.namespace, 'apps');
  assert.equal(k.namePrefix, 'flux-');
  assert.deepEqual(k.components, ['comp']);
  assert.deepEqual(k.images, [
    { name: 'nginx', newTag: '1', newName: 'registry/nginx' },
    { name: 'redis', newTag: '7' },
  ]);
  assert.equal((k.patches as unknown[]).length, 1);
  assert.equal(k.unknownField, undefined);
  assert.ok(g.problems.some((p) => p.code === 'flux-dropped-field' && p.span?.line === 7));
  // The patch lines of the generated file map back to the Flux Kustomization's lines.
  const i = g.text.split('\n').findIndex((l) => l.includes('op: add'));
  assert.equal(g.lineOrigins[i]?.file, '/fleet/k.yaml');
  assert.equal(g.lineOrigins[i]?.line, 16);
});

test('generator: a kustomization listing no resources gets buildMetadata originAnnotations', () => {
  const fs = new MemoryFileSystem(undefined, { '/r/e/kustomization.yaml': 'resources: []\n' });
  const k = toJS(
    parseYaml(generateKustomization(fs, '/r/e', fluxK('  path: ./e\n')).text, '/x').documents[0]
      .root,
  ) as Record<string, unknown>;
  assert.deepEqual(k.buildMetadata, ['originAnnotations']);
});

test('normalizeUrl: one key for https, ssh and scp forms', () => {
  const want = 'github.com/org/repo';
  for (const u of [
    'https://github.com/org/repo.git',
    'ssh://git@github.com/org/repo',
    'git@github.com:org/repo.git',
    'https://GitHub.com/org/repo/',
  ])
    assert.equal(normalizeUrl(u), want, u);
});

const fleet: Record<string, string> = {
  '/fleet/clusters/c1/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: https://example.com/fleet.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ./clusters/c1
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substituteFrom: [{kind: ConfigMap, name: runtime}]
`,
  '/fleet/clusters/c1/runtime.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: runtime, namespace: flux-system}
data: {ENV: production, REPLICAS: "3"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: flux-system}
stringData: {TOKEN: s3cr3t}
`,
  '/fleet/clusters/c1/apps.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {url: https://example.com/apps, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  dependsOn: [{name: infra}]
  path: ./web/\${ENV}
  sourceRef: {kind: GitRepository, name: apps}
  targetNamespace: web
  commonMetadata:
    labels: {team: a}
  postBuild:
    substitute: {EXTRA: inline}
    substituteFrom:
      - {kind: ConfigMap, name: runtime}
      - {kind: Secret, name: creds}
      - {kind: ConfigMap, name: absent, optional: true}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infra, namespace: flux-system}
spec:
  path: ./infra
  sourceRef: {kind: GitRepository, name: flux-system}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: elsewhere, namespace: flux-system}
spec:
  path: ./x
  sourceRef: {kind: GitRepository, name: unknown-repo}
`,
  '/fleet/infra/values.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: web-values, namespace: web}
data:
  values.yaml: |
    replicas: 9
    fromInfra: true
`,
  '/apps/web/production/kustomization.yaml': 'resources: [../base]\n',
  '/apps/web/base/kustomization.yaml': 'resources: [release.yaml, raw.yaml]\n',
  '/apps/web/base/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web}
spec:
  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}
  valuesFrom:
    - {kind: ConfigMap, name: web-values}
  values:
    replicas: \${REPLICAS}
    token: \${TOKEN}
    extra: \${EXTRA}
`,
  '/apps/web/base/raw.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: raw
  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}
data: {keep: "\${ENV}"}
`,
};

test('cluster: a small fleet across two repositories', () => {
  const fs = new MemoryFileSystem(undefined, fleet);
  const r = evaluateCluster(fs, '/fleet/clusters/c1', {
    sources: [{ key: 'https://example.com/apps.git', path: '/apps' }],
  });
  const status = Object.fromEntries(
    r.appliers.map((a) => [`${a.ref.kind}/${a.ref.name}`, a.status]),
  );
  assert.deepEqual(status, {
    'Kustomization/flux-system': 'applied',
    'Kustomization/infra': 'applied',
    'Kustomization/web': 'applied',
    'Kustomization/elsewhere': 'source-unavailable',
  });
  // dependsOn: infra before web.
  assert.ok(
    r.appliers.findIndex((a) => a.ref.name === 'infra') <
      r.appliers.findIndex((a) => a.ref.name === 'web'),
  );
  const web = r.appliers.find((a) => a.ref.name === 'web')!;
  assert.equal(web.dir, '/apps/web/production');
  assert.equal(web.source?.mappedBy, '--source https://example.com/apps.git');
  // source not available: on the sourceRef line, naming the missing source.
  const unavailable = r.problems.find((p) => p.code === 'cluster-source-unavailable')!;
  assert.equal(unavailable.span?.file, '/fleet/clusters/c1/apps.yaml');
  assert.equal(unavailable.span?.line, 35);
  assert.match(
    unavailable.message,
    /GitRepository flux-system\/unknown-repo is not among the objects/,
  );
  // Objects: targetNamespace, commonMetadata, substitution (and its opt-out), secrets masked.
  const hr = r.objects.find((o) => o.key === 'helm.toolkit.fluxcd.io/HelmRelease/web/web')!;
  assert.ok(hr, r.objects.map((o) => o.key).join(' '));
  const hrJs = toJS(hr.node) as Record<string, any>;
  assert.deepEqual(hrJs.metadata.labels, { team: 'a' });
  // token is substituted from a Secret: shown as a mark, never in clear
  assert.ok(isSecretMark(hrJs.spec.values.token), hrJs.spec.values.token);
  assert.deepEqual(
    { ...hrJs.spec.values, token: undefined },
    { replicas: 3, token: undefined, extra: 'inline' },
  );
  assert.deepEqual(
    hr.chain.map((a) => a.name),
    ['flux-system', 'web'],
  );
  const raw = r.objects.find((o) => o.key === '/ConfigMap/web/raw')!;
  assert.equal(getString(get(raw.node, 'data'), 'keep'), '${ENV}');
  const secret = r.objects.find((o) => o.key === '/Secret/flux-system/creds')!;
  assert.ok(
    isSecretMark(getString(get(secret.node, 'stringData'), 'TOKEN')),
    getString(get(secret.node, 'stringData'), 'TOKEN'),
  );
  // Values across repositories: valuesFrom from the fleet (infra), values from apps.
  const rel = r.releases.find((x) => x.name === 'web')!;
  const relJs = toJS(rel.values) as Record<string, unknown>;
  assert.ok(isSecretMark(relJs.token), String(relJs.token));
  assert.deepEqual(
    { ...relJs, token: undefined },
    { replicas: 3, fromInfra: true, token: undefined, extra: 'inline' },
  );
  assert.equal(get(rel.values, 'fromInfra')?.origin?.file, '/fleet/infra/values.yaml');
  assert.equal(get(rel.values, 'replicas')?.origin?.file, '/apps/web/base/release.yaml');
});

test('cluster: a missing substituteFrom fails the Kustomization, its dependents are blocked', () => {
  const files = { ...fleet };
  files['/fleet/clusters/c1/apps.yaml'] = files['/fleet/clusters/c1/apps.yaml'].replace(
    '{kind: ConfigMap, name: absent, optional: true}',
    '{kind: ConfigMap, name: absent}',
  );
  const line =
    files['/fleet/clusters/c1/apps.yaml']
      .split('\n')
      .findIndex((l) => l.includes('name: absent}')) + 1;
  files['/fleet/clusters/c1/more.yaml'] = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: after-web, namespace: flux-system}
spec:
  dependsOn: [{name: web}, {name: never}]
  path: ./infra
  sourceRef: {kind: GitRepository, name: flux-system}
`;
  const r = evaluateCluster(new MemoryFileSystem(undefined, files), '/fleet/clusters/c1', {
    sources: [{ key: 'https://example.com/apps', path: '/apps' }],
  });
  const status = Object.fromEntries(r.appliers.map((a) => [a.ref.name, a.status]));
  assert.equal(status.web, 'failed');
  assert.equal(status['after-web'], 'blocked');
  const p = r.problems.find((x) => x.code === 'cluster-substitute-from-missing')!;
  assert.equal(p.span?.line, line);
  assert.match(
    p.message,
    /ConfigMap flux-system\/absent is not among the objects this cluster gets/,
  );
});

test('cluster: a ResourceSet applied by a Kustomization generates Kustomizations that are followed', () => {
  const files: Record<string, string> = {
    '/fleet/clusters/c1/rset.yaml': `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: tenants, namespace: flux-system}
spec:
  inputs: [{tenant: a}, {tenant: b}]
  resources:
    - apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: {name: << inputs.tenant >>, namespace: flux-system}
      spec:
        path: ./tenants/<< inputs.tenant >>
        sourceRef: {kind: GitRepository, name: flux-system}
`,
    '/fleet/tenants/a/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
    '/fleet/tenants/b/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n',
  };
  const fs = new MemoryFileSystem(undefined, {
    ...files,
    '/fleet/.git/HEAD': 'ref: refs/heads/main\n',
  });
  const r = evaluateCluster(fs, '/fleet/clusters/c1', {});
  assert.deepEqual(
    r.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const ns = r.objects
    .filter((o) => getString(o.node, 'kind') === 'Namespace')
    .map(
      (o) =>
        `${getString(get(o.node, 'metadata'), 'name')}<-${o.chain.map((a) => a.kind + ':' + a.name).join('>')}`,
    );
  assert.deepEqual(ns, [
    'a<-Kustomization:flux-system>ResourceSet:tenants>Kustomization:a',
    'b<-Kustomization:flux-system>ResourceSet:tenants>Kustomization:b',
  ]);
});

test('cluster: malformed appliers give problems naming the file, never an internal error', () => {
  const cases: [string, string][] = [
    [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: a}\nspec: {path: [1, 2], sourceRef: 3, dependsOn: x, postBuild: {substituteFrom: [1]}, patches: [1], components: {a: 1}}\n',
      'cluster-source-ref',
    ],
    [
      'apiVersion: fluxcd.controlplane.io/v1\nkind: ResourceSet\nmetadata: {name: r}\nspec: {inputs: 3, resources: [1]}\n',
      'resourceset-inputs',
    ],
    [
      'apiVersion: fluxcd.controlplane.io/v1\nkind: ResourceSet\nmetadata: {name: r}\nspec: {inputs: [{x: 1}], resourcesTemplate: "<< (inputs).x.y >>"}\n',
      'resourceset-template',
    ],
    [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: a, namespace: flux-system}\nspec: {path: ./clusters/c, sourceRef: {kind: GitRepository, name: flux-system}, dependsOn: [{name: a}]}\n',
      'cluster-dependency-missing',
    ],
    ['{{{', 'yaml-syntax'],
  ];
  for (const [text, code] of cases) {
    const fs = new MemoryFileSystem(undefined, {
      '/r/.git/HEAD': 'ref: refs/heads/main\n',
      '/r/clusters/c/a.yaml': text,
    });
    const r = evaluateCluster(fs, '/r/clusters/c', {});
    assert.deepEqual(
      r.problems.filter((p) => p.code === 'internal'),
      [],
      text,
    );
    const p = r.problems.find((x) => x.code === code);
    assert.ok(p, `${code} for ${text}: ${r.problems.map((x) => x.code).join(' ')}`);
    assert.equal(p.span?.file, '/r/clusters/c/a.yaml', code);
  }
});

test('cluster: a GitRepository chart path is read from the folder the cluster maps the GitRepository to, whatever its name', () => {
  // The example checked out as `checkout` (not its GitRepository's name, keos-apps): discovery's
  // chart ./charts/discovery is a folder of the GitRepository keos-apps, mapped by URL.
  const tmp = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'fo-cluster-chart-'));
  try {
    const dir = path.join(tmp, 'checkout');
    nodeFs.cpSync(path.join(PROJECT_ROOT, 'examples', 'keos-apps'), dir, { recursive: true });
    const r = evaluateCluster(new DiskFileSystem(), path.join(dir, 'clusters/production'), {
      sources: [{ key: 'https://git.keos.example.org/platform/keos-apps', path: dir }],
    });
    const rel = r.releases.find((x) => x.name === 'discovery');
    assert.ok(rel, r.releases.map((x) => x.name).join(' '));
    assert.equal(rel.chart.found, true, JSON.stringify(rel.problems));
    assert.equal(rel.chart.source, path.join(dir, 'charts/discovery'));
    // a chart default the release does not set: charts/discovery/values.yaml line 86
    const affinity = get(rel.values, 'affinity');
    assert.equal(affinity?.origin?.file, path.join(dir, 'charts/discovery/values.yaml'));
    assert.equal(affinity?.origin?.line, 86);
    assert.deepEqual(
      r.problems.filter((p) => p.release === 'keos-discovery/discovery'),
      [],
    );
  } finally {
    nodeFs.rmSync(tmp, { recursive: true, force: true });
  }
});
