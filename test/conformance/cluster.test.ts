// Conformance of `flux-overlays cluster` on real fleets of the shared corpus: for every Flux
// Kustomization a cluster applies, the objects we say it applies equal the real
// `kubectl kustomize` of the same folder, built with the kustomization file kustomize-controller
// writes there (written into a temporary copy of the source, never into the corpus) and with the
// same postBuild variables substituted. Plus the facts of each fleet that must hold (which
// Kustomizations apply, from which repository, which HelmReleases the cluster gets).

import { strict as assert } from 'assert';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, describe, it } from 'node:test';
import {
  ApplierReport,
  ClusterResult,
  applierId,
  evaluateCluster,
} from '../../server/src/engine/cluster/cluster';
import { DiskFileSystem, MemoryFileSystem } from '../../server/src/engine/fs';
import { ParseCache } from '../../server/src/engine/kustomize/loader';
import { substituteDocuments } from '../../server/src/engine/substitute/postBuild';
import { YMap, get, getString, isMap, toJS } from '../../server/src/engine/yaml/node';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { objectKey } from '../../server/src/engine/cluster/resourceSet';
import { kubectlKustomize } from '../support/kubectl';
import { CORPUS, corpusAvailable, kubectlAvailable } from '../support/paths';

const fs = new DiskFileSystem();
const cache = new ParseCache();
const tmpRoot = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'flux-overlays-cluster-'));
after(() => nodeFs.rmSync(tmpRoot, { recursive: true, force: true }));

const copies = new Map<string, string>();
/** A temporary copy of a source folder (the corpus is never written). */
function copyOf(src: string): string {
  let c = copies.get(src);
  if (!c) {
    c = path.join(tmpRoot, String(copies.size));
    nodeFs.cpSync(src, c, { recursive: true });
    copies.set(src, c);
  }
  return c;
}

/** kubectl kustomize of the applier's folder with Flux's kustomization, then its variables substituted. */
function reference(a: ApplierReport): { ok: boolean; docs: Map<string, unknown>; stderr: string } {
  const srcRoot = a.source!.path!;
  const copy = copyOf(srcRoot);
  const dir = path.join(copy, path.relative(srcRoot, a.dir!));
  let restore: (() => void) | undefined;
  if (a.generated) {
    const target = path.join(copy, path.relative(srcRoot, a.generated.file));
    const before = nodeFs.existsSync(target) ? nodeFs.readFileSync(target, 'utf8') : undefined;
    nodeFs.writeFileSync(target, a.generated.text);
    restore = () =>
      before === undefined ? nodeFs.rmSync(target) : nodeFs.writeFileSync(target, before);
  }
  try {
    const ref = kubectlKustomize(dir, ['--load-restrictor=LoadRestrictionsNone']);
    if (!ref.ok) return { ok: false, docs: new Map(), stderr: ref.stderr };
    const text = ref.docs.map((d) => JSON.stringify(d)).join('\n---\n');
    const mem = new MemoryFileSystem(undefined, { '/ref.yaml': text });
    let docs = parseYaml(text, '/ref.yaml')
      .documents.map((d) => d.root)
      .filter(isMap) as YMap[];
    if (a.variables) {
      const vars = new Map(Object.entries(a.variables).map(([k, v]) => [k, { value: v }]));
      docs = substituteDocuments(docs, mem, vars).documents;
    }
    return { ok: true, docs: new Map(docs.map((d) => [objectKey(d), toJS(d)])), stderr: '' };
  } finally {
    restore?.();
  }
}

function checkAgainstKubectl(r: ClusterResult): number {
  let compared = 0;
  for (const a of r.appliers) {
    if (a.ref.kind === 'ResourceSet' || !a.dir || !a.source?.path) continue;
    const id = applierId(a.ref);
    const ours = r.objects.filter((o) => applierId(o.chain[o.chain.length - 1]) === id);
    const ref = reference(a);
    if (!ref.ok) {
      assert.notEqual(
        a.status,
        'applied',
        `kubectl kustomize fails on ${a.dir} but we apply it: ${ref.stderr}`,
      );
      continue;
    }
    if (a.status !== 'applied') continue;
    for (const o of ours) {
      assert.ok(
        ref.docs.has(o.key),
        `${id}: we apply ${o.key}, kubectl kustomize of ${a.dir} does not have it`,
      );
      assert.deepEqual(
        toJS(o.node),
        ref.docs.get(o.key),
        `${id}: ${o.key} differs from kubectl kustomize of ${a.dir}`,
      );
      compared++;
    }
    for (const key of ref.docs.keys()) {
      if (ours.some((o) => o.key === key)) continue;
      const owner = r.objects.find((o) => o.key === key);
      assert.ok(
        owner,
        `${id}: kubectl kustomize of ${a.dir} has ${key}, which the cluster does not get`,
      );
    }
  }
  return compared;
}

