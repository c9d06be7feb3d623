// Where each rendered line comes from (render options.origins, template --show-origin), on the
// real podinfo chart of ../shared/charts. Expected lines were read by hand from the chart:
// templates/deployment.yaml line 10 is `  replicas: {{ .Values.replicaCount }}`, line 7 is
// `    {{- include "podinfo.labels" . | nindent 4 }}`, line 25 is
// `        prometheus.io/port: "{{ .Values.service.httpPort }}"`; values.yaml line 38 is
// `  httpPort: 9898`; the d1 production overlay's podinfo-values.yaml line 7 is
// `    replicaCount: 2`.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { fieldOrigins, renderChart } from '../../../server/src/engine/render/render';
import { GoMap, fromJS } from '../../../server/src/engine/template/value';
import { PROJECT_ROOT } from '../../support/paths';
import { folderEntries, tgz } from '../../support/tgz';

const CHARTS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts');
const CORPUS = path.resolve(PROJECT_ROOT, '..', 'shared', 'corpus');
const PODINFO = path.join(CHARTS, 'podinfo');
const DEPLOYMENT = 'podinfo/templates/deployment.yaml';
const HELPERS = 'podinfo/templates/_helpers.tpl';

function render(values: unknown = {}, origins = true) {
  const chart = loadChartDir(new DiskFileSystem(), PODINFO);
  const r = renderChart(chart, fromJS(values) as GoMap, {
    releaseName: 'rel',
    namespace: 'ns',
    origins,
  });
  assert.deepEqual(r.errors, []);
  return r.objects;
}

function deployment(origins: boolean, values: unknown = {}) {
  return render(values, origins).find((o) => o.kind === 'Deployment')!;
}

