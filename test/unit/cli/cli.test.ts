// The values and diff commands run as a user runs them: `node bin/flux-overlays.js ...` in a
// child process, on the example repository, on corpus folders and on broken inputs.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CORPUS, PROJECT_ROOT, corpusAvailable } from '../../support/paths';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
const EX = 'examples/keos-apps/components';

/** Commands that may fetch charts run with --offline: the example's registries exist nowhere,
 * and tests reach 127.0.0.1 only (fetching is tested against local servers elsewhere). */
const FETCHING = new Set(['values', 'diff', 'promotion-diff', 'template']);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (FETCHING.has(args[0]) && !args.includes('--offline')) args = [...args, '--offline'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('values --json: one object keyed by DIR as given, then ns/name, values read from the files', () => {
  const r = cli('values', '--json', `${EX}/podinfo/production`, `./${EX}/governance-agent/M`);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), [`${EX}/podinfo/production`, `./${EX}/governance-agent/M`]);
  assert.deepEqual(Object.keys(j[`${EX}/podinfo/production`]), ['keos-frontend/podinfo']);
  const patchFile = parse(
    fs.readFileSync(path.join(PROJECT_ROOT, EX, 'podinfo/production/podinfo-values.yaml'), 'utf8'),
  );
  const v = j[`${EX}/podinfo/production`]['keos-frontend/podinfo'];
  assert.equal(v.replicaCount, patchFile.spec.values.replicaCount);
  assert.deepEqual(v.hpa, patchFile.spec.values.hpa);
  assert.ok(Object.keys(j[`./${EX}/governance-agent/M`]).length >= 1);
  // Without a profile, ${VAR}s stay and are listed on stderr.
  assert.match(JSON.stringify(v), /\$\{CLUSTER_DOMAIN\}/);
  assert.match(r.stderr, /no --profile.*CLUSTER_DOMAIN/);
});

test('values: secrets masked unless --show-secrets; --profile substitutes; --release filters', () => {
  const dir = `${EX}/discovery/production`;
  const masked = JSON.parse(cli('values', '--json', dir).stdout);
  assert.equal(
    masked[dir]['keos-discovery/discovery'].database.password.replace(/[0-9a-f]{8}/, 'HASH'),
    '<secret:HASH>',
  );
  assert.doesNotMatch(cli('values', dir).stdout, /change-me-in-sops/);
  const shown = JSON.parse(cli('values', '--json', '--show-secrets', dir).stdout);
  assert.equal(shown[dir]['keos-discovery/discovery'].database.password, 'change-me-in-sops');
  const prof = cli(
    'values',
    '--json',
    '--profile',
    'examples/keos-apps/clusters/production/flux-runtime-info.yaml',
    `${EX}/podinfo/production`,
  );
  assert.equal(prof.status, 0, prof.stderr);
  assert.match(JSON.stringify(JSON.parse(prof.stdout)), /podinfo\.keos\.example\.org/);
  const none = cli('values', '--release', 'x/none', `${EX}/podinfo/production`);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no HelmRelease x\/none/);
  const one = cli(
    'values',
    '--json',
    '--release',
    'keos-frontend/podinfo',
    `${EX}/podinfo/production`,
  );
  assert.equal(one.status, 0);
  const origin = cli('values', '--show-origin', `${EX}/podinfo/production`);
  assert.match(
    origin.stdout,
    /^replicaCount: 3 # examples\/keos-apps\/components\/podinfo\/production\/podinfo-values\.yaml:\d+ \(values\)$/m,
  );
});