const C = (p: string) => path.join(CORPUS, p);

interface Case {
  name: string;
  entry: string;
  sources: { key: string; path: string }[];
  assumePropagated?: boolean;
  /** Appliers that must apply (kind/namespace/name) and their folder relative to the corpus. */
  applied: Record<string, string>;
  releases: string[];
  /** Problem codes that must be reported (and no other errors). */
  errors?: string[];
}

const d1Sources = (branch?: string) => [
  {
    key: `https://github.com/controlplaneio-fluxcd/d1-apps.git${branch ? '@' + branch : ''}`,
    path: C('controlplaneio-fluxcd__d1-apps'),
  },
  {
    key: 'https://github.com/controlplaneio-fluxcd/d1-infra',
    path: C('controlplaneio-fluxcd__d1-infra'),
  },
];
const d2Sources = [
  {
    key: 'oci://ghcr.io/controlplaneio-fluxcd/d2-apps',
    path: C('controlplaneio-fluxcd__d2-apps/components'),
  },
  {
    key: 'oci://ghcr.io/controlplaneio-fluxcd/d2-infra',
    path: C('controlplaneio-fluxcd__d2-infra/components'),
  },
];
const keosSources = [
  {
    key: 'https://github.com/forselli-stratio/keos-apps-test.git',
    path: C('forselli-stratio__keos-apps-test'),
  },
  {
    key: 'https://github.com/forselli-stratio/keos-system-services-test.git',
    path: C('forselli-stratio__keos-system-services-test'),
  },
];