function originOfLine(o: ReturnType<typeof deployment>, re: RegExp) {
  const i = o.text.split('\n').findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line ${re}`);
  return o.lineOrigins?.[i];
}

describe('rendered line origins', { skip: !fs.existsSync(PODINFO) && 'no podinfo chart' }, () => {
  it('say the template line that wrote each line, and the .Values path it printed', () => {
    const o = deployment(true);
    assert.deepEqual(originOfLine(o, /^ {2}replicas: 1$/), {
      template: DEPLOYMENT,
      line: 10,
      values: ['replicaCount'],
    });
    assert.deepEqual(originOfLine(o, /prometheus\.io\/port: "9898"/), {
      template: DEPLOYMENT,
      line: 25,
      values: ['service', 'httpPort'],
    });
    // An include's lines (`include "podinfo.labels" . | nindent 4`) are the define's lines
    // (_helpers.tpl line 44 `helm.sh/chart: {{ include "podinfo.chart" . }}`, line 49
    // `app.kubernetes.io/managed-by: ...`), through a nested include printed as is (line 45
    // `{{ include "podinfo.selectorLabels" . }}`, whose line 56 is `app.kubernetes.io/name: ...`).
    assert.deepEqual(originOfLine(o, /helm\.sh\/chart: podinfo-/), {
      template: HELPERS,
      line: 44,
    });
    assert.deepEqual(originOfLine(o, /^ {4}app\.kubernetes\.io\/name: rel-podinfo$/), {
      template: HELPERS,
      line: 56,
    });
    assert.deepEqual(originOfLine(o, /^kind: Deployment$/), { template: DEPLOYMENT, line: 2 });
    // Line 39 `image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"` prints two values.
    assert.deepEqual(originOfLine(o, /^ {10}image: "ghcr\.io\/stefanprodan\/podinfo:/), {
      template: DEPLOYMENT,
      line: 39,
      values: ['image', 'repository'],
      also: [['image', 'tag']],
    });
    // By field path, through the parsed object's nodes.
    const byPath = fieldOrigins(o);
    assert.deepEqual(byPath.get('spec.replicas'), {
      template: DEPLOYMENT,
      line: 10,
      values: ['replicaCount'],
    });
    assert.deepEqual(byPath.get('metadata.labels.app.kubernetes.io/managed-by'), {
      template: HELPERS,
      line: 49,
    });
  });

  it('are recorded only when asked', () => {
    assert.equal(deployment(false).lineOrigins, undefined);
  });

  // templates/deployment.yaml line 202 is `{{ toYaml .Values.resources | indent 12 }}`.
  it('give each line of a map printed with toYaml its own key', () => {
    const o = deployment(true, {
      resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '10m' } },
    });
    const at = (re: RegExp) => originOfLine(o, re);
    assert.deepEqual(at(/^ {12}limits:$/), {
      template: DEPLOYMENT,
      line: 202,
      values: ['resources', 'limits'],
    });
    assert.deepEqual(at(/^ {14}cpu: 100m$/), {
      template: DEPLOYMENT,
      line: 202,
      values: ['resources', 'limits', 'cpu'],
    });
    assert.deepEqual(at(/^ {14}memory: 64Mi$/)?.values, ['resources', 'limits', 'memory']);
    assert.deepEqual(at(/^ {12}requests:$/)?.values, ['resources', 'requests']);
    assert.deepEqual(at(/^ {14}cpu: 10m$/)?.values, ['resources', 'requests', 'cpu']);
    assert.deepEqual(fieldOrigins(o).get('spec.template.spec.containers[0].resources.limits.cpu'), {
      template: DEPLOYMENT,
      line: 202,
      values: ['resources', 'limits', 'cpu'],
    });
  });

  // templates/ingress.yaml: line 3 `{{- $svcPort := .Values.service.externalPort -}}`, line 16
  // `{{- toYaml . | nindent 4 }}` inside line 14's `with .Values.ingress.annotations`, line 31
  // `{{- range .Values.ingress.hosts }}`, 32 `- host: {{ .host | quote }}`, 35
  // `{{- range .paths }}`, 36 `- path: {{ .path }}`, 42 `number: {{ $svcPort }}`.
  // templates/deployment.yaml: line 172 `{{- with .Values.probes.liveness }}`, 175
  // `failureThreshold: {{ .failureThreshold | default 3 }}`; line 26
  // `{{- range $key, $value := .Values.podAnnotations }}`, 27 `{{ $key }}: {{ $value | quote }}`.
  it('follow values through variables, with and range', () => {
    const objects = render({
      ingress: {
        enabled: true,
        annotations: { 'a.io/x': 'one', 'b.io/y': 'two' },
        hosts: [
          { host: 'one.example', paths: [{ path: '/', pathType: 'Prefix' }] },
          { host: 'two.example', paths: [{ path: '/a', pathType: 'Prefix' }] },
        ],
      },
      podAnnotations: { 'c.io/z': 'three' },
    });
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    const INGRESS = 'podinfo/templates/ingress.yaml';
    const at = (re: RegExp) => originOfLine(ingress, re);
    assert.deepEqual(at(/number: 9898$/), {
      template: INGRESS,
      line: 42,
      values: ['service', 'externalPort'],
    });
    assert.deepEqual(at(/host: "two\.example"$/), {
      template: INGRESS,
      line: 32,
      values: ['ingress', 'hosts', 1, 'host'],
    });
    assert.deepEqual(at(/- path: \/a$/), {
      template: INGRESS,
      line: 36,
      values: ['ingress', 'hosts', 1, 'paths', 0, 'path'],
    });
    assert.deepEqual(at(/b\.io\/y: two$/), {
      template: INGRESS,
      line: 16,
      values: ['ingress', 'annotations', 'b.io/y'],
    });
    const d = objects.find((o) => o.kind === 'Deployment')!;
    assert.deepEqual(originOfLine(d, /^ {12}failureThreshold: 3$/), {
      template: DEPLOYMENT,
      line: 175,
      values: ['probes', 'liveness', 'failureThreshold'],
    });
    assert.deepEqual(originOfLine(d, /c\.io\/z: "three"$/), {
      template: DEPLOYMENT,
      line: 27,
      values: ['podAnnotations', 'c.io/z'],
    });
  });

  const d1 = path.join(CORPUS, 'controlplaneio-fluxcd__d1-apps');
  it(
    'template --show-origin ends value lines with the template line and where the value was set',
    { skip: !fs.existsSync(d1) && 'no d1 corpus' },
    () => {
      const dir = path.join(d1, 'components', 'frontend', 'production');
      const r = spawnSync(
        process.execPath,
        [
          path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js'),
          'template',
          dir,
          '--chart',
          PODINFO,
          '--release',
          'frontend/podinfo',
          '--show-origin',
        ],
        { encoding: 'utf8', cwd: PROJECT_ROOT },
      );
      assert.equal(r.status, 0, r.stderr);
      const line = (re: RegExp) => r.stdout.split('\n').find((l) => re.test(l)) ?? '';
      const values = path.relative(PROJECT_ROOT, path.join(dir, 'podinfo-values.yaml'));
      assert.equal(
        line(/^ {2}replicas: /),
        `  replicas: 2 # ${DEPLOYMENT}:10, .Values.replicaCount from ${values}:7 (values)`,
      );
      const chartValues = path.relative(PROJECT_ROOT, path.join(PODINFO, 'values.yaml'));
      assert.equal(
        line(/prometheus\.io\/port/).trim(),
        `prometheus.io/port: "9898" # ${DEPLOYMENT}:25, .Values.service.httpPort from ${chartValues}:38 (chart default)`,
      );
      // Two values on one line (deployment.yaml:39); values.yaml lines 10 and 11 set them.
      assert.equal(
        line(/^ {8}image: /).trim(),
        `image: ghcr.io/stefanprodan/podinfo:6.14.1 # ${DEPLOYMENT}:39, .Values.image.repository from ${chartValues}:10 (chart default), .Values.image.tag from ${chartValues}:11 (chart default)`,
      );
    },
  );
});