test("the README's quick start: the example's discovery values with its chart's defaults, nothing fetched", () => {
  const dir = `${EX}/discovery/production`;
  const r = spawnSync(process.execPath, [BIN, 'values', dir, '--show-origin'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    // an empty chart cache: the chart comes from the example repository itself
    env: { ...process.env, FLUX_OVERLAYS_CHART_CACHE: path.join(os.tmpdir(), 'no-chart-cache') },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /not available/);
  const chartValues = fs
    .readFileSync(
      path.join(PROJECT_ROOT, 'examples/keos-apps/charts/discovery/values.yaml'),
      'utf8',
    )
    .split('\n');
  const line = chartValues.indexOf('tolerations: []') + 1;
  assert.ok(line > 0);
  assert.match(
    r.stdout,
    new RegExp(
      `^tolerations: \\[\\] # examples/keos-apps/charts/discovery/values\\.yaml:${line} \\(chart default\\)$`,
      'm',
    ),
  );
  assert.match(r.stdout, /^replicaCount: 3 # \S+\/production-values\.yaml:2 \(valuesFrom\[1\] /m);
  // and what the chart installs with them
  const t = cli('template', '--json', dir);
  assert.equal(t.status, 0, t.stderr);
  const objs = JSON.parse(t.stdout)[dir]['keos-discovery/discovery'] as {
    kind: string;
    spec?: { replicas?: number };
  }[];
  assert.equal(objs.find((o) => o.kind === 'Deployment')?.spec?.replicas, 3);
  assert.ok(objs.some((o) => o.kind === 'Ingress'));
});

test('values exit codes: missing folder gives {"error"} and 1, bad option 2', () => {
  const r = cli('values', '--json', 'no/such/dir', `${EX}/podinfo/staging`);
  assert.equal(r.status, 1);
  const j = JSON.parse(r.stdout);
  assert.match(j['no/such/dir'].error, /no such folder/);
  assert.ok(j[`${EX}/podinfo/staging`]['keos-frontend/podinfo']);
  assert.equal(cli('values', '--bogus', `${EX}/podinfo/staging`).status, 2);
  assert.equal(cli('values').status, 2);
});

test('diff exit codes: 0 equal, 1 differ (unified diff), 2 error', () => {
  const same = cli('diff', `${EX}/podinfo/staging`, `${EX}/podinfo/staging`);
  assert.equal(same.status, 0);
  assert.equal(same.stdout, '');
  const d = cli('diff', `${EX}/podinfo/staging`, `${EX}/podinfo/production`);
  assert.equal(d.status, 1);
  assert.match(
    d.stdout,
    /^--- examples\/keos-apps\/components\/podinfo\/staging keos-frontend\/podinfo\n\+\+\+ examples\/keos-apps\/components\/podinfo\/production keos-frontend\/podinfo\n@@ /,
  );
  assert.match(d.stdout, /^-replicaCount: 1$/m);
  assert.match(d.stdout, /^\+replicaCount: 3$/m);
  const m = cli('diff', '--manifests', `${EX}/discovery/staging`, `${EX}/discovery/production`);
  assert.equal(m.status, 1);
  assert.match(m.stdout, /ConfigMap keos-discovery\/discovery-values\n/);
  assert.doesNotMatch(m.stdout, /change-me-in-sops/);
  assert.equal(cli('diff', `${EX}/podinfo/staging`, 'nope').status, 2);
  assert.equal(cli('diff', `${EX}/podinfo/staging`).status, 2);
});

test(
  'corpus: d1-apps staging and production values differ',
  { skip: !corpusAvailable() && 'corpus absent' },
  () => {
    const base = path.relative(
      PROJECT_ROOT,
      path.join(CORPUS, 'controlplaneio-fluxcd__d1-apps', 'components', 'backend'),
    );
    const r = cli('diff', `${base}/staging`, `${base}/production`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^\+\+\+ .*production .*\/redis$/m);
    const v = cli('values', '--json', `${base}/production`);
    assert.equal(v.status, 0, v.stderr);
    assert.deepEqual(
      Object.keys(JSON.parse(v.stdout)[`${base}/production`]).sort(),
      ['backend/memcached', 'backend/redis'].sort(),
    );
  },
);

// Broken inputs: each one names the file and line.
function brokenRepo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-cli-'));
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), text);
  return dir;
}
const hr = (valuesFrom: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: apps
spec:
  chart:
    spec:
      chart: app
      sourceRef:
        kind: HelmRepository
        name: charts
  valuesFrom:
${valuesFrom}`;
const cm = (data: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-values
  namespace: apps
data:
${data}`;
const kust = 'resources:\n  - hr.yaml\n  - cm.yaml\n';

test('bad input: invalid YAML in a valuesFrom ConfigMap, missing key, malformed targetPath, missing reference', () => {
  const invalid = brokenRepo({
    'kustomization.yaml': kust,
    'hr.yaml': hr('    - kind: ConfigMap\n      name: app-values\n'),
    'cm.yaml': cm('  values.yaml: |\n    a: 1\n    b: [unclosed\n'),
  });
  let r = cli('values', invalid);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `error: ${escape(path.relative(PROJECT_ROOT, path.join(invalid, 'cm.yaml')))}:(9|10):\\d+: `,
    ),
  );

  const missingKey = brokenRepo({
    'kustomization.yaml': kust,
    'hr.yaml': hr('    - kind: ConfigMap\n      name: app-values\n      valuesKey: nope.yaml\n'),
    'cm.yaml': cm('  values.yaml: "a: 1"\n'),
  });
  r = cli('values', '--json', missingKey);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `error: ${escape(path.relative(PROJECT_ROOT, path.join(missingKey, 'hr.yaml')))}:14:\\d+: .*has no key 'nope\\.yaml'`,
    ),
  );
  assert.deepEqual(JSON.parse(r.stdout)[missingKey], { 'apps/app': {} });

  const badPath = brokenRepo({
    'kustomization.yaml': kust,
    'hr.yaml': hr(
      '    - kind: ConfigMap\n      name: app-values\n      valuesKey: v\n      targetPath: a[b.c\n',
    ),
    'cm.yaml': cm('  v: "1"\n'),
  });
  r = cli('values', badPath);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `error: ${escape(path.relative(PROJECT_ROOT, path.join(badPath, 'hr.yaml')))}:17:\\d+: .*valuesFrom\\[0\\].*Flux would fail the release`,
    ),
  );

  const missingRef = brokenRepo({
    'kustomization.yaml': kust,
    'hr.yaml': hr(
      '    - kind: ConfigMap\n      name: app-values\n    - kind: Secret\n      name: elsewhere\n',
    ),
    'cm.yaml': cm('  values.yaml: "a: 1"\n'),
  });
  r = cli('values', '--json', missingRef);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout)[missingRef], { 'apps/app': { a: 1 } });
  assert.match(
    r.stderr,
    /warning: .*hr\.yaml:16:\d+: .*Secret\/elsewhere.*Flux would fail the release/,
  );
  for (const d of [invalid, missingKey, badPath, missingRef])
    fs.rmSync(d, { recursive: true, force: true });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('check fails on an overlay whose build fails in a file outside the checked path (component cycle)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-check-cycle-'));
  try {
    const w = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    };
    w('app/base/kustomization.yaml', 'resources:\n- cm.yaml\n');
    w('app/base/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    w('app/production/kustomization.yaml', 'resources:\n- ../base\ncomponents:\n- ../comp-a\n');
    const component = (next: string) =>
      `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents:\n- ${next}\n`;
    w('app/comp-a/kustomization.yaml', component('../comp-b'));
    w('app/comp-b/kustomization.yaml', component('../comp-a'));
    assert.equal(cli('build', path.join(tmp, 'app/production')).status, 1);
    for (const target of ['app/production', 'app/production/kustomization.yaml', 'app']) {
      const r = spawnSync(process.execPath, [BIN, 'check', target], { cwd: tmp, encoding: 'utf8' });
      assert.equal(r.status, 1, `check ${target}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stdout,
        /app\/comp-b\/kustomization\.yaml:4:3: error: kustomize build production: cycle detected/,
        target,
      );
      assert.equal(r.stdout.match(/cycle detected/g)?.length, 1, r.stdout);
    }
    const j = JSON.parse(
      spawnSync(process.execPath, [BIN, 'check', '--format', 'json', 'app/production'], {
        cwd: tmp,
        encoding: 'utf8',
      }).stdout,
    );
    assert.equal(j.errors, 1);
    assert.equal(j.diagnostics[0].code, 'kustomize-cycle');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('template --kube-version that is no version: exit 2 and says so (helm refuses it too)', () => {
  const r = cli('template', '--kube-version', 'abc', `${EX}/discovery/production`);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /--kube-version "abc": not a Kubernetes version \(like 1\.29 or v1\.29\.3\)/,
  );
  assert.equal(r.stdout, '');
  assert.equal(cli('template', '--kube-version', 'v1.29', `${EX}/discovery/production`).status, 0);
});