const cases: Case[] = [
  {
    name: 'd1-fleet staging',
    entry: 'controlplaneio-fluxcd__d1-fleet/clusters/staging',
    sources: d1Sources(),
    applied: {
      'Kustomization/flux-system/flux-apps-tenant': 'controlplaneio-fluxcd__d1-fleet/tenants/apps',
      'Kustomization/backend/flux-backend':
        'controlplaneio-fluxcd__d1-apps/components/backend/staging',
      'Kustomization/frontend/flux-frontend':
        'controlplaneio-fluxcd__d1-apps/components/frontend/staging',
      'Kustomization/flux-system/monitoring-configs':
        'controlplaneio-fluxcd__d1-infra/components/monitoring/configs/staging',
      'ResourceSet/flux-system/flux-operator': '',
    },
    releases: [
      'backend/redis',
      'backend/memcached',
      'frontend/podinfo',
      'monitoring/kube-prometheus-stack',
      'kyverno/kyverno',
      'flux-system/flux-operator',
    ],
  },
  {
    name: 'd1-fleet prod-eu (production branch of d1-apps)',
    entry: 'controlplaneio-fluxcd__d1-fleet/clusters/prod-eu',
    sources: d1Sources('production'),
    applied: {
      'Kustomization/backend/flux-backend':
        'controlplaneio-fluxcd__d1-apps/components/backend/production',
      'Kustomization/flux-system/monitoring-controllers':
        'controlplaneio-fluxcd__d1-infra/components/monitoring/controllers/production',
    },
    releases: ['backend/redis', 'frontend/podinfo'],
  },
  {
    name: 'd2-fleet staging (ResourceSets)',
    entry: 'controlplaneio-fluxcd__d2-fleet/clusters/staging',
    sources: d2Sources,
    applied: {
      'Kustomization/flux-system/tenants': 'controlplaneio-fluxcd__d2-fleet/tenants',
      'ResourceSet/flux-system/apps': '',
      'ResourceSet/flux-system/infra': '',
      'Kustomization/frontend/apps': 'controlplaneio-fluxcd__d2-apps/components/frontend/staging',
      'Kustomization/backend/apps': 'controlplaneio-fluxcd__d2-apps/components/backend/staging',
      'Kustomization/monitoring/infra-configs':
        'controlplaneio-fluxcd__d2-infra/components/monitoring/configs/staging',
    },
    releases: [
      'frontend/podinfo',
      'backend/redis',
      'cert-manager/cert-manager',
      'monitoring/kube-prometheus-stack',
    ],
  },
  {
    name: 'd2-fleet prod-eu',
    entry: 'controlplaneio-fluxcd__d2-fleet/clusters/prod-eu',
    sources: d2Sources,
    applied: {
      'Kustomization/frontend/apps':
        'controlplaneio-fluxcd__d2-apps/components/frontend/production',
    },
    releases: ['frontend/podinfo'],
  },
  {
    name: 'keos-fleet eosdev2 (runtime ConfigMap assumed propagated)',
    entry: 'forselli-stratio__keos-fleet-test/clusters/eosdev2/default',
    sources: keosSources,
    assumePropagated: true,
    applied: {
      'Kustomization/flux-system/default':
        'forselli-stratio__keos-fleet-test/clusters/eosdev2/default',
      'Kustomization/flux-system/apps-components-override':
        'forselli-stratio__keos-fleet-test/clusters/eosdev2/override/apps',
      'Kustomization/stratio-apps/apps-connectors-management':
        'forselli-stratio__keos-apps-test/components/connectors-management/S',
      'Kustomization/flux-system/system-services-gosec-configs':
        'forselli-stratio__keos-system-services-test/components/gosec/configs/talk-to-your-data',
    },
    releases: ['stratio-apps/connectors-management', 'stratio-datastores/postgres-agent'],
  },
  {
    name: 'keos-fleet eosdev2 as git alone has it',
    entry: 'forselli-stratio__keos-fleet-test/clusters/eosdev2/default',
    sources: keosSources,
    applied: {
      'Kustomization/flux-system/apps-components':
        'forselli-stratio__keos-fleet-test/domain/apps/talk-to-your-data/components',
    },
    releases: [],
    errors: ['cluster-substitute-from-missing', 'cluster-dependency-failed'],
  },
  {
    name: 'keos-fleet example-override-helm branch',
    entry:
      'forselli-stratio__keos-fleet-test__branch-example-override-helm/clusters/eosdev2/default',
    sources: keosSources,
    assumePropagated: true,
    applied: {
      'Kustomization/flux-system/flux-system-services-domain-components-override':
        'forselli-stratio__keos-fleet-test__branch-example-override-helm/clusters/eosdev2/override/system-services',
      'Kustomization/kube-system/gosec-configs':
        'forselli-stratio__keos-system-services-test/components/gosec/configs/talk-to-your-data',
    },
    releases: [],
    // The branch predates keos-apps' rename of the `small` overlays to `S`.
    errors: ['cluster-path-missing'],
  },
  {
    name: 'keos-fleet example-override-cr branch',
    entry: 'forselli-stratio__keos-fleet-test__branch-example-override-cr/clusters/eosdev2/default',
    sources: keosSources,
    assumePropagated: true,
    applied: {
      'Kustomization/flux-system/flux-apps-domain-components-override':
        'forselli-stratio__keos-fleet-test__branch-example-override-cr/clusters/eosdev2/override/apps',
    },
    releases: [],
    errors: ['cluster-path-missing'],
  },
  {
    name: 'flux2-multi-tenancy staging',
    entry: 'fluxcd__flux2-multi-tenancy/clusters/staging',
    sources: [
      {
        key: 'https://github.com/fluxcd/flux2-multi-tenancy@dev-team',
        path: C('fluxcd__flux2-multi-tenancy__branch-dev-team'),
      },
    ],
    applied: {
      'Kustomization/flux-system/tenants': 'fluxcd__flux2-multi-tenancy/tenants/staging',
      'Kustomization/apps/dev-team': 'fluxcd__flux2-multi-tenancy__branch-dev-team/staging',
    },
    releases: ['apps/podinfo'],
    // kyverno's manifests come from an OCI artifact nobody mapped.
    errors: ['cluster-source-unavailable'],
  },
  {
    name: 'flux2-multi-tenancy production',
    entry: 'fluxcd__flux2-multi-tenancy/clusters/production',
    sources: [
      {
        key: 'https://github.com/fluxcd/flux2-multi-tenancy@dev-team',
        path: C('fluxcd__flux2-multi-tenancy__branch-dev-team'),
      },
    ],
    applied: {
      'Kustomization/apps/dev-team': 'fluxcd__flux2-multi-tenancy__branch-dev-team/production',
    },
    releases: ['apps/podinfo'],
    errors: ['cluster-source-unavailable'],
  },
];

