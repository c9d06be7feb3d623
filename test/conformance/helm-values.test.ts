// Conformance of our values rules with the real Helm (v3.18.0 from scripts/install-reference-tools.sh):
// each case feeds layers as `-f` files plus `--set`/`--set-string`/`--set-literal` to
// `helm template` with test/fixtures/charts/dump-values, whose only template writes `.Values` as
// JSON, and compares Helm's values with what our layer merge + strvals + coalesce compute.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { YMap, toJS } from '../../server/src/engine/yaml/node';
import { mergeLayers } from '../../server/src/engine/values/layerMerge';
import { coalesceValues } from '../../server/src/engine/values/coalesce';
import { parseSetInto, SetMode } from '../../server/src/engine/values/strvals';
import { computeEffectiveValues } from '../../server/src/engine/values/effective';
import { MemoryFileSystem } from '../../server/src/engine/fs';

function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

const root = projectRoot();
const helm = path.join(root, '.cache/reference-tools/helm');
const fixtureChart = path.join(root, 'test/fixtures/charts/dump-values');

interface Case {
  name: string;
  /** Replaces the fixture chart's values.yaml when given. */
  chartValues?: string;
  layers: string[];
  sets?: { mode: SetMode; expr: string }[];
}

const cases: Case[] = [
  { name: 'no user values: chart defaults, nulls included', layers: [] },
  { name: 'scalar override and new key', layers: ['replicaCount: 3\nextra: yes-string\n'] },
  {
    name: 'null deletes a default scalar and a default map',
    layers: ['replicaCount: null\nimage: null\n'],
  },
  {
    name: 'null for a key the chart lacks stays null',
    layers: ['unknown: null\nnested:\n  unknownChild: null\n'],
  },
  {
    name: 'nested null deletes a nested default',
    layers: ['image:\n  tag: null\nnested:\n  deeper:\n    value: null\n'],
  },
  { name: 'map over scalar default keeps the map', layers: ['scalarDefault:\n  a: 1\n'] },
  {
    name: 'scalar over map default keeps the scalar',
    layers: ['image: plain\nresources:\n  limits: none\n'],
  },
  {
    name: 'list over map default keeps the list',
    layers: ['mapDefault:\n  - 1\n  - 2\nresources:\n  limits: [a]\n'],
  },
  {
    name: 'map over list default keeps the map',
    layers: ['listDefault:\n  x: 1\nports:\n  http: 80\n'],
  },
  { name: 'lists replace, never merge', layers: ['ports: [8080]\n', 'listDefault: [c]\n'] },
  {
    name: 'nested maps merge across layers',
    layers: [
      'image:\n  tag: "2.0"\nservice:\n  port: 8080\n',
      'image:\n  repository: custom\nservice:\n  annotations:\n    a: b\n',
    ],
  },
  {
    name: 'three layers: later wins, map replaced by scalar then by map again',
    layers: ['a:\n  b: 1\n  c: 2\n', 'a: flat\n', 'a:\n  d: 4\nreplicaCount: 5\n'],
  },
  {
    name: 'null in an earlier layer then value in a later one',
    layers: ['image: null\n', 'image:\n  tag: "3"\n'],
  },
  {
    name: 'value then null in a later layer deletes the default',
    layers: ['service:\n  port: 1\n', 'service:\n  port: null\n'],
  },
  {
    name: '--set typed values',
    layers: ['image:\n  tag: x\n'],
    sets: [
      {
        mode: 'set',
        expr: 'image.tag=2,replicaCount=0,flag=TRUE,none=null,float=1.5,zero=007,neg=-3',
      },
    ],
  },
  {
    name: '--set list index and nested list',
    layers: [],
    sets: [{ mode: 'set', expr: 'list[2]=c,matrix[1][0]=x,objs[0].name=a' }],
  },
  {
    name: '--set replaces an element of a default list',
    layers: [],
    sets: [{ mode: 'set', expr: 'ports[1]=8443' }],
  },
  {
    name: '--set escaped dot and list literal',
    layers: [],
    sets: [{ mode: 'set', expr: 'nodeSelector.kubernetes\\.io/role=master,tolerations={a,b,3}' }],
  },
  {
    name: '--set null deletes a default',
    layers: [],
    sets: [{ mode: 'set', expr: 'image.pullPolicy=null' }],
  },
  {
    name: '--set-string keeps strings',
    layers: [],
    sets: [{ mode: 'string', expr: 'replicaCount=5,flag=true' }],
  },
  {
    name: '--set-literal keeps commas and braces',
    layers: [],
    sets: [{ mode: 'literal', expr: 'config.json={"a":1,"b":[2]}' }],
  },
  {
    name: 'chart defaults with nested nulls and an empty map',
    chartValues:
      'top:\n  keep: 1\n  gone: null\n  sub:\n    x: null\n    v: {}\nlist: []\nnullTop: null\n',
    layers: ['top:\n  sub:\n    x: 5\n    z: null\n'],
  },
  {
    name: 'YAML 1.1 typing of values files: yes/on/y are booleans, 0755 is octal, keys typed too',
    layers: [
      'enabled: yes\ndebug: off\nshort: y\nmode: 0755\nquoted: "yes"\nyes: key-was-yes\non: key-was-on\nwhen: 2001-12-14\n',
    ],
  },
  {
    name: 'deep type clash inside merged maps',
    chartValues: 'a:\n  b:\n    c: 1\n  d: [1]\n  e: text\n',
    layers: ['a:\n  b: scalar\n  d:\n    m: 1\n  e:\n    f: 1\n'],
  },
];

