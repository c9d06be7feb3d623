// What a chart says about its values keys drives completion and hover: helm-docs `# --`
// comments, defaults, values.schema.json enums, subchart keys (also in the chart's own values.yaml).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { helmDocComments } from '../../../server/src/engine/charts/docs';
import { complete } from '../../../server/src/ide/completion';
import { hover } from '../../../server/src/ide/navigation';
import { computeDiagnostics } from '../../../server/src/ide/diagnostics';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';

const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const CHART = {
  '/ws/charts/app/Chart.yaml':
    'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 1.x\n',
  '/ws/charts/app/values.yaml':
    '# -- How many pods\n# run at once\nreplicaCount: 1\nservice:\n  # -- Service type\n  type: ClusterIP\n# a plain comment\nplain: x\n',
  '/ws/charts/app/values.schema.json': JSON.stringify({
    type: 'object',
    properties: {
      service: { type: 'object', properties: { type: { enum: ['ClusterIP', 'NodePort'] } } },
      logLevel: { type: 'string', description: 'Log level' },
    },
  }),
  '/ws/charts/app/charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.2.0\n',
  '/ws/charts/app/charts/db/values.yaml': '# -- Database port\nport: 5432\n',
};
const RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
spec:
  chart:
    spec:
      chart: ./charts/app
      sourceRef:
        kind: GitRepository
        name: repo
  values:
    service:
      type: ClusterIP
    replicaCount: 2
`;

function ws(): WorkspaceIndex {
  const index = new WorkspaceIndex(
    new MemoryFileSystem(undefined, {
      ...CHART,
      '/ws/apps/app/kustomization.yaml': `${K}resources:\n  - release.yaml\n`,
      '/ws/apps/app/release.yaml': RELEASE,
    }),
    ['/ws'],
  );
  index.valuesOptions = { sourceRoots: ['/ws'] };
  index.scan();
  return index;
}

describe('chart docs', () => {
  it('reads helm-docs comments, nested, with continuation lines; plain comment blocks too', () => {
    const d = helmDocComments(CHART['/ws/charts/app/values.yaml']);
    assert.equal(d.get('replicaCount'), 'How many pods\nrun at once');
    assert.equal(d.get('service.type'), 'Service type');
    assert.equal(d.get('plain'), 'a plain comment');
  });
  it('completion offers chart keys (values.yaml, schema, subcharts) with their docs and defaults', () => {
    const index = ws();
    const text = RELEASE + '    \n';
    const line = text.split('\n').length - 2;
    const c = complete(index, '/ws/apps/app/release.yaml', text, line, 4);
    const byLabel = new Map(c.map((x) => [x.label, x]));
    assert.ok(byLabel.has('logLevel'), c.map((x) => x.label).join(','));
    assert.ok(byLabel.has('db'));
    assert.ok(byLabel.has('plain'));
    assert.ok(!byLabel.has('service'), 'already written');
    assert.match(byLabel.get('logLevel')?.documentation ?? '', /Log level/);
    assert.match(byLabel.get('plain')?.documentation ?? '', /default `"x"`/);
  });
  it('enum values from the chart schema', () => {
    const index = ws();
    const text = RELEASE.replace('      type: ClusterIP', '      type: ');
    const line = text.split('\n').findIndex((l) => l === '      type: ');
    const c = complete(index, '/ws/apps/app/release.yaml', text, line, 12);
    assert.deepEqual(
      c.map((x) => x.label),
      ['ClusterIP', 'NodePort'],
    );
  });
  it('hover shows the chart doc and default', () => {
    const index = ws();
    const line = RELEASE.split('\n').findIndex((l) => l.includes('replicaCount: 2'));
    const h = hover(index, '/ws/apps/app/release.yaml', RELEASE, line, 6, '/ws');
    assert.match(h?.markdown ?? '', /How many pods\nrun at once/);
    assert.match(h?.markdown ?? '', /default `1`/);
  });
  it("the chart's own values.yaml completes subchart keys under the subchart's name", () => {
    const index = ws();
    const text = CHART['/ws/charts/app/values.yaml'] + 'db:\n  \n';
    const line = text.split('\n').length - 2;
    const c = complete(index, '/ws/charts/app/values.yaml', text, line, 2);
    assert.deepEqual(
      c.map((x) => x.label),
      ['port'],
    );
    assert.match(c[0].documentation ?? '', /Database port/);
    const top = complete(
      index,
      '/ws/charts/app/values.yaml',
      CHART['/ws/charts/app/values.yaml'] + '\n',
      8,
      0,
    ).map((x) => x.label);
    assert.ok(
      top.includes('db') && top.includes('logLevel') && !top.includes('replicaCount'),
      top.join(','),
    );
  });
});

describe('values keys the chart does not know', () => {
  it('a hint with the nearest known key as quick fix; free-form maps and the release layers say nothing', () => {
    const text = RELEASE.replace(
      '    replicaCount: 2\n',
      '    replicaCont: 2\n    db:\n      prot: 1\n    extraThing: {a: 1}\n',
    );
    const index = new WorkspaceIndex(
      new MemoryFileSystem(undefined, {
        ...CHART,
        '/ws/charts/app/values.yaml': CHART['/ws/charts/app/values.yaml'] + 'podAnnotations: {}\n',
        '/ws/apps/app/kustomization.yaml': `${K}resources:\n  - release.yaml\n`,
        '/ws/apps/app/release.yaml': text.replace(
          '    extraThing',
          '    podAnnotations:\n      free: form\n    extraThing',
        ),
      }),
      ['/ws'],
    );
    index.valuesOptions = { sourceRoots: ['/ws'] };
    index.scan();
    const d = computeDiagnostics(index, '/ws/apps/app/release.yaml', { validation: true }).filter(
      (x) => x.code === 'values-unknown-key',
    );
    assert.deepEqual(
      d.map((x) => [x.message.replace(/ \(.*\)$/, ''), x.data?.suggestion, x.severity]),
      [
        [
          '`replicaCont` is not a value of chart app; did you mean `replicaCount`?',
          'replicaCount',
          'hint',
        ],
        ['`prot` is not a value of chart app under db; did you mean `port`?', 'port', 'hint'],
        ['`extraThing` is not a value of chart app', undefined, 'hint'],
      ],
    );
  });
});
