// Benchmark (not a test): a generated fleet of 50 clusters over a 2,000-component apps repository
// (in a temp folder): every cluster's objects and HelmRelease values in one process, cold (empty
// parse cache) then warm (same cache), time per cluster; and, for one cluster, what spawning the
// reference `kubectl kustomize` once per Flux Kustomization path costs (objects only, no values).
// Sizes: BENCH_CLUSTERS (50), BENCH_COMPONENTS (2000), BENCH_PER_CLUSTER (components each
// cluster gets, 200; windows over the apps repository so that all of it is used).
// Run: node out/bench/cluster.js (BENCH_NO_KUBECTL=1 skips the reference run).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { evaluateCluster } from '../server/src/engine/cluster/cluster';
import { DiskFileSystem } from '../server/src/engine/fs';
import { ParseCache } from '../server/src/engine/kustomize/loader';
import { KUBECTL } from '../test/support/paths';
import { median } from './stats';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 50);
const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 2000);
const PER_CLUSTER = Math.min(COMPONENTS, Number(process.env.BENCH_PER_CLUSTER ?? 200));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const app = (i: number) => `app-${String(i).padStart(4, '0')}`;

function generate(root: string): { fleet: string; apps: string } {
  const apps = path.join(root, 'apps');
  for (let i = 0; i < COMPONENTS; i++) {
    const c = path.join(apps, 'components', app(i));
    write(
      path.join(c, 'base', 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n  - values.yaml\n',
    );
    write(
      path.join(c, 'base', 'release.yaml'),
      `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${app(i)}
spec:
  interval: 10m
  chart:
    spec:
      chart: ${app(i)}
      version: "1.${i % 10}.x"
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
  valuesFrom:
    - kind: ConfigMap
      name: ${app(i)}-defaults
  values:
    replicaCount: 1
    image: {repository: registry.example.com/${app(i)}, tag: "1.0.${i}"}
    ingress: {enabled: false}
`,
    );
    write(
      path.join(c, 'base', 'values.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app(i)}-defaults
data:
  values.yaml: |
    resources:
      requests: {cpu: 100m, memory: 128Mi}
    cluster: \${CLUSTER_NAME}
    env:
      - {name: LOG_LEVEL, value: info}
`,
    );
    for (const env of ['staging', 'production']) {
      write(
        path.join(c, env, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${app(i)}\nresources:\n  - ../base\npatches:\n  - path: values-patch.yaml\n`,
      );
      write(
        path.join(c, env, 'values-patch.yaml'),
        `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${app(i)}
spec:
  values:
    replicaCount: ${env === 'production' ? 3 : 1}
    ingress:
      enabled: true
      host: ${app(i)}.\${CLUSTER_DOMAIN}
`,
      );
    }
  }
  const fleet = path.join(root, 'fleet');
  for (let c = 0; c < CLUSTERS; c++) {
    const name = `c${String(c).padStart(2, '0')}`;
    const dir = path.join(fleet, 'clusters', name);
    write(
      path.join(dir, 'flux-system', 'gotk-sync.yaml'),
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: https://git.example.com/fleet, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ./clusters/${name}
  sourceRef: {kind: GitRepository, name: flux-system}
`,
    );
    write(
      path.join(dir, 'runtime-info.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata: {name: runtime-info, namespace: flux-system}
data:
  ENVIRONMENT: ${c % 2 ? 'production' : 'staging'}
  CLUSTER_NAME: ${name}
  CLUSTER_DOMAIN: ${name}.example.com
`,
    );
    const docs = [
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {url: https://git.example.com/apps, ref: {branch: main}}
`,
    ];
    const start = Math.floor((c * COMPONENTS) / CLUSTERS);
    for (let k = 0; k < PER_CLUSTER; k++) {
      const i = (start + k) % COMPONENTS;
      docs.push(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${app(i)}, namespace: flux-system}
spec:
  interval: 10m
  path: ./components/${app(i)}/\${ENVIRONMENT}
  sourceRef: {kind: GitRepository, name: apps}
  postBuild:
    substituteFrom:
      - {kind: ConfigMap, name: runtime-info}
`);
    }
    // The root Kustomization substitutes ${ENVIRONMENT} in the paths, as d1 does.
    write(path.join(dir, 'apps.yaml'), docs.join('---\n'));
    write(
      path.join(dir, 'flux-system', 'gotk-sync.yaml'),
      fs.readFileSync(path.join(dir, 'flux-system', 'gotk-sync.yaml'), 'utf8') +
        '  postBuild:\n    substituteFrom:\n      - {kind: ConfigMap, name: runtime-info}\n',
    );
  }
  return { fleet, apps };
}

function main(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-bench-cluster-'));
  try {
    let t0 = performance.now();
    const { fleet, apps } = generate(tmp);
    console.log(
      `cluster: generated ${CLUSTERS} clusters x ${PER_CLUSTER} components over ${COMPONENTS} components in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    const disk = new DiskFileSystem();
    const sources = [{ key: 'https://git.example.com/apps', path: apps }];
    const cache = new ParseCache();
    const clusters = fs.readdirSync(path.join(fleet, 'clusters')).sort();
    const pass = (label: string) => {
      const times: number[] = [];
      let objects = 0;
      let releases = 0;
      let errors = 0;
      const start = performance.now();
      for (const c of clusters) {
        const t = performance.now();
        const r = evaluateCluster(disk, path.join(fleet, 'clusters', c), { sources, cache });
        times.push(performance.now() - t);
        objects += r.objects.length;
        releases += r.releases.length;
        errors += r.problems.filter((p) => p.severity === 'error').length;
      }
      const total = performance.now() - start;
      const sorted = [...times].sort((a, b) => a - b);
      console.log(
        `  ${label}: ${total.toFixed(0)} ms for ${clusters.length} clusters (${objects} objects, ${releases} releases, ${errors} errors); per cluster median ${median(times).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`,
      );
      console.log(`    per cluster (ms): ${times.map((x) => x.toFixed(0)).join(' ')}`);
      return median(times);
    };
    const cold = pass('cold (empty parse cache)');
    const warm = pass('warm (same parse cache)');
    if (fs.existsSync(KUBECTL) && !process.env.BENCH_NO_KUBECTL) {
      // Reference for one cluster: kubectl kustomize per path (no substitution, no values).
      const r = evaluateCluster(disk, path.join(fleet, 'clusters', clusters[0]), {
        sources,
        cache,
      });
      const dirs = r.appliers.map((a) => a.dir).filter((d): d is string => !!d);
      t0 = performance.now();
      for (const d of dirs)
        spawnSync(KUBECTL, ['kustomize', '--load-restrictor=LoadRestrictionsNone', d], {
          encoding: 'utf8',
        });
      const ref = performance.now() - t0;
      console.log(
        `  kubectl kustomize once per path of ${clusters[0]} (${dirs.length} paths, objects only): ${ref.toFixed(0)} ms; ratio kubectl / ours: ${(ref / cold).toFixed(1)}x cold, ${(ref / warm).toFixed(1)}x warm`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
