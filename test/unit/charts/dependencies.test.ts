// Subchart values keep their provenance: a subchart default says `chart default parent:sub`
// and points at the subchart's values.yaml line; a disabled subchart contributes nothing.
import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { loadChartTree } from '../../../server/src/engine/charts/load';
import { Chart } from '../../../server/src/engine/charts/model';
import { enabledSubcharts, helmValues } from '../../../server/src/engine/values/dependencies';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap, getPath, toJS } from '../../../server/src/engine/yaml/node';

const fs = new MemoryFileSystem(undefined, {
  '/c/app/Chart.yaml':
    'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 2.x\n    condition: database.enabled\n    alias: database\n',
  '/c/app/values.yaml': 'global:\n  image: reg\ndatabase:\n  port: 5433\n',
  '/c/app/charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 2.1.0\n',
  '/c/app/charts/db/values.yaml': 'enabled: true\nport: 5432\nuser: admin\n',
});
const user = (t: string): YMap =>
  (parseYaml(t, '/u.yaml', undefined, 'helm').documents[0]?.root as YMap | undefined) ?? {
    kind: 'map',
    pairs: [],
  };

it('subchart defaults carry their chart chain and line; the parent overrides under the alias', () => {
  const chart = loadChartTree('/c/app', fs) as Chart;
  const v = helmValues(chart, user('x: 1\n')).values;
  const u = getPath(v, ['database', 'user']);
  assert.equal(u?.origin?.by, 'chart default app:db');
  assert.equal(u?.origin?.file, '/c/app/charts/db/values.yaml');
  assert.equal(u?.origin?.line, 3);
  assert.equal(getPath(v, ['database', 'port'])?.origin?.by, 'chart default');
  assert.deepEqual(toJS(getPath(v, ['database', 'global'])), { image: 'reg' });
  assert.deepEqual(
    enabledSubcharts(chart, user('')).map((s) => s.path),
    ['database'],
  );
  assert.deepEqual(
    enabledSubcharts(chart, user('database:\n  enabled: false\n')).map((s) => s.path),
    [],
  );
  assert.equal(
    getPath(helmValues(chart, user('database:\n  enabled: false\n')).values, ['database', 'user']),
    undefined,
  );
});

it('a dependency whose version constraint the vendored chart does not satisfy is reported', () => {
  const bad = new MemoryFileSystem(fs, {
    '/c/app/Chart.yaml':
      'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 3.x\n',
  });
  const warnings: string[] = [];
  helmValues(loadChartTree('/c/app', bad) as Chart, user(''), warnings);
  assert.ok(
    warnings.some((w) => /db 3\.x is declared in Chart\.yaml but missing/.test(w)),
    warnings.join('\n'),
  );
});
