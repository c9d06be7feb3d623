// Conformance of helm-controller's post-rendering (engine/render/postRender.ts) with the real
// binaries: `helm template ... --post-renderer SCRIPT`, where SCRIPT (test/support/postRenderer.ts)
// runs each of helm-controller's steps with the reference `kubectl kustomize`. Real charts from
// ../shared/charts. crds/ are left out on both sides: helm template hands them to the
// post-renderer, while helm-controller applies them apart from the release (with the origin
// labels only, unit-tested in test/unit/render/postRender.test.ts).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { loadChartDir } from '../../server/src/engine/render/chart';
import { postRender } from '../../server/src/engine/render/postRender';
import { renderChart } from '../../server/src/engine/render/render';
import { readChartValues } from '../../server/src/engine/template/chartValues';
import { YMap, toJS } from '../../server/src/engine/yaml/node';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { CHARTS, HELM, KUBECTL } from '../support/paths';
import { writePostRenderer } from '../support/postRenderer';

const KUBE_VERSION = '1.33.0';
const HR_NAME = 'web';
const HR_NS = 'apps';

interface Case {
  label: string;
  chart: string;
  /** spec.values of the HelmRelease (also given to helm with -f). */
  values?: Record<string, unknown>;
  postRenderers?: unknown[];
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Both sides must fail. */
  fails?: boolean;
}

const CASES: Case[] = [
  {
    label: 'podinfo: strategic merge without target, JSON6902 with target, images',
    chart: 'podinfo',
    postRenderers: [
      {
        kustomize: {
          patches: [
            {
              patch:
                'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: apps-web-podinfo\n  namespace: apps\n  labels:\n    patched: "yes"\nspec:\n  template:\n    spec:\n      containers:\n        - name: podinfo\n          env:\n            - name: EXTRA\n              value: "1"\n',
            },
            {
              target: { kind: 'Deployment' },
              patch:
                '- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /metadata/annotations\n  value:\n    owner: team-a\n',
            },
          ],
          images: [
            {
              name: 'ghcr.io/stefanprodan/podinfo',
              newName: 'registry.example/podinfo',
              newTag: '6.0.0',
            },
          ],
        },
      },
    ],
  },
  {
    label:
      'podinfo with hooks: two post-renderers in order, label-selected target, commonMetadata over which the origin labels win',
    chart: 'podinfo',
    values: { hooks: { preInstall: { job: { enabled: true } } }, redis: { enabled: true } },
    postRenderers: [
      {
        kustomize: {
          patches: [
            {
              target: { kind: 'Service', labelSelector: 'app.kubernetes.io/name=apps-web-podinfo' },
              patch:
                'apiVersion: v1\nkind: Service\nmetadata:\n  name: ignored\n  annotations:\n    first: "1"\n',
            },
          ],
        },
      },
      {
        kustomize: {
          patches: [
            {
              target: { kind: 'Service', annotationSelector: 'first=1' },
              patch: '- op: add\n  path: /metadata/annotations/second\n  value: "2"\n',
            },
          ],
        },
      },
    ],
    commonMetadata: {
      labels: { team: 'a', 'helm.toolkit.fluxcd.io/name': 'not-this' },
      annotations: { 'example.com/owner': 'a' },
    },
  },
  {
    label:
      'ingress-nginx: image by name with a digest, $patch: delete, Service patched by name and namespace',
    chart: 'ingress-nginx',
    postRenderers: [
      {
        kustomize: {
          images: [
            {
              name: 'registry.k8s.io/ingress-nginx/controller',
              newName: 'mirror.example/controller',
              newTag: 'v9',
            },
          ],
          patches: [
            {
              patch:
                '$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: apps-web-ingress-nginx-controller\n  namespace: apps\n',
            },
            {
              target: {
                kind: 'Service',
                name: 'apps-web-ingress-nginx-controller',
                namespace: 'apps',
              },
              patch: '- op: replace\n  path: /spec/type\n  value: ClusterIP\n',
            },
          ],
        },
      },
    ],
  },
  {
    label: 'metrics-server: commonMetadata only (no kustomize step, so no reordering)',
    chart: 'metrics-server',
    commonMetadata: { labels: { 'cost-center': '42' } },
  },
  {
    label: 'podinfo: a strategic merge patch without target that matches nothing fails',
    chart: 'podinfo',
    postRenderers: [
      {
        kustomize: {
          patches: [
            {
              patch:
                'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: absent\nspec:\n  replicas: 2\n',
            },
          ],
        },
      },
    ],
    fails: true,
  },
];