// Generated cases: seeded random value trees over a small key pool, so layers and chart defaults
// collide in every way (maps over scalars, lists over maps, nulls at any depth, YAML 1.1
// spellings). Each is checked against helm like the hand-written cases above.
function generatedCases(seed: number, count: number): Case[] {
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const keys = ['a', 'b', 'nested', 'list', 'image', 'enabled'];
  const scalar = () =>
    pick<unknown>([1, 0, -7, 2.5, 'text', 'yes', 'off', true, false, null, '"quoted"', '010']);
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth > 2 || r < 0.45) return scalar();
    if (r < 0.6) return [scalar(), scalar()].slice(0, 1 + Math.floor(rnd() * 2));
    const m: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) m[pick(keys)] = value(depth + 1);
    return m;
  };
  const text = (v: unknown, indent = ''): string => {
    if (v === null || typeof v !== 'object') return ` ${v === null ? 'null' : String(v)}\n`;
    if (Array.isArray(v))
      return '\n' + v.map((x) => `${indent}- ${text(x, indent + '  ').trimStart()}`).join('');
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return ' {}\n';
    return '\n' + entries.map(([k, x]) => `${indent}${k}:${text(x, indent + '  ')}`).join('');
  };
  const doc = () => {
    const m: Record<string, unknown> = {};
    for (let i = 0; i < 2 + Math.floor(rnd() * 3); i++) m[pick(keys)] = value(1);
    return text(m).slice(1);
  };
  return Array.from({ length: count }, (_, i) => ({
    name: `generated #${i} (seed ${seed})`,
    chartValues: doc(),
    layers: Array.from({ length: 1 + Math.floor(rnd() * 3) }, doc),
  }));
}
cases.push(...generatedCases(7, 25));

function ourValues(chartValues: string, c: Case): unknown {
  const parse = (text: string, file: string): YMap => {
    // Helm reads values files with YAML 1.1 typing (the 'helm' flavour).
    const root = parseYaml(text, file, undefined, 'helm').documents[0]?.root;
    return root && root.kind === 'map' ? root : { kind: 'map', pairs: [] };
  };
  let user: YMap = { kind: 'map', pairs: [] };
  c.layers.forEach((l, i) => (user = mergeLayers(user, parse(l, `layer${i}.yaml`))));
  // Helm applies every --set, then every --set-string, then every --set-literal.
  for (const mode of ['set', 'string', 'literal'] as const) {
    for (const s of c.sets ?? []) {
      if (s.mode !== mode) continue;
      const err = parseSetInto(s.expr, user, s.mode);
      assert.equal(err, undefined, `our parser rejected ${s.expr}`);
    }
  }
  return toJS(coalesceValues(user, parse(chartValues, 'values.yaml'), 'dump-values'));
}

