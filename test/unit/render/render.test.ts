// The chart model around the template engine: helm-controller's release naming, .Files,
// subchart scopes and globals, library charts, hooks/tests, crds and Helm's kind order, on
// in-memory charts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { renderChart, splitManifests } from '../../../server/src/engine/render/render';
import { releaseSettings, shortenName } from '../../../server/src/engine/render/release';
import { globToRegExp } from '../../../server/src/engine/render/builtins';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap } from '../../../server/src/engine/yaml/node';
import { newMap } from '../../../server/src/engine/template/value';

function hr(text: string): YMap {
  return parseYaml(text, 'hr.yaml').documents[0].root as YMap;
}

test('release name and namespace as helm-controller derives them', () => {
  const cases: [string, string, string][] = [
    ['metadata: {name: podinfo, namespace: apps}\nspec: {}', 'podinfo', 'apps'],
    [
      'metadata: {name: podinfo, namespace: flux-system}\nspec: {targetNamespace: web}',
      'web-podinfo',
      'web',
    ],
    [
      'metadata: {name: podinfo, namespace: flux-system}\nspec: {targetNamespace: web, releaseName: mine}',
      'mine',
      'web',
    ],
  ];
  for (const [text, name, ns] of cases) {
    const s = releaseSettings(hr(text));
    assert.equal(s.releaseName, name);
    assert.equal(s.namespace, ns);
  }
  const long = 'some-front-appended-namespace-release-with-a-very-long-name';
  const sum = crypto.createHash('sha256').update(long).digest('hex').slice(0, 12);
  assert.equal(shortenName(long), `${long.slice(0, 40)}-${sum}`);
  assert.equal(shortenName(long).length, 53);
  assert.equal(shortenName('x'.repeat(53)), 'x'.repeat(53));
  const s = releaseSettings(
    hr('metadata: {name: a}\nspec: {install: {crds: Skip}, test: {enable: true}}'),
  );
  assert.equal(s.includeCrds, false);
  assert.equal(s.includeTests, true);
  assert.equal(s.namespace, 'default');
});

test('.Files globs: * stays in a folder, ** crosses folders, {a,b} and [..]', () => {
  const cases: [string, string, boolean][] = [
    ['files/*.conf', 'files/a.conf', true],
    ['files/*.conf', 'files/sub/a.conf', false],
    ['files/**.conf', 'files/sub/a.conf', true],
    ['**/*.json', 'dashboards/x.json', true],
    ['files/{a,b}.txt', 'files/b.txt', true],
    ['files/[ab].txt', 'files/c.txt', false],
    ['files/?.txt', 'files/a.txt', true],
  ];
  for (const [p, name, want] of cases)
    assert.equal(globToRegExp(p).test(name), want, `${p} ~ ${name}`);
});

const CHART = {
  '/c/Chart.yaml':
    'apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: sub\n  condition: sub.enabled\n- name: extra\n  condition: extra.enabled\n- name: lib\n',
  '/c/values.yaml':
    'global:\n  region: eu\nsub:\n  enabled: true\n  size: 2\nextra:\n  enabled: false\nname: top\n',
  '/c/templates/_helpers.tpl': '{{ define "top.name" }}{{ .Values.name }}{{ end }}',
  '/c/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "top.name" . }}\ndata:\n  file: {{ .Files.Get "files/a.txt" | quote }}\n{{ (.Files.Glob "files/*").AsConfig | indent 2 }}\n  lib: {{ include "lib.hello" . }}\n',
  '/c/templates/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n',
  '/c/templates/hook.yaml':
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n',
  '/c/templates/tests/t.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\n  annotations:\n    helm.sh/hook: test\n',
  '/c/templates/NOTES.txt': 'Thanks for installing {{ .Release.Name }}',
  '/c/crds/crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
  '/c/files/a.txt': 'hello',
  '/c/charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
  '/c/charts/sub/values.yaml': 'size: 1\ncolor: blue\n',
  '/c/charts/sub/templates/s.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: sub-{{ .Values.size }}-{{ .Values.color }}-{{ .Values.global.region }}-{{ .Chart.Name }}-{{ .Release.Name }}\n',
  '/c/charts/extra/Chart.yaml': 'apiVersion: v2\nname: extra\nversion: 0.1.0\n',
  '/c/charts/extra/templates/o.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: should-not-render\n',
  '/c/charts/lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n',
  '/c/charts/lib/templates/_lib.tpl': '{{ define "lib.hello" }}hi-{{ .Chart.Name }}{{ end }}',
  '/c/charts/lib/templates/notrendered.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: lib-secret\n',
};

