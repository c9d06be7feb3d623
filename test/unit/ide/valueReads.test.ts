// Values keys against the chart templates that read them (ide/valueReads.ts), on an in-memory
// workspace with a local chart: the hint on a key no template reads (none under a value read as
// a whole), the template lines a hover lists, and Go to Definition from a key to them.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { computeDiagnostics } from '../../../server/src/ide/diagnostics';
import { definition, hover } from '../../../server/src/ide/navigation';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { cursor } from './cursor';
import { helmRelease } from '../../support/helmRelease';

const R = '/ws';
const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const CHART = `${R}/charts/app`;
const RELEASE = helmRelease({
  source: { name: 'app-repo' },
  values:
    'replicaCount: 2\nimage:\n  tag: v1\n  pullPolcy: Always\npodAnnotations:\n  team: a\nextra: true\n',
});

function workspace(release = RELEASE): WorkspaceIndex {
  const fs = new MemoryFileSystem(undefined, {
    [`${R}/app/base/kustomization.yaml`]: `${K}resources:\n  - release.yaml\n`,
    [`${R}/app/base/release.yaml`]: release,
    [`${CHART}/Chart.yaml`]: 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    [`${CHART}/values.yaml`]:
      'replicaCount: 1\nimage:\n  tag: latest\n  pullPolicy: IfNotPresent\npodAnnotations: {}\n',
    [`${CHART}/templates/deploy.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  annotations: {{- toYaml .Values.podAnnotations | nindent 4 }}',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  template:',
      '    spec:',
      '      containers:',
      '        - image: "app:{{ .Values.image.tag }}"',
      '          imagePullPolicy: {{ .Values.image.pullPolicy }}',
      '',
    ].join('\n'),
  });
  const index = new WorkspaceIndex(fs, [R]);
  index.valuesOptions = { charts: [{ name: 'app', path: CHART }] };
  index.scan();
  return index;
}

describe('values-unread', () => {
  it('hints at keys no template reads (a typo, an unknown key), not at keys below a whole read', () => {
    const index = workspace();
    const file = `${R}/app/base/release.yaml`;
    const got = computeDiagnostics(index, file, { validation: true }).filter(
      (d) => d.code === 'values-unread',
    );
    assert.deepEqual(
      got.map((d) => [d.span.line, d.span.col, d.span.endCol, d.severity]),
      [
        [17, 7, 16, 'hint'],
        [20, 5, 10, 'hint'],
      ],
    );
    assert.match(
      got[0].message,
      /^`image\.pullPolcy`: no template of chart `app` \(or its subcharts\) reads this key/,
    );
    assert.match(got[1].message, /^`extra`:/);
  });

  it('says nothing without the chart', () => {
    const fs = new MemoryFileSystem(undefined, {
      [`${R}/app/base/kustomization.yaml`]: `${K}resources:\n  - release.yaml\n`,
      [`${R}/app/base/release.yaml`]: RELEASE,
    });
    const index = new WorkspaceIndex(fs, [R]);
    index.scan();
    assert.deepEqual(
      computeDiagnostics(index, `${R}/app/base/release.yaml`, { validation: true }).filter(
        (d) => d.code === 'values-unread',
      ),
      [],
    );
  });
});

describe('hover and definition on a values key', () => {
  const file = `${R}/app/base/release.yaml`;
  it('hover lists the template lines that read it', () => {
    const { text, line, character } = cursor(RELEASE.replace('      tag: v1', '      t|ag: v1'));
    const h = hover(workspace(), file, text, line, character, R);
    assert.ok(h);
    assert.match(
      h.markdown,
      /\*\*image\.tag\*\* is read by chart `app` at:\n\n- `app\/templates\/deploy\.yaml:10`/,
    );
  });

  it('hover on a key read as a whole says so', () => {
    const { text, line, character } = cursor(RELEASE.replace('      team: a', '      te|am: a'));
    const h = hover(workspace(), file, text, line, character, R);
    assert.match(
      h!.markdown,
      /`app\/templates\/deploy\.yaml:4` \(reads `podAnnotations` as a whole\)/,
    );
  });

  it('Go to Definition goes to the template line', () => {
    const { text, line, character } = cursor(
      RELEASE.replace('    replicaCount: 2', '    replica|Count: 2'),
    );
    const t = definition(workspace(), file, text, line, character);
    assert.deepEqual(
      t.map((x) => [x.file, x.origin?.line]),
      [[`${CHART}/templates/deploy.yaml`, 6]],
    );
  });
});
