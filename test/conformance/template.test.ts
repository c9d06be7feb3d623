// Differential conformance of our in-process Helm rendering (engine/render) with the real
// `helm template NAME CHART -n NS [-f VALUES] --kube-version V --skip-tests --include-crds`
// (helm v3.18.0 from scripts/install-reference-tools.sh), on every chart of ../shared/charts
// with its defaults and with each ci/ values file: the same documents in the same order,
// compared parsed. Documents whose templates call random/time functions are compared with the
// differing leaves left out, and those leaves are printed.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { toJS } from '../../server/src/engine/yaml/node';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { loadChartDir } from '../../server/src/engine/render/chart';
import { renderChart } from '../../server/src/engine/render/render';
import { readChartValues } from '../../server/src/engine/template/chartValues';
import { newMap } from '../../server/src/engine/template/value';
import { HELM, PROJECT_ROOT } from '../support/paths';

const CHARTS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts');
const KUBE_VERSION = '1.33.0';
const NAME = 'rel';
const NS = 'conf-ns';

interface Case {
  chart: string;
  values?: string;
}

function cases(): Case[] {
  if (!fs.existsSync(CHARTS)) return [];
  const out: Case[] = [];
  for (const c of fs.readdirSync(CHARTS).sort()) {
    const dir = path.join(CHARTS, c);
    if (!fs.existsSync(path.join(dir, 'Chart.yaml'))) continue;
    if (/^type:\s*library/m.test(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))) continue;
    out.push({ chart: c });
    const ci = path.join(dir, 'ci');
    if (fs.existsSync(ci))
      for (const f of fs.readdirSync(ci).sort())
        if (/\.ya?ml$/.test(f)) out.push({ chart: c, values: path.join(ci, f) });
  }
  return out;
}

/** Helm's output read the way our objects are (go-yaml v3 typing, as the API server's client reads it). */
function docs(text: string): unknown[] {
  return parseYaml(text, 'helm-output')
    .documents.map((d) => JSON.parse(JSON.stringify(toJS(d.root) ?? null)))
    .filter((d) => d !== null && d !== undefined);
}

/** Paths where a and b differ. */
function diffPaths(a: unknown, b: unknown, p = ''): string[] {
  if (a === b) return [];
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) =>
      diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${p}/${k}`),
    );
  }
  return [p || '/'];
}

let passed = 0;
let total = 0;
const failures: string[] = [];

for (const c of cases()) {
  const label = `${c.chart}${c.values ? ' -f ' + path.basename(c.values) : ' (defaults)'}`;
  test(`helm template conformance: ${label}`, () => {
    total++;
    const args = [
      'template',
      NAME,
      path.join(CHARTS, c.chart),
      '-n',
      NS,
      '--kube-version',
      KUBE_VERSION,
      '--skip-tests',
      '--include-crds',
    ];
    if (c.values) args.push('-f', c.values);
    let helmOut: string | undefined;
    let helmErr: string | undefined;
    try {
      helmOut = execFileSync(HELM, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 << 20,
      });
    } catch (e) {
      helmErr = String((e as { stderr?: string }).stderr ?? e);
    }
    const chart = loadChartDir(new DiskFileSystem(), path.join(CHARTS, c.chart));
    const user = c.values
      ? readChartValues(fs.readFileSync(c.values, 'utf8'), c.values, 'float').value
      : newMap();
    const ours = renderChart(chart, user, {
      releaseName: NAME,
      namespace: NS,
      kubeVersion: KUBE_VERSION,
      includeCrds: true,
      includeTests: false,
    });
    try {
      if (helmErr !== undefined) {
        assert.ok(
          ours.errors.length > 0,
          `helm failed (${helmErr.trim().split('\n')[0]}) but we rendered ${ours.objects.length} objects`,
        );
      } else {
        assert.deepEqual(ours.errors, [], 'we failed where helm rendered');
        const expected = docs(helmOut!);
        const actualObjs = ours.objects.filter((o) => o.object !== null);
        const actual = actualObjs.map((o) => JSON.parse(JSON.stringify(o.object)));
        const left: string[] = [];
        assert.equal(
          actual.length,
          expected.length,
          `document count: ours ${actual.length}, helm ${expected.length}`,
        );
        actual.forEach((a, i) => {
          const e = expected[i];
          const d = diffPaths(a, e);
          if (d.length && actualObjs[i].nonReproducible) {
            left.push(
              ...d.map(
                (p) =>
                  `${actualObjs[i].kind}/${actualObjs[i].name}${p} (${actualObjs[i].nonReproducible!.join(', ')})`,
              ),
            );
            return;
          }
          assert.deepEqual(
            a,
            e,
            `document ${i} (${actualObjs[i].source} ${actualObjs[i].kind}/${actualObjs[i].name}) differs at ${d.slice(0, 5).join(', ')}`,
          );
        });
        if (left.length) console.log(`  ${label}: not reproducible, left out: ${left.join('; ')}`);
      }
      passed++;
    } catch (e) {
      failures.push(label);
      throw e;
    }
  });
}

test('helm template conformance: summary', () => {
  console.log(
    `helm template conformance: ${passed} of ${total} pass${failures.length ? `; failing: ${failures.join(', ')}` : ''}`,
  );
});