function helmValues(dir: string, chartDir: string, c: Case): unknown {
  const args = ['template', 'rel', chartDir];
  c.layers.forEach((l, i) => {
    const f = path.join(dir, `layer${i}.yaml`);
    fs.writeFileSync(f, l);
    args.push('-f', f);
  });
  const flag = { set: '--set', string: '--set-string', literal: '--set-literal' } as const;
  for (const s of c.sets ?? []) args.push(flag[s.mode], s.expr);
  const out = execFileSync(helm, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
  });
  const doc = parseYaml(out, 'helm-output.yaml').documents.find((d) => d.root)?.root;
  const json = toJS(doc) as { data: { 'values.json': string } };
  return JSON.parse(json.data['values.json']);
}

const skip = fs.existsSync(helm)
  ? false
  : `reference helm not found at ${helm}; run scripts/install-reference-tools.sh`;

test('helm values conformance', { skip }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-values-'));
  try {
    for (const c of cases) {
      await t.test(c.name, () => {
        const dir = fs.mkdtempSync(path.join(work, 'case-'));
        let chartDir = fixtureChart;
        if (c.chartValues !== undefined) {
          chartDir = path.join(dir, 'chart');
          fs.cpSync(fixtureChart, chartDir, { recursive: true });
          fs.writeFileSync(path.join(chartDir, 'values.yaml'), c.chartValues);
        }
        const chartValues = fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8');
        assert.deepStrictEqual(ourValues(chartValues, c), helmValues(dir, chartDir, c));
      });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

// Every corpus overlay the real kustomize builds: effective values without error-severity
// problems (references to objects kept elsewhere are warnings), and, for releases without
// valuesFrom, exactly the spec.values of kubectl's output (an independent check).
const corpus = path.resolve(root, '../shared/corpus');
const kubectl = path.join(root, '.cache/reference-tools/kubectl');

function kustomizationDirs(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) kustomizationDirs(p, out);
    else if (
      e.name === 'kustomization.yaml' ||
      e.name === 'kustomization.yml' ||
      e.name === 'Kustomization'
    )
      out.push(dir);
  }
  return out;
}

const corpusSkip = !fs.existsSync(corpus)
  ? `corpus not found at ${corpus}`
  : !fs.existsSync(kubectl)
    ? `reference kubectl not found at ${kubectl}`
    : false;

test('corpus overlays: effective values of every HelmRelease', { skip: corpusSkip }, async (t) => {
  let releases = 0;
  let plain = 0;
  for (const dir of [...new Set(kustomizationDirs(corpus))].sort()) {
    let out: string;
    try {
      out = execFileSync(kubectl, ['kustomize', dir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 << 20,
      });
    } catch {
      continue; // folders kustomize itself rejects are the kustomize engine's business
    }
    if (!out.includes('helm.toolkit.fluxcd.io')) continue;
    const file = path.join(dir, '__kubectl_kustomize_output.yaml');
    const docs = parseYaml(out, file)
      .documents.map((d) => d.root)
      .filter((r): r is YMap => !!r && r.kind === 'map');
    const results = computeEffectiveValues(docs, new MemoryFileSystem(undefined, { [file]: out }));
    await t.test(path.relative(corpus, dir), () => {
      for (const r of results) {
        releases++;
        const errors = r.problems.filter((p) => p.severity === 'error');
        assert.deepStrictEqual(errors, [], `${r.namespace}/${r.name}`);
        const spec =
          (toJS(r.release) as { spec?: { values?: unknown; valuesFrom?: unknown[] } }).spec ?? {};
        if (!spec.valuesFrom || spec.valuesFrom.length === 0) {
          plain++;
          assert.deepStrictEqual(toJS(r.values), spec.values ?? {}, `${r.namespace}/${r.name}`);
        }
      }
    });
  }
  t.diagnostic(`${releases} releases checked, ${plain} compared with spec.values`);
  assert.ok(releases > 0, 'no HelmRelease found in the corpus');
});
