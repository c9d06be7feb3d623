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
import * as path from 'path';
import { describe, it } from 'node:test';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { fieldOrigins, renderChart } from '../../../server/src/engine/render/render';
import { newMap } from '../../../server/src/engine/template/value';
import { PROJECT_ROOT } from '../../support/paths';

const CHARTS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts');
const CORPUS = path.resolve(PROJECT_ROOT, '..', 'shared', 'corpus');
const PODINFO = path.join(CHARTS, 'podinfo');
const DEPLOYMENT = 'podinfo/templates/deployment.yaml';

function deployment(origins: boolean) {
  const chart = loadChartDir(new DiskFileSystem(), PODINFO);
  const r = renderChart(chart, newMap(), { releaseName: 'rel', namespace: 'ns', origins });
  assert.deepEqual(r.errors, []);
  return r.objects.find((o) => o.kind === 'Deployment')!;
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
    // An include's lines are the including action's; they print no value of their own.
    assert.deepEqual(originOfLine(o, /helm\.sh\/chart: podinfo-/), {
      template: DEPLOYMENT,
      line: 7,
    });
    assert.deepEqual(originOfLine(o, /^kind: Deployment$/), { template: DEPLOYMENT, line: 2 });
    // By field path, through the parsed object's nodes.
    const byPath = fieldOrigins(o);
    assert.deepEqual(byPath.get('spec.replicas'), {
      template: DEPLOYMENT,
      line: 10,
      values: ['replicaCount'],
    });
    assert.equal(byPath.get('metadata.labels.app.kubernetes.io/managed-by')?.line, 7);
  });

  it('are recorded only when asked', () => {
    assert.equal(deployment(false).lineOrigins, undefined);
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
    },
  );
});
