// Through the real server over stdio: the hover on a Helm values key lists the rendered fields
// the key produced (trusted workspaces only), and the fluxOverlays.kubeVersion and
// fluxOverlays.apiVersions settings reach the chart as .Capabilities, in the manifests preview
// and in the hover, with the API versions of the workspace's CRDs, as the real `helm template
// --kube-version --api-versions` gives them.
// The chart is written here: templates/cm.yaml line 6 is `  kube: {{ .Capabilities...}}`,
// line 8 `  replicas: {{ .Values.replicas | quote }}`.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as YAML from 'yaml';
import { HELM } from '../support/paths';
import { write } from '../unit/git/repo';
import { TestClient, uriOf } from './client';

const ROOT = path.resolve(__dirname, '../../..');

const TEMPLATE = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: {{ .Release.Name }}-caps',
  'data:',
  '  kube: {{ .Capabilities.KubeVersion.Version | quote }}',
  '  has: {{ .Capabilities.APIVersions.Has "example.com/v1" | quote }}',
  '  replicas: {{ .Values.replicas | quote }}',
  '  widget: {{ .Capabilities.APIVersions.Has "example.org/v1alpha1/Widget" | quote }}',
  '',
].join('\n');

function fixture(dir: string): void {
  write(dir, {
    // A CRD elsewhere in the workspace: a cluster with it installed serves its API.
    'infrastructure/crds/widget.yaml':
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.org\nspec:\n  group: example.org\n  names:\n    kind: Widget\n    plural: widgets\n  scope: Namespaced\n  versions:\n    - name: v1alpha1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n',
    'charts/caps/Chart.yaml': 'apiVersion: v2\nname: caps\nversion: 0.1.0\n',
    'charts/caps/values.yaml': 'replicas: 1\n',
    'charts/caps/templates/cm.yaml': TEMPLATE,
    'apps/caps/base/kustomization.yaml': 'resources:\n  - release.yaml\n',
    'apps/caps/base/release.yaml':
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: caps\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/caps\n      sourceRef:\n        kind: GitRepository\n        name: apps\n        namespace: flux-system\n  values:\n    replicas: 2\n',
    'apps/caps/production/kustomization.yaml':
      'resources:\n  - ../base\npatches:\n  - path: values.yaml\n',
    'apps/caps/production/values.yaml':
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: caps\n  namespace: apps\nspec:\n  values:\n    replicas: 3\n',
  });
}

/** The lines the real helm renders with these capabilities. */
function helmData(dir: string, args: string[]): string[] {
  const out = execFileSync(
    HELM,
    [
      'template',
      'caps',
      path.join(dir, 'charts/caps'),
      '-n',
      'apps',
      '--set',
      'replicas=3',
      ...args,
    ],
    { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: os.tmpdir() } },
  );
  return out.split('\n');
}

describe(
  'hover: rendered fields; kubeVersion and apiVersions settings',
  { skip: !fs.existsSync(HELM) && 'helm absent (scripts/install-reference-tools.sh)' },
  () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-rendered-fields-'));
      fixture(dir);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const SETTINGS = { kubeVersion: '1.29.3', apiVersions: ['example.com/v1'] };

    it('render the chart with the capabilities the settings give, as helm does', async () => {
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(dir, SETTINGS);
        const r = await c.request<{ content: string }>('fluxOverlays/renderOverlay', {
          uri: uriOf(path.join(dir, 'apps/caps/production')),
          overlay: 'production',
          releaseManifests: true,
        });
        // The preview prints the objects again (keys sorted, quoting its own): compare values.
        const data = (lines: string[]) =>
          Object.fromEntries(
            lines
              .filter((l) => /^ {2}(kube|has|replicas|widget): /.test(l))
              .map((l) => Object.entries(YAML.parse(l.trim()) as object)[0]),
          );
        const want = data(
          helmData(dir, [
            '--kube-version',
            '1.29.3',
            '--api-versions',
            'example.com/v1',
            '--api-versions',
            'example.org/v1alpha1/Widget',
          ]),
        );
        assert.deepEqual(data(r.content.split('\n')), want);
        assert.deepEqual(want, { kube: 'v1.29.3', has: 'true', replicas: '3', widget: 'true' });
      } finally {
        await c.shutdown();
      }
    });

    it('say a kubeVersion setting that is no version, and render with the default', async () => {
      const c = TestClient.ours(ROOT);
      try {
        await c.initialize(dir, { kubeVersion: 'abc' });
        const r = await c.request<{
          content: string;
          problems: { severity: string; message: string }[];
        }>('fluxOverlays/renderOverlay', {
          uri: uriOf(path.join(dir, 'apps/caps/production')),
          overlay: 'production',
          releaseManifests: true,
        });
        assert.ok(
          r.problems.some(
            (p) =>
              p.severity === 'warning' &&
              p.message ===
                `fluxOverlays.kubeVersion "abc" is not a Kubernetes version (like 1.29 or v1.29.3): charts are rendered with Helm's default`,
          ),
          JSON.stringify(r.problems),
        );
        const kube = /^ {2}kube: (.*)$/m.exec(r.content)?.[1];
        const helmKube = helmData(dir, [])
          .find((l) => l.startsWith('  kube: '))
          ?.slice('  kube: '.length);
        assert.equal(YAML.parse(kube ?? ''), YAML.parse(helmKube ?? ''));
      } finally {
        await c.shutdown();
      }
    });

    for (const trusted of [true, false])
      it(`hover lists the fields a key produced ${trusted ? 'when trusted' : 'never in restricted mode'}`, async () => {
        const c = TestClient.ours(ROOT);
        try {
          await c.initialize(dir, SETTINGS, { trusted });
          const file = path.join(dir, 'apps/caps/production/values.yaml');
          const text = fs.readFileSync(file, 'utf8');
          c.open(uriOf(file), text);
          const line = text.split('\n').findIndex((l) => l.trim() === 'replicas: 3');
          const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
            textDocument: { uri: uriOf(file) },
            position: { line, character: 6 },
          });
          const md = h?.contents.value ?? '';
          const listed =
            '**replicas** renders in `production` (HelmRelease apps/caps) to:\n\n' +
            '- `ConfigMap caps-caps` `data.replicas`: "3" (`caps/templates/cm.yaml:8`)';
          if (trusted) assert.ok(md.includes(listed), md);
          else {
            assert.match(md, /\*\*replicas\*\* in release `caps`/);
            assert.doesNotMatch(md, /renders in/);
          }
        } finally {
          await c.shutdown();
        }
      });
  },
);
