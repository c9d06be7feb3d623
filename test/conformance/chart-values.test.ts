// Conformance of Helm's values with subcharts (engine/values/dependencies.ts over
// engine/charts/load.ts) against the real helm (scripts/install-reference-tools.sh):
// - every chart of ../shared/charts (library charts aside: Helm does not install them), with
//   no values and with each of the authors' ci/ values files;
// - small generated charts exercising condition, tags, alias, import-values (exports and
//   child/parent), globals through two levels, library subcharts and null deletion.
// Helm's side: `helm template` of a temporary copy of the chart whose templates are replaced by
// one that dumps `.Values` as JSON (in the chart and in every application subchart, so each
// subchart's scoped values are compared too). Our side reads the original chart.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { loadChartTree } from '../../server/src/engine/charts/load';
import { Chart } from '../../server/src/engine/charts/model';
import { helmValues } from '../../server/src/engine/values/dependencies';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { YMap, toJS } from '../../server/src/engine/yaml/node';
import { CHARTS, HELM } from '../support/paths';
import { dumpCopy, helmDumps, scoped } from '../support/helmDump';

function ours(chart: Chart, valueFiles: string[]): unknown {
  let user: YMap = { kind: 'map', pairs: [] };
  if (valueFiles.length > 1) throw new Error('one values file per case');
  for (const f of valueFiles) {
    const root = parseYaml(fs.readFileSync(f, 'utf8'), f, undefined, 'helm').documents[0]?.root;
    if (root && root.kind === 'map') user = root;
  }
  return toJS(helmValues(chart, user).values);
}

function compare(
  t: { diagnostic(s: string): void },
  chartDir: string,
  valueFiles: string[],
  work: string,
  label: string,
): void {
  const copy = fs.mkdtempSync(path.join(work, 'chart-'));
  const dir = path.join(copy, path.basename(chartDir));
  const ids = dumpCopy(chartDir, dir);
  const helm = helmDumps(dir, valueFiles, copy);
  const loaded = loadChartTree(chartDir.split(path.sep).join('/'), new DiskFileSystem());
  assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
  const mine = ours(loaded as Chart, valueFiles);
  assert.ok(helm.has('root') || !ids.includes('root'), `${label}: helm rendered no dump`);
  let compared = 0;
  for (const id of ids) {
    if (!helm.has(id)) {
      // a disabled subchart renders nothing: ours must not have it enabled either... checked by the parent's values
      continue;
    }
    compared++;
    assert.deepStrictEqual(scoped(mine, id), helm.get(id), `${label}: values of ${id}`);
  }
  t.diagnostic(`${label}: ${compared} chart(s) compared`);
  fs.rmSync(copy, { recursive: true, force: true });
}

const skip = !fs.existsSync(HELM)
  ? `reference helm not found at ${HELM}`
  : !fs.existsSync(CHARTS)
    ? `charts not found at ${CHARTS}`
    : false;

