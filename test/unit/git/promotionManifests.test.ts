// `promotion-diff --manifests` and `diff --manifests` show what the cluster really gets: the
// objects each HelmRelease's chart installs, post-rendered as helm-controller does, before and
// after. A real git repository made here, a chart folder outside it given with --chart.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { git, release, write } from './repo';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 1.0.0\n',
  'values.yaml': 'replicaCount: 1\nimage:\n  tag: "0.1"\n',
  'templates/deploy.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ .Release.Name }}',
    '  namespace: {{ .Release.Namespace }}',
    'spec:',
    '  replicas: {{ .Values.replicaCount }}',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: "example/app:{{ .Values.image.tag }}"',
    '',
  ].join('\n'),
  'templates/secret.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-token\nstringData:\n  token: {{ randAlphaNum 12 | quote }}\n  fixed: "clear-{{ .Values.replicaCount }}"\n',
};

const kust = (...lines: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${lines.join('\n')}\n`;
const valuesPatch = (values: string, extra = '') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n${extra}  values:\n${values}`;
const POST_RENDERER =
  '  postRenderers:\n    - kustomize:\n        patches:\n          - target:\n              kind: Deployment\n            patch: |\n              - op: add\n                path: /metadata/labels/patched\n                value: "yes"\n';

function makeRepo(): { dir: string; chart: string; cleanup: () => void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-promo-manifests-'));
  const dir = path.join(tmp, 'repo');
  const chart = path.join(tmp, 'chart');
  write(chart, CHART);
  fs.mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'production');
  write(dir, {
    'components/podinfo/base/kustomization.yaml': kust('resources:', '  - release.yaml'),
    'components/podinfo/base/release.yaml': release('podinfo', '    replicaCount: 1\n'),
    'components/podinfo/staging/kustomization.yaml': kust('resources:', '  - ../base'),
    'components/podinfo/production/kustomization.yaml': kust(
      'resources:',
      '  - ../base',
      'patches:',
      '  - path: values.yaml',
    ),
    'components/podinfo/production/values.yaml': valuesPatch('    replicaCount: 2\n'),
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  git(dir, 'checkout', '-q', '-b', 'main');
  write(dir, {
    'components/podinfo/production/values.yaml': valuesPatch(
      '    replicaCount: 3\n',
      POST_RENDERER,
    ),
  });
  git(dir, 'commit', '-q', '-am', 'production: 3 replicas, a post-renderer');
  return { dir, chart, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

test('promotion-diff --manifests: the chart objects production gets before and after, post-rendered; random fields left out', () => {
  const { dir, chart, cleanup } = makeRepo();
  try {
    const r = cli(
      dir,
      'promotion-diff',
      '--manifests',
      '--chart',
      chart,
      '--overlay',
      'production',
      '--format',
      'json',
    );
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout) as {
      changes: { component: string; manifestsDiff: string; changed: string[] }[];
    };
    assert.equal(d.changes.length, 1);
    const diff = d.changes[0].manifestsDiff;
    assert.match(diff, /^--- production HelmRelease apps\/podinfo: Deployment apps\/podinfo$/m);
    assert.match(
      diff,
      /^\+\+\+ production\+main HelmRelease apps\/podinfo: Deployment apps\/podinfo$/m,
    );
    assert.match(diff, /^- {2}replicas: 2$/m);
    assert.match(diff, /^\+ {2}replicas: 3$/m);
    assert.match(diff, /^\+ {4}patched: "yes"$/m);
    // helm-controller's origin labels are on both sides (context, not a change).
    assert.match(diff, /^ {5}helm\.toolkit\.fluxcd\.io\/name: podinfo$/m);
    // The Secret changes (its fixed field), masked; its random token is left out of the comparison.
    assert.match(
      diff,
      /^\+\+\+ production\+main HelmRelease apps\/podinfo: Secret \/podinfo-token$/m,
    );
    assert.match(diff, /^\+ {2}fixed: <secret:[0-9a-f]{8}>$/m);
    assert.doesNotMatch(diff, /clear-/);
    assert.doesNotMatch(diff, /^[-+] {2}token:/m);
    // The HelmRelease's own object diff is there too.
    assert.match(diff, /^\+\+\+ production\+main HelmRelease apps\/podinfo$/m);

    const plain = cli(
      dir,
      'promotion-diff',
      '--chart',
      chart,
      '--overlay',
      'production',
      '--format',
      'json',
    );
    assert.equal(plain.status, 0, plain.stderr);
    assert.doesNotMatch(
      plain.stdout,
      /HelmRelease apps\/podinfo: Deployment/,
      'chart objects only with --manifests',
    );
  } finally {
    cleanup();
  }
});

test('diff --manifests: the chart objects of two overlays, Secrets masked unless --show-secrets', () => {
  const { dir, chart, cleanup } = makeRepo();
  try {
    const a = 'components/podinfo/staging';
    const b = 'components/podinfo/production';
    const r = cli(dir, 'diff', '--manifests', '--chart', chart, a, b);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /^--- components\/podinfo\/staging HelmRelease apps\/podinfo: Deployment apps\/podinfo$/m,
    );
    assert.match(r.stdout, /^- {2}replicas: 1$/m);
    assert.match(r.stdout, /^\+ {2}replicas: 3$/m);
    assert.match(r.stdout, /^\+ {4}patched: "yes"$/m);
    assert.match(r.stdout, /^\+ {2}fixed: <secret:[0-9a-f]{8}>$/m);
    assert.doesNotMatch(r.stdout, /clear-/);
    const shown = cli(dir, 'diff', '--manifests', '--show-secrets', '--chart', chart, a, b);
    assert.equal(shown.status, 1, shown.stderr);
    assert.match(shown.stdout, /^- {2}fixed: clear-1$/m);
    assert.match(shown.stdout, /^\+ {2}fixed: clear-3$/m);
    // The random token differs on every render: marked, and the same on both sides.
    assert.match(shown.stdout, /^ {3}token: "?\(not reproducible\)"?$/m);
    const same = cli(dir, 'diff', '--manifests', '--chart', chart, b, b);
    assert.equal(same.status, 0, same.stderr);
    assert.equal(same.stdout, '');
    // Without --manifests: the values only.
    const values = cli(dir, 'diff', '--chart', chart, a, b);
    assert.equal(values.status, 1);
    assert.doesNotMatch(values.stdout, /Deployment/);
  } finally {
    cleanup();
  }
});

test('diff --manifests: a release whose post-renderer fails shows its error as the change', () => {
  const { dir, chart, cleanup } = makeRepo();
  try {
    write(dir, {
      'components/podinfo/production/values.yaml': valuesPatch(
        '    replicaCount: 3\n',
        '  postRenderers:\n    - kustomize:\n        patches:\n          - patch: |\n              apiVersion: apps/v1\n              kind: Deployment\n              metadata:\n                name: absent\n',
      ),
    });
    const r = cli(
      dir,
      'diff',
      '--manifests',
      '--chart',
      chart,
      'components/podinfo/staging',
      'components/podinfo/production',
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /^\+\+\+ components\/podinfo\/production HelmRelease apps\/podinfo: render errors$/m,
    );
    assert.match(r.stdout, /^\+postRenderers: no resource matches the strategic merge patch/m);
    assert.match(r.stdout, /^-kind: Deployment$/m);
  } finally {
    cleanup();
  }
});