test('subcharts, globals, conditions, library charts, hooks, tests, crds and kind order', () => {
  const chart = loadChartDir(new MemoryFileSystem(undefined, CHART), '/c');
  const r = renderChart(chart, newMap(), {
    releaseName: 'rel',
    namespace: 'ns',
    includeCrds: true,
  });
  assert.deepEqual(r.errors, []);
  const ids = r.objects.map(
    (o) => `${o.kind}/${o.name}${o.hook ? ' hook:' + o.hook.join(',') : ''}${o.crd ? ' crd' : ''}`,
  );
  assert.deepEqual(ids, [
    'CustomResourceDefinition/things.example.com crd',
    'Namespace/ns',
    'ConfigMap/top',
    'Service/sub-2-blue-eu-sub-rel',
    'Deployment/d',
    'Job/migrate hook:pre-install',
  ]);
  const cm = r.objects.find((o) => o.kind === 'ConfigMap')!.object as {
    data: Record<string, string>;
  };
  assert.deepEqual(cm.data, { file: 'hello', 'a.txt': 'hello', lib: 'hi-top' });
  const withTests = renderChart(chart, newMap(), {
    releaseName: 'rel',
    namespace: 'ns',
    includeCrds: false,
    includeTests: true,
  });
  assert.deepEqual(
    withTests.objects.map((o) => o.name),
    ['ns', 'top', 'sub-2-blue-eu-sub-rel', 'd', 'test', 'migrate'],
  );
  const enabled = renderChart(chart, newMap([['extra', newMap([['enabled', true]])]]), {
    releaseName: 'rel',
    namespace: 'ns',
    includeCrds: false,
  });
  assert.ok(enabled.objects.some((o) => o.name === 'should-not-render'));
});

test('template errors name the file and line; unknown functions fail at parse', () => {
  const fs = new MemoryFileSystem(undefined, {
    '/e/Chart.yaml': 'apiVersion: v2\nname: e\nversion: 1.0.0\n',
    '/e/templates/a.yaml': 'a: 1\nb: {{ nosuch .Values }}\n',
  });
  const r = renderChart(loadChartDir(fs, '/e'), newMap(), { releaseName: 'r', namespace: 'n' });
  assert.deepEqual(r.errors, [
    'parse error at (e/templates/a.yaml:2): function "nosuch" not defined',
  ]);
  const fs2 = new MemoryFileSystem(undefined, {
    '/e/Chart.yaml': 'apiVersion: v2\nname: e\nversion: 1.0.0\n',
    '/e/templates/a.yaml': 'a: 1\nb: {{ required "set b" .Values.b }}\n',
  });
  const r2 = renderChart(loadChartDir(fs2, '/e'), newMap(), { releaseName: 'r', namespace: 'n' });
  assert.deepEqual(r2.errors, [
    'execution error at (e/templates/a.yaml:2:6): error calling required: set b',
  ]);
  const lib = new MemoryFileSystem(undefined, {
    '/l/Chart.yaml': 'apiVersion: v2\nname: l\nversion: 1.0.0\ntype: library\n',
  });
  assert.deepEqual(
    renderChart(loadChartDir(lib, '/l'), newMap(), { releaseName: 'r', namespace: 'n' }).errors,
    ['library charts are not installable'],
  );
});

test("manifests split as releaseutil.SplitManifests' (?:^|\\s*\\n)---\\s* does", () => {
  // Read by hand from the regexp: a separator is `---` at the start or after a line break (with
  // the whitespace before it), and takes the whitespace after it, line breaks included; so a
  // second `---` right after one starts the next piece.
  const cases: [string, string[]][] = [
    ['a: 1\n---\nb: 2\n', ['a: 1', 'b: 2']],
    ['---\na: 1\n---\n', ['a: 1']],
    ['  \na: 1  \n \n---  \n\n  b: 2', ['a: 1', 'b: 2']],
    ['a: 1\n---\n---\nb: 2', ['a: 1', '---\nb: 2']],
    ['a: 1\n---b: 2\nc: ---\n', ['a: 1', 'b: 2\nc: ---']],
    ['# only\n---\n', ['# only']],
    ['', []],
  ];
  for (const [text, docs] of cases)
    assert.deepEqual(splitManifests(text), docs, JSON.stringify(text));
});
