// Which values a chart's templates read (engine/render/valueReads.ts), on an in-memory chart
// with a subchart: direct reads, dot through with/range, whole reads (toYaml, range), index with
// literal keys, `$` in helpers, globals, and the subchart's condition.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { isRead, readsOf, valueReads } from '../../../server/src/engine/render/valueReads';

const FILES = {
  '/c/Chart.yaml':
    'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n    condition: sub.enabled\n',
  '/c/values.yaml': 'a:\n  b: 1\n',
  '/c/templates/deploy.yaml': [
    'kind: Deployment',
    'replicas: {{ .Values.a.b }}',
    '{{- with .Values.img }}',
    'image: {{ .repo }}:{{ .tag | default "latest" }}',
    '{{- end }}',
    '{{- range .Values.list }}',
    '- {{ .name }}',
    '{{- end }}',
    'resources: {{- toYaml .Values.res | nindent 2 }}',
    'k: {{ index .Values.m "k" }}',
    '{{- if .Values.flag }}',
    'x: {{ include "app.x" . }}',
    '{{- end }}',
    'dyn: {{ index .Values.dyn .Values.which }}',
    '{{- $pdb := coalesce .Values.pdb .Values.master.pdb }}',
    'min: {{ $pdb.minAvailable }}',
    '{{- range $k, $v := .Values.envs }}',
    '{{ $k }}: {{ $v.value }}',
    '{{- end }}',
    '',
  ].join('\n'),
  '/c/templates/_helpers.tpl': '{{- define "app.x" -}}\n{{ $.Values.x }}\n{{- end }}\n',
  '/c/charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 1.0.0\n',
  '/c/charts/sub/templates/svc.yaml':
    'port: {{ .Values.port }}\nhost: {{ .Values.global.domain }}\n',
};

const reads = valueReads(loadChartDir(new MemoryFileSystem(undefined, FILES), '/c'));

test('keys the templates read, and keys they do not', () => {
  const read = [
    'a.b',
    'img.repo',
    'img.tag',
    'list.0.name',
    'list.3.name',
    'res.limits.cpu',
    'm.k',
    'flag',
    'x',
    'sub.port',
    'global.domain',
    'sub.enabled',
    'dyn.anything',
    'which',
    'envs.FOO.value',
    'master.pdb.minAvailable',
    'pdb.minAvailable',
    'a',
    'img',
  ];
  const unread = [
    'a.c',
    'img.pullPolicy',
    'list.0.other',
    'm.j',
    'sub.other',
    'unused',
    'global.other',
    'sub.global.domain',
    'master.pdb.create',
  ];
  for (const k of read) assert.ok(isRead(reads, k.split('.')), `${k} should be read`);
  for (const k of unread) assert.ok(!isRead(reads, k.split('.')), `${k} should not be read`);
});

test('each read names its template file and line', () => {
  const at = (k: string) =>
    readsOf(reads, k.split('.'))
      .map((r) => `${r.template}:${r.line}${r.whole ? ' whole' : ''}`)
      .sort();
  assert.deepEqual(at('a.b'), ['app/templates/deploy.yaml:2']);
  assert.deepEqual(at('img.tag'), ['app/templates/deploy.yaml:4']);
  assert.deepEqual(at('res.requests'), ['app/templates/deploy.yaml:9 whole']);
  assert.deepEqual(at('x'), ['app/templates/_helpers.tpl:2']);
  assert.deepEqual(at('sub.port'), ['app/charts/sub/templates/svc.yaml:1']);
  assert.deepEqual(at('sub.enabled'), ['app/Chart.yaml:1']);
  assert.equal(readsOf(reads, ['a', 'b'])[0].file, '/c/templates/deploy.yaml');
});
