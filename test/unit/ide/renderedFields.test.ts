// The hover on a Helm values key lists the rendered fields the key produced (ide/renderedFields.ts):
// on an in-memory workspace with a local chart, and on the real d1 frontend component with the
// real podinfo chart of ../shared/charts. Expected template lines read by hand: the chart below
// writes `replicas` on line 6 of templates/deploy.yaml (and `image` from two values on line 7) and its Secret's `token` on line 6 of
// templates/secret.yaml; podinfo's templates/deployment.yaml line 10 is
// `  replicas: {{ .Values.replicaCount }}`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { hover } from '../../../server/src/ide/navigation';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { PROJECT_ROOT } from '../../support/paths';
import { KUSTOMIZATION_HEADER as K, helmRelease } from '../../support/helmRelease';
import { cursor } from './cursor';

const R = '/ws';
const CHART = `${R}/charts/app`;

interface At {
  index: WorkspaceIndex;
  file: string;
  text: string;
  line: number;
  character: number;
}

function workspace(values: string): At {
  const file = `${R}/app/production/values.yaml`;
  const c = cursor(values);
  const fsys = new MemoryFileSystem(undefined, {
    [`${R}/app/base/kustomization.yaml`]: `${K}resources:\n  - release.yaml\n`,
    [`${R}/app/base/release.yaml`]: helmRelease({ source: { name: 'app-repo' } }),
    [`${R}/app/production/kustomization.yaml`]: `${K}resources:\n  - ../base\npatches:\n  - path: values.yaml\n`,
    [file]: c.text,
    [`${CHART}/Chart.yaml`]: 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    [`${CHART}/values.yaml`]: 'replicaCount: 1\ntoken: t\ntag: v1\n',
    [`${CHART}/templates/deploy.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  image: "app:{{ .Values.replicaCount }}-{{ .Values.tag }}"',
      '',
    ].join('\n'),
    [`${CHART}/templates/secret.yaml`]: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-token',
      'stringData:',
      '  token: {{ .Values.token | quote }}',
      '',
    ].join('\n'),
  });
  const index = new WorkspaceIndex(fsys, [R]);
  index.valuesOptions = { charts: [{ name: 'app', path: CHART }] };
  index.scan();
  return { index, file, text: c.text, line: c.line, character: c.character };
}

function hoverAt(values: string, rendered = {}) {
  const w = workspace(values);
  return hover(w.index, w.file, w.text, w.line, w.character, R, undefined, rendered)?.markdown;
}

const PATCH = (v: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n${v}`;

describe('hover: the rendered fields a values key produced', () => {
  it('lists each field the key printed, with its value and template line', () => {
    const md = hoverAt(PATCH('    replica|Count: 3\n'));
    assert.ok(md, 'no hover');
    assert.match(
      md,
      /\*\*replicaCount\*\* renders in `production` \(HelmRelease \/app\) to:\n\n- `Deployment app` `spec\.replicas`: 3 \(`app\/templates\/deploy\.yaml:6`\)/,
    );
  });

  it('lists a field whose line printed the key after another value', () => {
    // templates/deploy.yaml line 7 is `  image: "app:{{ .Values.replicaCount }}-{{ .Values.tag }}"`.
    const md = hoverAt(PATCH('    t|ag: v2\n'));
    assert.ok(md, 'no hover');
    assert.match(
      md,
      /- `Deployment app` `spec\.image`: "app:1-v2" \(`app\/templates\/deploy\.yaml:7`\)/,
    );
  });

  it('does not show a Secret value', () => {
    const md = hoverAt(PATCH('    tok|en: hunter2\n'));
    assert.ok(md, 'no hover');
    assert.match(
      md,
      /- `Secret app-token` `stringData\.token`: \(secret\) \(`app\/templates\/secret\.yaml:6`\)/,
    );
    assert.doesNotMatch(md, /hunter2".*secret\.yaml/);
  });

  it('renders nothing when charts may not be rendered (restricted mode)', () => {
    const w = workspace(PATCH('    replica|Count: 3\n'));
    const md = hover(w.index, w.file, w.text, w.line, w.character, R)?.markdown ?? '';
    assert.doesNotMatch(md, /renders in/);
  });

  const D1 = path.resolve(PROJECT_ROOT, '..', 'shared', 'corpus', 'controlplaneio-fluxcd__d1-apps');
  const PODINFO = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts', 'podinfo');
  it(
    'on the real d1 frontend production overlay with the podinfo chart',
    { skip: !(fs.existsSync(D1) && fs.existsSync(PODINFO)) && 'no d1 corpus or podinfo chart' },
    () => {
      const index = new WorkspaceIndex(new DiskFileSystem(), [D1]);
      index.valuesOptions = { charts: [{ name: 'podinfo', path: PODINFO }] };
      index.scan();
      const file = path.join(D1, 'components', 'frontend', 'production', 'podinfo-values.yaml');
      const text = fs.readFileSync(file, 'utf8');
      // Line 7 (0-based 6) is `    replicaCount: 2`.
      const md = hover(index, file, text, 6, 6, D1, undefined, {})?.markdown ?? '';
      assert.match(
        md,
        /\*\*replicaCount\*\* renders in `production` \(HelmRelease frontend\/podinfo\) to:\n\n- `Deployment podinfo` `spec\.replicas`: 2 \(`podinfo\/templates\/deployment\.yaml:10`\)/,
      );
      assert.doesNotMatch(md, /renders in `(base|staging)`/);
      // A base file feeds every overlay: each one's fields, the base's own left out. Line 39
      // (0-based 38) of base/podinfo.yaml is `        - host: podinfo.${CLUSTER_DOMAIN}`;
      // podinfo's templates/ingress.yaml line 32 is `    - host: {{ .host | quote }}`.
      const base = path.join(D1, 'components', 'frontend', 'base', 'podinfo.yaml');
      const b = hover(index, base, fs.readFileSync(base, 'utf8'), 38, 12, D1, undefined, {});
      const bmd = b?.markdown ?? '';
      for (const o of ['staging', 'production'])
        assert.ok(
          bmd.includes(
            `**ingress.hosts.0.host** renders in \`${o}\` (HelmRelease frontend/podinfo) to:\n\n- \`Ingress podinfo\` \`spec.rules[0].host\`: "podinfo.\${CLUSTER_DOMAIN}" (\`podinfo/templates/ingress.yaml:32\`)`,
          ),
          bmd,
        );
      assert.doesNotMatch(bmd, /renders in `base`/);
      // The template lines that read it are listed once, not once per overlay.
      assert.equal(bmd.split('is read by chart `podinfo`').length - 1, 1);
    },
  );
});
