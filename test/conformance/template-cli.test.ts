// `flux-overlays template` on corpus releases whose chart is in ../shared/charts, against the
// real helm: the release's user values as `flux-overlays values --json` computes them are given to
// `helm template RELEASE CHART -n NS -f VALUES --include-crds --skip-tests`, with the release
// name and namespace helm-controller would use, and with a --post-renderer adding the origin
// labels helm-controller sets (test/support/postRenderer.ts, with the reference kubectl); the
// objects must be the same, in the same order (Secrets masked on our side unless --show-secrets,
// so those are compared with it).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { toJS } from '../../server/src/engine/yaml/node';
import { CORPUS, HELM, KUBECTL, PROJECT_ROOT, corpusAvailable } from '../support/paths';
import { writePostRenderer } from '../support/postRenderer';
import { isSecretMark } from '../../server/src/engine/secrets';

const CHARTS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts');
const CLI = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');

const CASES = [
  {
    dir: 'controlplaneio-fluxcd__d1-apps/components/frontend/production',
    chart: 'podinfo',
    release: 'frontend/podinfo',
    helmName: 'podinfo',
    ns: 'frontend',
  },
  {
    dir: 'controlplaneio-fluxcd__d1-apps/components/frontend/staging',
    chart: 'podinfo',
    release: 'frontend/podinfo',
    helmName: 'podinfo',
    ns: 'frontend',
  },
  {
    dir: 'controlplaneio-fluxcd__d1-apps/components/backend/production',
    chart: 'redis',
    release: 'backend/redis',
    helmName: 'redis',
    ns: 'backend',
  },
];

const skip = !corpusAvailable()
  ? 'corpus absent'
  : !fs.existsSync(HELM) || !fs.existsSync(KUBECTL)
    ? 'helm/kubectl absent (scripts/install-reference-tools.sh)'
    : false;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function docs(text: string): unknown[] {
  return parseYaml(text, 'helm')
    .documents.map((d) => JSON.parse(JSON.stringify(toJS(d.root) ?? null)))
    .filter((d) => d !== null);
}

for (const c of CASES) {
  test(`template CLI equals helm template: ${c.dir} ${c.release}`, { skip }, () => {
    const dir = path.join(CORPUS, c.dir);
    const chart = path.join(CHARTS, c.chart);
    // The user's layers only (no --chart: no chart defaults coalesced in), as helm-controller hands them to Helm;
    // Helm itself adds the chart's defaults (json.Number typed, unlike -f values).
    const values = cli(['values', dir, '--release', c.release, '--json', '--show-secrets']);
    assert.equal(values.status, 0, values.stderr);
    const v = (JSON.parse(values.stdout) as Record<string, Record<string, unknown>>)[dir][
      c.release
    ];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tplcli-'));
    try {
      const vf = path.join(tmp, 'values.json');
      fs.writeFileSync(vf, JSON.stringify(v));
      const [hrNs, hrName] = c.release.split('/');
      const script = writePostRenderer(tmp, { name: hrName, namespace: hrNs });
      const helmOut = execFileSync(
        HELM,
        [
          'template',
          c.helmName,
          chart,
          '-n',
          c.ns,
          '-f',
          vf,
          '--include-crds',
          '--skip-tests',
          '--post-renderer',
          script,
        ],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      const ours = cli([
        'template',
        dir,
        '--chart',
        chart,
        '--release',
        c.release,
        '--json',
        '--show-secrets',
      ]);
      assert.equal(ours.status, 0, ours.stderr);
      const objs = (JSON.parse(ours.stdout) as Record<string, Record<string, unknown[]>>)[dir][
        c.release
      ];
      const expected = docs(helmOut);
      assert.equal(objs.length, expected.length);
      objs.forEach((o, i) => {
        const e = expected[i] as { kind?: string; data?: unknown };
        // Generated passwords differ on every run, in helm too.
        if (e.kind === 'Secret' || (e as { spec?: { template?: unknown } }).spec?.template) {
          const strip = (x: unknown) =>
            JSON.parse(JSON.stringify(x), (k, val) =>
              k === 'data' || k.startsWith('checksum/') ? undefined : val,
            );
          assert.deepEqual(strip(o), strip(e), `object ${i}`);
        } else assert.deepEqual(o, e, `object ${i}`);
      });
      // Without --show-secrets, Secret values are masked.
      const masked = cli(['template', dir, '--chart', chart, '--release', c.release]);
      assert.equal(masked.status, 0, masked.stderr);
      for (const d of docs(masked.stdout) as { kind?: string; data?: Record<string, string> }[]) {
        if (d.kind === 'Secret' && d.data)
          for (const val of Object.values(d.data)) assert.ok(isSecretMark(val), String(val));
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
