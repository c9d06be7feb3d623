// Charts kept in a workspace (engine/charts/layout.ts): Go templates under templates/ are not
// YAML documents (no parse, no validation, not indexed), Chart.yaml is validated with its schema,
// and the real charts of ../shared/charts check clean (the podinfo chart alone used to give
// 2,194 false errors).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { chartFileRole, isChartTemplate } from '../../../server/src/engine/charts/layout';
import { computeDiagnostics } from '../../../server/src/ide/diagnostics';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { CHARTS as sharedCharts } from '../../support/paths';

const TEMPLATE =
  '{{- if .Values.enabled }}\napiVersion: v1\nkind: {{ .Values.kind }}\nmetadata:\n  name: {{ include "x.name" . }}\n{{- end }}\n';

function ws(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex(new MemoryFileSystem(undefined, files), ['/ws']);
  index.scan();
  return index;
}

describe('chart files in the workspace', () => {
  const files = {
    '/ws/charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    '/ws/charts/app/values.yaml': 'enabled: true\n',
    '/ws/charts/app/templates/deploy.yaml': TEMPLATE,
    '/ws/charts/app/templates/tests/t.yaml': TEMPLATE,
    '/ws/charts/app/crds/plain.yaml':
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b\n',
    '/ws/charts/app/crds/templated.yaml': TEMPLATE,
    '/ws/charts/app/charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
    '/ws/charts/app/charts/sub/templates/x.yaml': TEMPLATE,
    '/ws/charts/app/ci/a-values.yaml': 'enabled: false\n',
    '/ws/templates/not-a-chart.yaml': 'a: [\n',
  };
  it('classifies files by their place in the chart', () => {
    const mfs = new MemoryFileSystem(undefined, files);
    const role = (f: string) => chartFileRole(mfs, f)?.role;
    assert.equal(role('/ws/charts/app/templates/deploy.yaml'), 'template');
    assert.equal(role('/ws/charts/app/templates/tests/t.yaml'), 'template');
    assert.equal(role('/ws/charts/app/charts/sub/templates/x.yaml'), 'template');
    assert.equal(
      chartFileRole(mfs, '/ws/charts/app/charts/sub/templates/x.yaml')?.root,
      '/ws/charts/app/charts/sub',
    );
    assert.equal(role('/ws/charts/app/crds/templated.yaml'), 'template');
    assert.equal(role('/ws/charts/app/crds/plain.yaml'), 'other');
    assert.equal(role('/ws/charts/app/Chart.yaml'), 'chart-yaml');
    assert.equal(role('/ws/charts/app/values.yaml'), 'values');
    assert.equal(role('/ws/charts/app/ci/a-values.yaml'), 'ci-values');
    assert.equal(role('/ws/templates/not-a-chart.yaml'), undefined);
    assert.equal(isChartTemplate(mfs, '/ws/templates/not-a-chart.yaml'), false);
  });
  it('templates are neither indexed nor diagnosed; a templates/ folder outside a chart still is', () => {
    const index = ws(files);
    assert.ok(!index.yamlFiles.has('/ws/charts/app/templates/deploy.yaml'));
    assert.ok(!index.yamlFiles.has('/ws/charts/app/charts/sub/templates/x.yaml'));
    assert.ok(index.yamlFiles.has('/ws/charts/app/crds/plain.yaml'));
    // an open editor buffer of a template: still nothing
    assert.deepEqual(
      computeDiagnostics(index, '/ws/charts/app/templates/deploy.yaml', { validation: true }),
      [],
    );
    assert.deepEqual(
      computeDiagnostics(index, '/ws/charts/app/crds/templated.yaml', { validation: true }),
      [],
    );
    assert.ok(
      computeDiagnostics(index, '/ws/templates/not-a-chart.yaml', { validation: true }).some(
        (d) => d.code === 'yaml-syntax',
      ),
    );
  });
  it('Chart.yaml is validated against the chart schema', () => {
    const index = ws({
      '/ws/c/Chart.yaml':
        'apiVersion: v3\nname: c\nversoin: 1\ndependencies:\n  - name: a\n    conditon: a.enabled\n',
    });
    const d = computeDiagnostics(index, '/ws/c/Chart.yaml', { validation: true }).map(
      (x) => `${x.span.line}:${x.code}`,
    );
    assert.deepEqual(d.sort(), [
      '1:schema-enum',
      '1:schema-required',
      '3:schema-unknown-field',
      '6:schema-unknown-field',
    ]);
    const good = ws({
      '/ws/c/Chart.yaml':
        'apiVersion: v2\nname: c\nversion: 1.0.0\ntype: library\ndependencies:\n  - name: a\n    version: 1.x\n    import-values: [data, {child: a.b, parent: c}]\n',
    });
    assert.deepEqual(computeDiagnostics(good, '/ws/c/Chart.yaml', { validation: true }), []);
  });
});

describe(
  'real charts check clean',
  { skip: fs.existsSync(sharedCharts) ? false : `charts not found at ${sharedCharts}` },
  () => {
    it('no error in any file of ../shared/charts', () => {
      const root = path.resolve(sharedCharts).split(path.sep).join('/');
      const index = new WorkspaceIndex(new DiskFileSystem(), [root]);
      index.scan();
      const errors = [...index.yamlFiles].flatMap((f) =>
        computeDiagnostics(index, f, { validation: true }).filter((d) => d.severity === 'error'),
      );
      assert.deepEqual(errors.slice(0, 5), []);
      assert.ok(index.yamlFiles.size > 50, `only ${index.yamlFiles.size} files`);
      assert.ok(![...index.yamlFiles].some((f) => f.includes('/templates/')));
    });
  },
);
