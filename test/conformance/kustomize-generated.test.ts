// Conformance on generated overlays: a seeded generator combines the features real
// repositories mix (prefixes, namespaces, labels, generators with behaviors and nameReference,
// strategic-merge and JSON6902 patches with targets, $patch: delete, components, images,
// replicas, replacements, secretGenerator, sortOptions) into base + overlay (+ region) layers, and each is
// built with the real kubectl kustomize and with our engine. Where kubectl fails we must fail.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, describe, it } from 'node:test';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { buildKustomization } from '../../server/src/engine/kustomize/build';
import { toJS } from '../../server/src/engine/yaml/node';
import { kubectlKustomize } from '../support/kubectl';
import { kubectlAvailable } from '../support/paths';

let seed = 1;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
const maybe = (p = 0.5) => rnd() < p;

function write(f: string, t: string): void {
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, t);
}
function deployment(name: string, cm: string, sa: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      serviceAccountName: ${sa}
      containers:
      - name: main
        image: nginx:1.25
        envFrom:
        - configMapRef: {name: ${cm}}
        ports: [{containerPort: 80}]
      - name: side
        image: busybox
      volumes:
      - name: cfg
        configMap: {name: ${cm}}
`;
}
function generateCase(root: string, i: number): string {
  const d = path.join(root, `c${i}`);
  const app = pick(['web', 'api', 'worker']);
  const base: string[] = [];
  base.push(`resources:\n  - deploy.yaml\n  - svc.yaml\n  - sa.yaml\n  - hr.yaml`);
  if (maybe()) base.push(`namePrefix: ${pick(['b-', 'base-'])}`);
  if (maybe()) base.push(`namespace: ${pick(['apps', 'team-a'])}`);
  if (maybe()) base.push(`commonLabels:\n  tier: ${pick(['front', 'back'])}`);
  base.push(
    `configMapGenerator:\n  - name: ${app}-cfg\n    literals:\n      - A=1\n      - B=${pick(['x', '<y>', '2'])}`,
  );
  if (maybe(0.3)) base.push(`generatorOptions:\n  disableNameSuffixHash: true`);
  if (maybe(0.4)) base.push(`configurations:\n  - kcfg.yaml`);
  write(`${d}/base/kustomization.yaml`, base.join('\n') + '\n');
  write(
    `${d}/base/kcfg.yaml`,
    `nameReference:\n- kind: ConfigMap\n  fieldSpecs:\n  - path: spec/valuesFrom/name\n    kind: HelmRelease\n`,
  );
  write(`${d}/base/deploy.yaml`, deployment(app, `${app}-cfg`, `${app}-sa`));
  write(
    `${d}/base/svc.yaml`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  selector: {app: ${app}}\n  ports: [{port: 80}]\n`,
  );
  write(
    `${d}/base/sa.yaml`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${app}-sa\n`,
  );
  write(
    `${d}/base/hr.yaml`,
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${app}\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: ${app}\n      sourceRef: {kind: HelmRepository, name: charts}\n  valuesFrom:\n  - kind: ConfigMap\n    name: ${app}-cfg\n  values:\n    replicaCount: 1\n    list: [a, b]\n    nested: {x: 1, y: 2}\n`,
  );
  const ov = [`resources:\n  - ../base`];
  if (maybe()) ov.push(`namePrefix: ${pick(['prod-', 'p-'])}`);
  if (maybe()) ov.push(`nameSuffix: ${pick(['-eu', '-x'])}`);
  if (maybe()) ov.push(`namespace: ${pick(['prod', 'apps'])}`);
  if (maybe())
    ov.push(
      `labels:\n  - pairs: {env: prod}\n    includeSelectors: ${maybe()}\n    includeTemplates: ${maybe()}`,
    );
  if (maybe()) ov.push(`commonAnnotations:\n  owner: team`);
  if (maybe())
    ov.push(
      `images:\n  - name: nginx\n    newTag: "${pick(['1.27', '2'])}"${maybe() ? '\n    newName: registry.local/nginx' : ''}`,
    );
  if (maybe()) ov.push(`replicas:\n  - name: ${app}\n    count: 3`);
  if (maybe())
    ov.push(
      `configMapGenerator:\n  - name: ${app}-cfg\n    behavior: ${pick(['merge', 'replace'])}\n    literals:\n      - B=prod${maybe() ? `\n    namespace: ${pick(['apps', 'team-a'])}` : ''}`,
    );
  const patches: string[] = [];
  if (maybe())
    patches.push(
      `  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: ${app}\n      spec:\n        template:\n          spec:\n            containers:\n            - name: ${pick(['main', 'extra'])}\n              image: ${pick(['nginx:1.26', 'redis'])}\n              env: [{name: E, value: "1"}]`,
    );
  if (maybe())
    patches.push(
      `  - target:\n      kind: HelmRelease\n    patch: |-\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: any\n      spec:\n        values:\n          replicaCount: ${pick([2, 3, 'null'])}\n          list: [c]\n          nested: {y: null, z: 3}`,
    );
  if (maybe())
    patches.push(
      `  - target:\n      kind: Service\n    patch: |-\n      - op: ${pick(['add', 'replace'])}\n        path: /spec/ports/0/port\n        value: 8080`,
    );
  if (maybe(0.3))
    patches.push(
      `  - patch: |-\n      apiVersion: v1\n      kind: Service\n      metadata:\n        name: ${app}\n      $patch: delete`,
    );
  if (maybe(0.3))
    patches.push(
      `  - target:\n      kind: Deployment\n      labelSelector: app=${app}\n    patch: |-\n      - op: remove\n        path: /spec/template/spec/containers/1`,
    );
  if (patches.length) ov.push(`patches:\n${patches.join('\n')}`);
  if (maybe(0.3)) ov.push(`sortOptions:\n  order: ${pick(['fifo', 'legacy'])}`);
  if (maybe(0.4))
    ov.push(
      `secretGenerator:\n  - name: creds\n    literals:\n      - password=${pick(['s3cr3t', 'a'.repeat(80)])}\n    type: ${pick(['Opaque', 'kubernetes.io/basic-auth'])}`,
    );
  if (maybe(0.4)) {
    ov.push(`components:\n  - ../comp`);
    write(
      `${d}/comp/kustomization.yaml`,
      `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - extra.yaml\npatches:\n  - target:\n      kind: HelmRelease\n    patch: |-\n      - op: add\n        path: /spec/values/fromComponent\n        value: true\n`,
    );
    write(
      `${d}/comp/extra.yaml`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: {k: v}\n`,
    );
  }
  if (maybe(0.3))
    ov.push(
      `replacements:\n  - source:\n      kind: Service\n      fieldPath: metadata.name\n    targets:\n      - select:\n          kind: HelmRelease\n        fieldPaths:\n          - spec.values.serviceName\n        options:\n          create: true`,
    );
  write(`${d}/prod/kustomization.yaml`, ov.join('\n') + '\n');
  // A third level (a region over production), as fleets layer clusters over environments.
  const top = [`resources:\n  - ../prod`];
  if (maybe()) top.push(`namePrefix: ${pick(['eu-', 'r-'])}`);
  if (maybe()) top.push(`namespace: ${pick(['region', 'apps'])}`);
  if (maybe())
    top.push(
      `configMapGenerator:\n  - name: ${app}-cfg\n    behavior: merge\n    literals:\n      - C=region${maybe() ? `\n    namespace: ${pick(['apps', 'prod', 'team-a'])}` : ''}`,
    );
  if (maybe())
    top.push(
      `patches:\n  - target:\n      kind: HelmRelease\n      name: ${maybe() ? '.*' : app}\n    patch: |-\n      - op: ${pick(['add', 'replace'])}\n        path: /spec/values/region\n        value: eu`,
    );
  if (maybe(0.3)) top.push(`commonLabels:\n  region: eu`);
  write(`${d}/region/kustomization.yaml`, top.join('\n') + '\n');
  return maybe(0.7) ? `${d}/region` : `${d}/prod`;
}

// Patches on built-in kinds: strategic merges on a Deployment's keyed lists (containers, env,
// ports with two keys, volumes, volumeMounts, initContainers), $patch: delete|replace, nulls,
// and JSON6902 operations, a few per overlay in sequence.
const PATCH_BASE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: a
        image: a:1
        env: [{name: X, value: "1"}, {name: Y, value: "2"}]
        ports: [{containerPort: 80, name: http}, {containerPort: 81, protocol: UDP}]
        volumeMounts: [{name: v1, mountPath: /a}, {name: v2, mountPath: /b}]
        args: [--x, --y]
        resources: {limits: {cpu: "1"}}
      - name: b
        image: b:1
      volumes:
      - name: v1
        configMap: {name: cm}
      - name: v2
        emptyDir: {}
      tolerations: [{key: k, operator: Exists}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80, targetPort: 8080, name: http}, {port: 443, name: https}]
  selector: {app: web}
`;
const smpFragments: (() => string)[] = [
  () => `containers:\n      - name: ${pick(['a', 'b', 'c'])}\n        image: ${pick(['x:2', 'y'])}`,
  () =>
    `containers:\n      - name: a\n        env:\n        - name: ${pick(['X', 'Z'])}\n          value: "${pick(['9', 'q'])}"`,
  () =>
    `containers:\n      - name: a\n        env:\n        - name: ${pick(['X', 'Y'])}\n          $patch: delete`,
  () => `containers:\n      - name: ${pick(['a', 'b'])}\n        $patch: delete`,
  () =>
    `containers:\n      - name: a\n        ports:\n        - containerPort: ${pick([80, 82])}\n          name: ${pick(['web', 'http2'])}`,
  () => `containers:\n      - name: a\n        args: [--z]`,
  () =>
    `containers:\n      - name: a\n        resources: ${pick(['null', '{limits: {memory: 1Gi}}', '{limits: {cpu: null}}'])}`,
  () => `volumes:\n      - name: ${pick(['v1', 'v3'])}\n        secret: {secretName: s}`,
  () => `volumes:\n      - name: v2\n        $patch: delete`,
  () => `tolerations: [{key: z, operator: Exists}]`,
  () => `initContainers:\n      - name: ${pick(['init', 'init2'])}\n        image: alpine`,
  () => `containers:\n      - $patch: replace\n      - name: only\n        image: only`,
  () =>
    `containers:\n      - name: a\n        volumeMounts:\n        - mountPath: ${pick(['/a', '/c'])}\n          name: ${pick(['v1', 'v9'])}`,
];
const jsonOps: (() => string)[] = [
  () => `- op: remove\n  path: /spec/template/spec/containers/${pick([0, 1, 5])}`,
  () => `- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value: {name: N, value: n}`,
  () => `- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: z:9`,
  () => `- op: test\n  path: /spec/template/spec/containers/0/name\n  value: ${pick(['a', 'b'])}`,
  () =>
    `- op: move\n  from: /spec/template/spec/containers/1\n  path: /spec/template/spec/containers/0`,
  () => `- op: copy\n  from: /spec/template/spec/volumes/0\n  path: /spec/template/spec/volumes/-`,
  () => `- op: remove\n  path: /spec/template/spec/${pick(['tolerations', 'nope'])}`,
];

function generatePatchCase(root: string, i: number): string {
  const d = path.join(root, `p${i}`);
  write(`${d}/res.yaml`, PATCH_BASE);
  const patches: string[] = [];
  for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
    if (maybe(0.7))
      patches.push(
        `  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: web\n      spec:\n        template:\n          spec:\n            ${pick(smpFragments)().replace(/\n/g, '\n      ')}`,
      );
    else
      patches.push(
        `  - target: {kind: Deployment}\n    patch: |-\n${pick(jsonOps)()
          .split('\n')
          .map((l) => '      ' + l)
          .join('\n')}`,
      );
  }
  if (maybe(0.3))
    patches.push(
      `  - patch: |-\n      apiVersion: v1\n      kind: Service\n      metadata:\n        name: web\n      spec:\n        ports:\n        - port: ${pick([80, 8443])}\n          targetPort: ${pick([9090, 'http'])}`,
    );
  write(`${d}/kustomization.yaml`, `resources: [res.yaml]\npatches:\n${patches.join('\n')}\n`);
  return d;
}

// Generators: env files (comments, blanks, keys without '=', spaces around '='), literals with
// quotes and '=', files (JSON, text, binary, key=path), secrets long enough to wrap, options and
// generatorOptions at both levels, merge/replace/create behaviours, a prefix. (kubectl fails on
// file content starting with a tab, a go-yaml round-trip bug we do not reproduce: not generated.)
const VALUES: string[] = [
  'plain',
  '"quoted"',
  "'single'",
  'a=b=c',
  '',
  '<tag>&amp;',
  'ünïcødé',
  '  spaced  ',
  'yes',
  '0755',
  'line\\nbreak',
  '#notcomment',
  '{json: 1}',
];

function generateGeneratorCase(root: string, i: number): string {
  const d = path.join(root, `g${i}`);
  write(
    `${d}/base/app.env`,
    [
      '# comment',
      '',
      `A=${pick(VALUES)}`,
      `  B = ${pick(VALUES)}`,
      'EMPTY=',
      'NOEQ',
      `C=${pick(VALUES)}`,
    ].join('\n') + (maybe() ? '\n' : ''),
  );
  write(`${d}/base/config.json`, `{"k": "${pick(VALUES)}"}\n`);
  write(`${d}/base/notes.txt`, pick(['hello\n', 'multi\nline\ntext', 'trailing  \n', 'ü']));
  fs.writeFileSync(`${d}/base/bin.dat`, Buffer.from([0, 255, 1, 2, 128]));
  const gens: string[] = [];
  const opts = () =>
    maybe(0.4)
      ? `\n    options:${maybe() ? '\n      disableNameSuffixHash: true' : ''}\n      labels: {gen: "${pick(['1', 'x'])}"}${maybe() ? '\n      annotations: {note: "n"}' : ''}${maybe(0.3) ? '\n      immutable: true' : ''}`
      : '';
  gens.push(
    `configMapGenerator:\n  - name: cfg\n    envs: [app.env]\n    literals:\n      - L1=${pick(VALUES)}\n      - L2=${pick(VALUES)}${maybe() ? `\n    files: [config.json, ${pick(['notes.txt', 'key=notes.txt', 'bin.dat'])}]` : ''}${opts()}`,
  );
  if (maybe())
    gens.push(
      `secretGenerator:\n  - name: sec\n    literals:\n      - password=${pick(VALUES)}\n      - long=${'x'.repeat(pick([10, 60, 120]))}${maybe() ? '\n    type: kubernetes.io/basic-auth' : ''}${maybe() ? '\n    files: [notes.txt]' : ''}${opts()}`,
    );
  if (maybe(0.4))
    gens.push(
      `generatorOptions:\n  ${pick(['disableNameSuffixHash: true', 'labels: {global: "g"}', 'annotations: {ga: "a"}', 'immutable: true'])}`,
    );
  write(`${d}/base/kustomization.yaml`, `resources: [dep.yaml]\n${gens.join('\n')}\n`);
  write(
    `${d}/base/dep.yaml`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n        envFrom:\n        - configMapRef: {name: cfg}\n        - secretRef: {name: sec}\n      volumes:\n      - name: c\n        configMap: {name: cfg}\n`,
  );
  const ov = ['resources: [../base]'];
  if (maybe())
    ov.push(
      `configMapGenerator:\n  - name: cfg\n    behavior: ${pick(['merge', 'replace', 'create'])}\n    literals:\n      - L1=${pick(VALUES)}\n      - NEW=${pick(VALUES)}${opts()}`,
    );
  if (maybe(0.4))
    ov.push(
      `secretGenerator:\n  - name: sec\n    behavior: ${pick(['merge', 'replace'])}\n    literals:\n      - password=${pick(VALUES)}`,
    );
  if (maybe()) ov.push(`namePrefix: ${pick(['p-', 'q-'])}`);
  if (maybe(0.3))
    ov.push(`generatorOptions:\n  ${pick(['disableNameSuffixHash: true', 'labels: {ov: "o"}'])}`);
  write(`${d}/ov/kustomization.yaml`, ov.join('\n') + '\n');
  return `${d}/ov`;
}

describe('generated overlays vs kubectl kustomize', () => {
  if (!kubectlAvailable()) {
    it('skipped: reference kubectl not installed', { skip: true }, () => {});
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-generated-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const disk = new DiskFileSystem();
  const suites: [string, number[], (root: string, i: number) => string][] = [
    ['layered overlays', [3, 42], generateCase],
    ['patches on built-in kinds', [5, 9], generatePatchCase],
    ['generators', [2, 4], generateGeneratorCase],
  ];
  for (const [what, seeds, generate] of suites)
    for (const s of seeds) {
      it(`${what}, seed ${s}: 60 overlays`, () => {
        seed = s;
        const failures: string[] = [];
        let built = 0;
        for (let i = 0; i < 60; i++) {
          const dir = generate(path.join(root, `${what.replace(/\W+/g, '-')}-s${s}`), i);
          const ref = kubectlKustomize(dir);
          const ours = buildKustomization(disk, dir);
          const errors = ours.problems.filter((p) => p.severity === 'error');
          if (!ref.ok) {
            if (errors.length === 0)
              failures.push(`${dir}: kubectl fails (${ref.stderr.split('\n')[0]}) but we build`);
            continue;
          }
          built++;
          if (errors.length) failures.push(`${dir}: we fail: ${errors[0].message}`);
          else {
            try {
              assert.deepEqual(
                ours.objects.map((o) => toJS(o.node)),
                ref.docs,
              );
            } catch {
              failures.push(`${dir}: output differs from kubectl`);
            }
          }
        }
        assert.deepEqual(failures, []);
        assert.ok(
          built >= 20,
          `only ${built} of 60 generated overlays build with kubectl: the generator went wrong`,
        );
      });
    }
});