// Charts read from archives, and an aliased subchart: the podinfo chart packed at test time
// (test/support/tgz.ts) into Helm's repository cache, or vendored as parent/charts/*.tgz under
// the alias `front`. Lines read by hand: podinfo's values.yaml line 38 is `  httpPort: 9898`,
// 40 `  grpcPort: 9999`, 268 `    cpu: 1m` (under resources.requests); templates/service.yaml
// line 33 is `    - port: {{ .Values.service.grpcPort }}`, deployment.yaml line 115
// `value: {{ quote .Values.ui.color }}`, 202 `{{ toYaml .Values.resources | indent 12 }}`.
describe(
  'rendered line origins from archives and aliased subcharts',
  { skip: !fs.existsSync(PODINFO) && 'no podinfo chart' },
  () => {
    const RELEASE = (chart: string, version: string, values: string) =>
      [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: HelmRepository',
        'metadata:',
        '  name: charts',
        '  namespace: apps',
        'spec:',
        '  url: https://charts.invalid',
        '---',
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata:',
        '  name: web',
        '  namespace: apps',
        'spec:',
        '  chart:',
        '    spec:',
        `      chart: ${chart}`,
        `      version: ${version}`,
        '      sourceRef:',
        '        kind: HelmRepository',
        '        name: charts',
        '  values:',
        values,
      ].join('\n') + '\n';
    // Line 23 of RELEASE is the first line of `values`.
    const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'fo-origins-'));
    const overlay = (root: string, release: string) => {
      fs.mkdirSync(path.join(root, 'ov'));
      fs.writeFileSync(
        path.join(root, 'ov', 'kustomization.yaml'),
        'resources:\n  - release.yaml\n',
      );
      fs.writeFileSync(path.join(root, 'ov', 'release.yaml'), release);
    };
    const run = (cwd: string, args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(
        process.execPath,
        [path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js'), ...args],
        {
          encoding: 'utf8',
          cwd,
          env: { ...process.env, ...env },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.split('\n').map((l) => l.trim());
      return (re: RegExp) => lines.find((l) => re.test(l)) ?? '';
    };

    it('name the values.yaml inside the cached archive for chart defaults, as values does', () => {
      const root = tmp();
      try {
        fs.mkdirSync(path.join(root, 'cache', 'repository'), { recursive: true });
        fs.writeFileSync(
          path.join(root, 'cache', 'repository', 'podinfo-6.14.1.tgz'),
          tgz(folderEntries(PODINFO, 'podinfo')),
        );
        overlay(
          root,
          RELEASE(
            'podinfo',
            '6.14.1',
            '    replicaCount: 2\n    resources:\n      limits:\n        cpu: 100m',
          ),
        );
        const env = { HELM_CACHE_HOME: path.join(root, 'cache') };
        const archive = 'cache/repository/podinfo-6.14.1.tgz!/podinfo/values.yaml';
        const values = run(root, ['values', 'ov', '--show-origin'], env);
        assert.equal(values(/httpPort:/), `httpPort: 9898 # ${archive}:38 (chart default)`);
        const line = run(root, ['template', 'ov', '--show-origin'], env);
        assert.equal(
          line(/^replicas:/),
          `replicas: 2 # ${DEPLOYMENT}:10, .Values.replicaCount from ov/release.yaml:23 (values)`,
        );
        assert.equal(
          line(/prometheus\.io\/port/),
          `prometheus.io/port: "9898" # ${DEPLOYMENT}:25, .Values.service.httpPort from ${archive}:38 (chart default)`,
        );
        // toYaml of the merged map: each line its own key, set by the release or the chart.
        assert.equal(
          line(/^cpu: 100m/),
          `cpu: 100m # ${DEPLOYMENT}:202, .Values.resources.limits.cpu from ov/release.yaml:26 (values)`,
        );
        assert.equal(
          line(/^cpu: 1m/),
          `cpu: 1m # ${DEPLOYMENT}:202, .Values.resources.requests.cpu from ${archive}:268 (chart default)`,
        );
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it('map an aliased subchart vendored as a .tgz to its alias in the release values and its own defaults', () => {
      const root = tmp();
      try {
        fs.mkdirSync(path.join(root, 'parent', 'charts'), { recursive: true });
        fs.writeFileSync(
          path.join(root, 'parent', 'Chart.yaml'),
          'apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: podinfo\n    version: 6.14.1\n    alias: front\n',
        );
        fs.writeFileSync(path.join(root, 'parent', 'values.yaml'), 'front:\n  replicaCount: 3\n');
        fs.writeFileSync(
          path.join(root, 'parent', 'charts', 'podinfo-6.14.1.tgz'),
          tgz(folderEntries(PODINFO, 'podinfo')),
        );
        overlay(
          root,
          RELEASE('parent', '0.1.0', '    front:\n      ui:\n        color: "#ff0000"'),
        );
        const line = run(root, ['template', 'ov', '--chart', 'parent', '--show-origin']);
        const FRONT = 'parent/charts/front/templates';
        assert.equal(
          line(/^replicas:/),
          `replicas: 3 # ${FRONT}/deployment.yaml:10, .Values.replicaCount (front.replicaCount in the release's values) from parent/values.yaml:2 (chart default)`,
        );
        assert.equal(
          line(/^value: "#ff0000"/),
          `value: "#ff0000" # ${FRONT}/deployment.yaml:115, .Values.ui.color (front.ui.color in the release's values) from ov/release.yaml:25 (values)`,
        );
        assert.equal(
          line(/^port: 9999/),
          `port: 9999 # ${FRONT}/service.yaml:33, .Values.service.grpcPort (front.service.grpcPort in the release's values) from parent/charts/podinfo-6.14.1.tgz!/podinfo/values.yaml:40 (chart default parent:podinfo)`,
        );
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  },
);

// A small chart written here: templates/_h.tpl line 2 is `tag: {{ .Values.image.tag }}`, line 3
// `port: {{ .Values.port }}`; templates/cm.yaml line 6 `  {{- include "h.data" . | nindent 2 }}`,
// line 7 `  up: {{ include "h.data" . | upper | nindent 2 }}`.
describe('rendered line origins through include', () => {
  it('are the included template lines and the values they printed, through nindent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-include-'));
    try {
      fs.mkdirSync(path.join(dir, 'templates'));
      fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: h\nversion: 0.1.0\n');
      fs.writeFileSync(path.join(dir, 'values.yaml'), 'image:\n  tag: "1.0"\nport: 80\n');
      fs.writeFileSync(
        path.join(dir, 'templates', '_h.tpl'),
        '{{- define "h.data" -}}\ntag: {{ .Values.image.tag }}\nport: {{ .Values.port }}\n{{- end }}\n',
      );
      fs.writeFileSync(
        path.join(dir, 'templates', 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n' +
          '  {{- include "h.data" . | nindent 2 }}\n  up: {{ include "h.data" . | upper | nindent 2 }}\n',
      );
      const chart = loadChartDir(new DiskFileSystem(), dir);
      const r = renderChart(chart, fromJS({}) as GoMap, {
        releaseName: 'rel',
        namespace: 'ns',
        origins: true,
      });
      assert.deepEqual(r.errors, []);
      const o = r.objects[0];
      const at = (re: RegExp) => originOfLine(o as never, re);
      assert.deepEqual(at(/^ {2}tag: "?1\.0"?$/), {
        template: 'h/templates/_h.tpl',
        line: 2,
        values: ['image', 'tag'],
      });
      assert.deepEqual(at(/^ {2}port: 80$/), {
        template: 'h/templates/_h.tpl',
        line: 3,
        values: ['port'],
      });
      // Reshaped by upper: the including line, as before.
      assert.deepEqual(at(/^ {2}PORT: 80$/), { template: 'h/templates/cm.yaml', line: 7 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function renderDir(dir: string, values: unknown) {
  const r = renderChart(loadChartDir(new DiskFileSystem(), dir), fromJS(values) as GoMap, {
    releaseName: 'rel',
    namespace: 'ns',
    origins: true,
  });
  assert.deepEqual(r.errors, []);
  return r.objects;
}

// Values given to `tpl`, on real charts. Lines read by hand: redis/charts/common/templates/
// _tplvalues.tpl (Bitnami's common.tplvalues.render) line 19 is `{{- tpl $value .context }}`,
// line 22 `{{- $value }}` (the value has no template); postgresql's templates/primary/
// statefulset.yaml line 677 `claimName: {{ tpl .Values.primary.persistence.existingClaim $ }}`;
// kube-state-metrics' templates/deployment.yaml line 352 `{{- tpl .Values.affinity $ | nindent 8 }}`.
describe('rendered line origins through tpl', () => {
  const REDIS = path.join(CHARTS, 'redis');
  const TPLVALUES = 'redis/charts/common/templates/_tplvalues.tpl';
  it(
    'name the tpl line and, per line, the values key the text came from or the value a template in it printed',
    { skip: !fs.existsSync(REDIS) && 'no redis chart' },
    () => {
      const sts = (annotations: unknown) =>
        renderDir(REDIS, { master: { podAnnotations: annotations } }).find(
          (o) => o.kind === 'StatefulSet' && o.name === 'rel-redis-master',
        )!;
      // With a template in it, the map goes through tpl.
      let o = sts({ x: '{{ .Values.architecture }}', y: 'plain' });
      assert.deepEqual(originOfLine(o, /^ {8}x: '?replication'?$/), {
        template: TPLVALUES,
        line: 19,
        values: ['architecture'],
      });
      assert.deepEqual(originOfLine(o, /^ {8}"?y"?: plain$/), {
        template: TPLVALUES,
        line: 19,
        values: ['master', 'podAnnotations', 'y'],
      });
      // Without one, it is printed as YAML from a variable (`ternary .value (.value | toYaml)`).
      o = sts({ y: 'plain', z: 'two' });
      assert.deepEqual(originOfLine(o, /^ {8}z: two$/), {
        template: TPLVALUES,
        line: 22,
        values: ['master', 'podAnnotations', 'z'],
      });
      assert.deepEqual(fieldOrigins(o).get('spec.template.metadata.annotations.z'), {
        template: TPLVALUES,
        line: 22,
        values: ['master', 'podAnnotations', 'z'],
      });
    },
  );

  const POSTGRESQL = path.join(CHARTS, 'postgresql');
  it(
    'name the value of a string given to tpl',
    { skip: !fs.existsSync(POSTGRESQL) && 'no postgresql chart' },
    () => {
      const o = renderDir(POSTGRESQL, {
        primary: { persistence: { existingClaim: '{{ .Release.Name }}-data' } },
      }).find((x) => x.kind === 'StatefulSet')!;
      assert.deepEqual(originOfLine(o, /claimName: rel-data$/), {
        template: 'postgresql/templates/primary/statefulset.yaml',
        line: 677,
        values: ['primary', 'persistence', 'existingClaim'],
      });
    },
  );

  const KSM = path.join(CHARTS, 'kube-state-metrics');
  it(
    'name the value of a string given to tpl through nindent, on every line',
    { skip: !fs.existsSync(KSM) && 'no kube-state-metrics chart' },
    () => {
      const o = renderDir(KSM, {
        affinity: 'nodeAffinity:\n  x: {{ .Release.Name }}\n',
      }).find((x) => x.kind === 'Deployment')!;
      const at = { template: 'kube-state-metrics/templates/deployment.yaml', line: 352 };
      assert.deepEqual(originOfLine(o, /^ {8}nodeAffinity:$/), { ...at, values: ['affinity'] });
      assert.deepEqual(originOfLine(o, /^ {10}x: rel$/), { ...at, values: ['affinity'] });
    },
  );
});

// A small chart written here: templates/_h.tpl line 2 is `tag: {{ .value }}` (in "h.tag"), line
// 5 `{{ . }}` (in "h.port"); templates/cm.yaml line 4 `  name: {{ include "h.name" . }}`, 7
// `  port: {{ include "h.port" .Values.port }}`, 8 `  trimmed: {{ include "h.name" . | nindent 4
// | trim }}`, 10 `  {{ $k }}: x` (in `range $k, $v := .Values.labels`), 12 `  {{- omit
// .Values.extra "enabled" | toYaml | nindent 2 }}`.
describe('rendered line origins of values passed on', () => {
  it('follow scalars through dict and an include dot, trim, a started line, range keys and omit', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-passed-'));
    try {
      fs.mkdirSync(path.join(dir, 'templates'));
      fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: h\nversion: 0.1.0\n');
      fs.writeFileSync(
        path.join(dir, 'values.yaml'),
        'image:\n  tag: "1.0"\nport: 80\nname: web\nextra:\n  enabled: true\n  a: one\nlabels:\n  team: blue\n',
      );
      fs.writeFileSync(
        path.join(dir, 'templates', '_h.tpl'),
        '{{- define "h.tag" -}}\ntag: {{ .value }}\n{{- end }}\n{{- define "h.port" -}}\n{{ . }}\n' +
          '{{- end }}\n{{- define "h.name" -}}\n{{ .Values.name }}\n{{- end }}\n',
      );
      fs.writeFileSync(
        path.join(dir, 'templates', 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "h.name" . }}\ndata:\n' +
          '  {{- include "h.tag" (dict "value" .Values.image.tag) | nindent 2 }}\n' +
          '  port: {{ include "h.port" .Values.port }}\n' +
          '  trimmed: {{ include "h.name" . | nindent 4 | trim }}\n' +
          '  {{- range $k, $v := .Values.labels }}\n  {{ $k }}: x\n  {{- end }}\n' +
          '  {{- omit .Values.extra "enabled" | toYaml | nindent 2 }}\n',
      );
      const o = renderDir(dir, {})[0];
      const cm = (line: number, values: (string | number)[]) => ({
        template: 'h/templates/cm.yaml',
        line,
        values,
      });
      const at = (re: RegExp) => originOfLine(o as never, re);
      assert.deepEqual(at(/^ {2}tag: "?1\.0"?$/), {
        template: 'h/templates/_h.tpl',
        line: 2,
        values: ['image', 'tag'],
      });
      assert.deepEqual(at(/^ {2}name: web$/), cm(4, ['name']));
      assert.deepEqual(at(/^ {2}port: 80$/), cm(7, ['port']));
      assert.deepEqual(at(/^ {2}trimmed: web$/), cm(8, ['name']));
      assert.deepEqual(at(/^ {2}team: x$/), cm(10, ['labels', 'team']));
      assert.deepEqual(at(/^ {2}a: one$/), cm(12, ['extra', 'a']));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Values printed as YAML, read back and merged (Bitnami's labels: common.labels.standard runs
// common.tplvalues.merge, which renders each map, reads it back with fromYaml, merges them and
// prints `{{ $dst | toYaml }}`, line 37 of redis/charts/common/templates/_tplvalues.tpl).
describe('rendered line origins through fromYaml and merge', () => {
  const REDIS = path.join(CHARTS, 'redis');
  const TPLVALUES = 'redis/charts/common/templates/_tplvalues.tpl';
  it(
    'name the values key each merged label came from',
    { skip: !fs.existsSync(REDIS) && 'no redis chart' },
    () => {
      const o = renderDir(REDIS, {
        commonLabels: { team: '{{ .Release.Name }}-t' },
        master: { podLabels: { foo: 'bar' } },
      }).find((x) => x.kind === 'StatefulSet' && x.name === 'rel-redis-master')!;
      const byPath = fieldOrigins(o);
      const at = (values: (string | number)[]) => ({ template: TPLVALUES, line: 37, values });
      assert.deepEqual(byPath.get('metadata.labels.team'), at(['commonLabels', 'team']));
      assert.deepEqual(
        byPath.get('spec.template.metadata.labels.team'),
        at(['commonLabels', 'team']),
      );
      assert.deepEqual(
        byPath.get('spec.template.metadata.labels.foo'),
        at(['master', 'podLabels', 'foo']),
      );
      // The chart's own labels are no value of the release.
      assert.deepEqual(byPath.get('metadata.labels.app.kubernetes.io/name'), {
        template: TPLVALUES,
        line: 37,
      });
    },
  );
});