test(
  'effective values of the real charts equal helm computed values (ci values, subcharts)',
  { skip },
  async (t) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-values-'));
    try {
      for (const name of fs.readdirSync(CHARTS).sort()) {
        const dir = path.join(CHARTS, name);
        if (!fs.existsSync(path.join(dir, 'Chart.yaml'))) continue;
        if (/^type:\s*library\s*$/m.test(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')))
          continue;
        const ci = fs.existsSync(path.join(dir, 'ci'))
          ? fs
              .readdirSync(path.join(dir, 'ci'))
              .filter((f) => /\.ya?ml$/.test(f))
              .sort()
          : [];
        for (const values of [undefined, ...ci]) {
          const label = `${name}${values ? ` -f ci/${values}` : ''}`;
          await t.test(label, () =>
            compare(t, dir, values ? [path.join(dir, 'ci', values)] : [], work, label),
          );
        }
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);

// ---- generated charts: every dependency rule ------------------------------------------------

type Files = Record<string, string>;
const chart = (name: string, extra = '', type = 'application') =>
  `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ntype: ${type}\n${extra}`;

/** parent -> sub (condition), sub aliased twice, tagged, library, nested grandchild with globals, import-values. */
const FAMILY: Files = {
  'parent/Chart.yaml': chart(
    'parent',
    `dependencies:
  - name: sub
    version: 1.x
    condition: sub.enabled,global.subEnabled
  - name: sub
    alias: second
    version: ">=1.0.0"
    condition: second.enabled
    tags: [extras]
  - name: tagged
    version: 1.0.0
    tags: [extras, more]
    import-values:
      - data
      - child: nested.table
        parent: imported.here
  - name: lib
    version: 1.0.0
  - name: exporter
    version: 1.0.0
    import-values:
      - child: exports.data
        parent: .
`,
  ),
  'parent/values.yaml':
    'global:\n  region: eu\n  shared:\n    a: parent\nsub:\n  fromParent: 1\n  nullMe: keep\nsecond:\n  enabled: false\nexportedKey: parent-wins\nimported:\n  here:\n    own: parent\ntags:\n  more: true\n',
  'parent/charts/sub/Chart.yaml': chart(
    'sub',
    'dependencies:\n  - name: grand\n    version: 1.0.0\n    condition: grand.enabled\n',
  ),
  'parent/charts/sub/values.yaml':
    'enabled: true\nreplicas: 1\nnullMe: sub-default\nnullDefault: null\nglobal:\n  region: sub-region\n  subOnly: x\n  shared:\n    b: sub\ngrand:\n  enabled: true\n',
  'parent/charts/sub/charts/grand/Chart.yaml': chart('grand'),
  'parent/charts/sub/charts/grand/values.yaml': 'level: 3\nglobal:\n  grandOnly: g\n',
  'parent/charts/tagged/Chart.yaml': chart('tagged'),
  'parent/charts/tagged/values.yaml':
    'exports:\n  data:\n    exportedKey: from-tagged\n    onlyExported: 1\nnested:\n  table:\n    x: 1\n    own: child\n',
  'parent/charts/lib/Chart.yaml': chart('lib', '', 'library'),
  'parent/charts/lib/values.yaml': 'libDefault: true\n',
  'parent/charts/exporter/Chart.yaml': chart('exporter'),
  'parent/charts/exporter/values.yaml': 'exports:\n  data:\n    topFromExporter: yes\n',
  'parent/charts/undeclared/Chart.yaml': chart('undeclared'),
  'parent/charts/undeclared/values.yaml': 'always: here\n',
};

const USER_CASES: { name: string; values: string }[] = [
  { name: 'defaults only', values: '' },
  { name: 'condition false disables sub and its grandchild', values: 'sub:\n  enabled: false\n' },
  {
    name: 'second condition path wins when the first is absent',
    values: 'global:\n  subEnabled: false\n',
  },
  {
    name: 'alias enabled by the user, tags false',
    values: 'second:\n  enabled: true\n  replicas: 5\ntags:\n  extras: false\n  more: false\n',
  },
  { name: 'tags: one true keeps the chart', values: 'tags:\n  extras: false\n' },
  {
    name: 'grandchild condition through the parent path',
    values: 'sub:\n  grand:\n    enabled: false\n',
  },
  {
    name: 'user globals reach every level, parent wins',
    values: 'global:\n  region: us\n  shared:\n    c: user\n  newOne: 1\n',
  },
  {
    name: 'null deletes a subchart default and a parent default',
    values: 'sub:\n  nullMe: null\n  replicas: null\nexportedKey: null\n',
  },
  {
    name: 'user overrides imported values',
    values: 'imported:\n  here:\n    x: 9\nonlyExported: 2\n',
  },
  { name: 'non-bool condition is ignored', values: 'sub:\n  enabled: "no"\n' },
  {
    name: 'map over subchart scalar and scalar over subchart map',
    values: 'sub:\n  replicas:\n    a: 1\n  grand:\n    level:\n      deep: 1\n',
  },
];

function writeFiles(root: string, files: Files): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

test(
  'dependency rules on generated charts equal helm (condition, tags, alias, import-values, globals, library, nulls)',
  { skip: fs.existsSync(HELM) ? false : `reference helm not found at ${HELM}` },
  async (t) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-deps-'));
    try {
      writeFiles(path.join(work, 'src'), FAMILY);
      for (const c of USER_CASES) {
        await t.test(c.name, () => {
          const f = path.join(work, `${USER_CASES.indexOf(c)}.yaml`);
          fs.writeFileSync(f, c.values);
          compare(t, path.join(work, 'src', 'parent'), [f], work, c.name);
        });
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