describe('cluster: real fleets vs kubectl kustomize', () => {
  if (!corpusAvailable() || !kubectlAvailable()) {
    it('skipped: corpus or reference kubectl not available', { skip: true }, () => {});
    return;
  }
  for (const c of cases) {
    it(c.name, () => {
      const r = evaluateCluster(fs, C(c.entry), {
        sources: c.sources,
        cache,
        showSecrets: true,
        assumePropagated: c.assumePropagated,
      });
      const internal = r.problems.filter((p) => p.code === 'internal');
      assert.deepEqual(internal, [], 'internal errors');
      const errorCodes = [
        ...new Set(r.problems.filter((p) => p.severity === 'error').map((p) => p.code)),
      ].sort();
      assert.deepEqual(
        errorCodes,
        [...(c.errors ?? [])].sort(),
        `errors: ${r.problems
          .filter((p) => p.severity === 'error')
          .map((p) => p.message)
          .join('\n')}`,
      );
      for (const [id, dir] of Object.entries(c.applied)) {
        const a = r.appliers.find((x) => applierId(x.ref) === id);
        assert.ok(
          a,
          `${id} is not among the appliers: ${r.appliers.map((x) => applierId(x.ref)).join(', ')}`,
        );
        assert.equal(a.status, 'applied', `${id} did not apply`);
        if (dir) assert.equal(a.dir, C(dir), `${id} built another folder`);
      }
      const releases = r.releases.map((x) => `${x.namespace}/${x.name}`);
      for (const rel of c.releases)
        assert.ok(
          releases.includes(rel),
          `HelmRelease ${rel} missing (got ${releases.join(', ')})`,
        );
      // Every object names the chain that produced it, starting at the root.
      for (const o of r.objects) assert.ok(o.chain.length >= 1, `${o.key} has no chain`);
      const compared = checkAgainstKubectl(r);
      assert.ok(compared > 0, 'nothing compared against kubectl');
    });
  }

  it('d1-fleet staging: a value set in d1-apps reaches the release with its origin in d1-apps', () => {
    const r = evaluateCluster(fs, C('controlplaneio-fluxcd__d1-fleet/clusters/staging'), {
      sources: d1Sources(),
      cache,
    });
    const podinfo = r.releases.find((x) => x.name === 'podinfo')!;
    assert.ok(podinfo, 'podinfo release');
    assert.deepEqual(
      podinfo.chain.map((a) => `${a.kind}/${a.namespace}/${a.name}`),
      [
        'FluxInstance/flux-system/flux',
        'Kustomization/flux-system/flux-apps-tenant',
        'Kustomization/frontend/flux-frontend',
      ],
    );
    const files = new Set<string>();
    const walk = (n: ReturnType<typeof get>) => {
      if (!n) return;
      if (n.origin) files.add(n.origin.file);
      if (n.kind === 'map') for (const p of n.pairs) walk(p.value);
      else if (n.kind === 'seq') for (const i of n.items) walk(i);
    };
    walk(podinfo.values);
    assert.ok(
      [...files].some((f) =>
        f.startsWith(C('controlplaneio-fluxcd__d1-apps/components/frontend/')),
      ),
      `origins: ${[...files].join(', ')}`,
    );
    // The Kustomization's spec.patches (serviceAccountName) reach the HelmRelease, with their origin in d1-fleet.
    const sa = get(get(podinfo.release, 'spec'), 'serviceAccountName');
    assert.equal(getString(get(podinfo.release, 'spec'), 'serviceAccountName'), 'flux-apps');
    assert.equal(
      sa?.origin?.file,
      C('controlplaneio-fluxcd__d1-fleet/tenants/apps/components/frontend/sync.yaml'),
    );
  });

  it('d2-fleet staging: ResourceSet inputs reach the generated Kustomizations, substituted first by the tenants Kustomization', () => {
    const r = evaluateCluster(fs, C('controlplaneio-fluxcd__d2-fleet/clusters/staging'), {
      sources: d2Sources,
      cache,
    });
    const repo = r.objects.find(
      (o) => o.key === 'source.toolkit.fluxcd.io/OCIRepository/frontend/apps',
    )!;
    assert.ok(repo, 'frontend OCIRepository');
    assert.equal(getString(get(get(repo.node, 'spec'), 'ref'), 'tag'), 'latest');
    assert.equal(
      getString(get(repo.node, 'spec'), 'url'),
      'oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend',
    );
    assert.deepEqual(
      repo.chain.map((a) => a.kind),
      ['FluxInstance', 'Kustomization', 'ResourceSet'],
    );
    // The template line in d2-fleet/tenants/apps.yaml is where the value comes from.
    assert.equal(
      get(get(get(repo.node, 'spec'), 'ref'), 'tag')?.origin?.file,
      C('controlplaneio-fluxcd__d2-fleet/tenants/apps.yaml'),
    );
    // copyFrom: the tenant's flux-runtime-info holds flux-system's data.
    const cm = r.objects.find((o) => o.key === '/ConfigMap/frontend/flux-runtime-info')!;
    assert.equal(getString(get(cm.node, 'data'), 'ENVIRONMENT'), 'staging');
  });
});