const skip = !fs.existsSync(CHARTS)
  ? 'charts absent (../shared/charts)'
  : !fs.existsSync(HELM) || !fs.existsSync(KUBECTL)
    ? 'helm/kubectl absent (scripts/install-reference-tools.sh)'
    : false;

function docs(text: string): unknown[] {
  return parseYaml(text, 'helm-output')
    .documents.map((d) => JSON.parse(JSON.stringify(toJS(d.root) ?? null)))
    .filter((d) => d !== null);
}

for (const c of CASES) {
  test(`post-render conformance: ${c.label}`, { skip }, () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postrender-'));
    try {
      const chartDir = path.join(CHARTS, c.chart);
      const valuesFile = path.join(tmp, 'values.yaml');
      fs.writeFileSync(valuesFile, stringify(c.values ?? {}));
      const script = writePostRenderer(tmp, { ...c, name: HR_NAME, namespace: HR_NS });
      const releaseName = `${HR_NS}-${HR_NAME}`;
      const helm = spawnSync(
        HELM,
        [
          'template',
          releaseName,
          chartDir,
          '-n',
          HR_NS,
          '-f',
          valuesFile,
          '--kube-version',
          KUBE_VERSION,
          '--skip-tests',
          '--post-renderer',
          script,
        ],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );

      // Ours: the HelmRelease read from a file, so patch origins point into it.
      const hrFile = path.join(tmp, 'helmrelease.yaml');
      const spec: Record<string, unknown> = {
        targetNamespace: HR_NS,
        chart: { spec: { chart: c.chart } },
        values: c.values ?? {},
      };
      if (c.postRenderers) spec.postRenderers = c.postRenderers;
      if (c.commonMetadata) spec.commonMetadata = c.commonMetadata;
      fs.writeFileSync(
        hrFile,
        stringify({
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: HR_NAME, namespace: HR_NS },
          spec,
        }),
      );
      const hr = parseYaml(fs.readFileSync(hrFile, 'utf8'), hrFile).documents[0].root as YMap;
      const disk = new DiskFileSystem();
      const chart = loadChartDir(disk, chartDir);
      const user = readChartValues(fs.readFileSync(valuesFile, 'utf8'), valuesFile, 'float').value;
      const rendered = renderChart(chart, user, {
        releaseName,
        namespace: HR_NS,
        kubeVersion: KUBE_VERSION,
        includeCrds: false,
        includeTests: false,
      });
      assert.deepEqual(rendered.errors, []);
      const ours = postRender(
        disk,
        hr,
        rendered.objects.filter((o) => o.object !== null),
      );
      if (c.fails) {
        assert.notEqual(helm.status, 0, 'helm with the kustomize post-renderer should fail');
        assert.equal(ours.objects.length, 0);
        assert.equal(ours.problems.length, 1);
        const p = ours.problems[0];
        assert.equal(p.step, 'render/postRenderers');
        assert.equal(p.span?.file, hrFile, 'the problem points into the HelmRelease');
        return;
      }
      assert.equal(helm.status, 0, helm.stderr);
      assert.deepEqual(ours.problems, []);
      const expected = docs(helm.stdout);
      const actual = ours.objects.map((o) => JSON.parse(JSON.stringify(o.object)));
      assert.equal(
        actual.length,
        expected.length,
        `object count: ours ${actual.map((a) => a.kind).join(',')}; helm ${expected.map((e) => (e as { kind: string }).kind).join(',')}`,
      );
      actual.forEach((a, i) =>
        assert.deepEqual(
          a,
          expected[i],
          `object ${i} (${ours.objects[i].source} ${ours.objects[i].kind}/${ours.objects[i].name})`,
        ),
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
