// Conformance of schema validation with subcharts (engine/charts/schemaScopes.ts) against the
// real helm: a generated chart whose root and subchart carry a values.schema.json (the subchart
// also under a disabled alias), values that break one or the other, globals included. Helm's
// side: which chart's schema `helm template` reports and at which value path. Ours: each scope's
// values (coalesced by engine/values/dependencies.ts) validated with its schema.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { loadChartTree } from '../../server/src/engine/charts/load';
import { Chart } from '../../server/src/engine/charts/model';
import { schemaScopes } from '../../server/src/engine/charts/schemaScopes';
import { helmValues } from '../../server/src/engine/values/dependencies';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { YMap, toJS } from '../../server/src/engine/yaml/node';
import { HELM } from '../support/paths';

const FILES: Record<string, string> = {
  'app/Chart.yaml':
    'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 1.0.0\n  - name: db\n    alias: cache\n    version: 1.0.0\n    condition: cache.enabled\n',
  'app/values.yaml': 'replicaCount: 1\ncache:\n  enabled: false\n',
  'app/values.schema.json': JSON.stringify({
    type: 'object',
    properties: { replicaCount: { type: 'integer' } },
  }),
  'app/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
  'app/charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
  'app/charts/db/values.yaml': 'port: 5432\nglobal:\n  region: eu\n',
  'app/charts/db/values.schema.json': JSON.stringify({
    type: 'object',
    properties: {
      port: { type: 'integer' },
      mode: { enum: ['primary', 'replica'] },
      global: { type: 'object', properties: { region: { enum: ['eu', 'us'] } } },
    },
  }),
};

const CASES: { name: string; values: string }[] = [
  { name: 'valid values', values: 'replicaCount: 2\ndb:\n  port: 1\n' },
  { name: 'the root schema', values: 'replicaCount: two\n' },
  {
    name: 'the subchart schema on its scoped values',
    values: 'db:\n  port: "5432"\n  mode: leader\n',
  },
  { name: 'a global the subchart schema refuses', values: 'global:\n  region: mars\n' },
  { name: 'a disabled alias is not checked', values: 'cache:\n  port: nope\n' },
  {
    name: 'an enabled alias is checked under its name',
    values: 'cache:\n  enabled: true\n  port: nope\n',
  },
  { name: 'both charts at once', values: 'replicaCount: 1.5\ndb:\n  port: [1]\n' },
];

/** `chart: path` pairs of helm's schema error (`chart:` lines, then `- path: message`). */
function helmFindings(chartDir: string, valuesFile: string): string[] {
  const r = spawnSync(HELM, ['template', 'rel', chartDir, '-f', valuesFile], { encoding: 'utf8' });
  if (r.status === 0) return [];
  const out: string[] = [];
  let chart = '';
  for (const line of r.stderr.split('\n')) {
    const c = /^([\w.-]+):$/.exec(line);
    if (c) chart = c[1];
    const f = /^- ([^:]+):/.exec(line);
    if (f && chart) out.push(`${chart}: ${f[1]}`);
  }
  assert.ok(out.length, `helm failed without schema findings: ${r.stderr}`);
  return out.sort();
}

function ourFindings(chart: Chart, valuesFile: string): string[] {
  const user = (parseYaml(fs.readFileSync(valuesFile, 'utf8'), valuesFile, undefined, 'helm')
    .documents[0]?.root ?? { kind: 'map', pairs: [] }) as YMap;
  const r = helmValues(chart, user);
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const out: string[] = [];
  for (const s of schemaScopes(chart, r.subcharts, r.values)) {
    const validate = ajv.compile(s.schema);
    if (validate(toJS(s.values))) continue;
    for (const e of validate.errors ?? [])
      out.push(
        `${s.path[s.path.length - 1] ?? chart.name}: ${e.instancePath.slice(1).replace(/\//g, '.')}`,
      );
  }
  return out.sort();
}

test(
  'subchart schemas are checked as helm checks them (scoped values, globals, aliases, disabled subcharts)',
  { skip: fs.existsSync(HELM) ? false : `reference helm not found at ${HELM}` },
  async (t) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-schema-'));
    try {
      for (const [rel, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
        fs.writeFileSync(path.join(work, rel), text);
      }
      const chart = loadChartTree(path.join(work, 'app'), new DiskFileSystem());
      assert.ok(!('error' in chart));
      for (const c of CASES) {
        await t.test(c.name, () => {
          const f = path.join(work, `${CASES.indexOf(c)}.yaml`);
          fs.writeFileSync(f, c.values);
          const helm = helmFindings(path.join(work, 'app'), f);
          assert.equal(
            helm.length > 0,
            !/valid values|not checked/.test(c.name),
            `helm's findings: ${JSON.stringify(helm)}`,
          );
          assert.deepStrictEqual(ourFindings(chart as Chart, f), helm);
        });
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
