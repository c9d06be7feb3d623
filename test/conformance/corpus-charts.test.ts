// Conformance of corpus releases with their charts' defaults: every HelmRelease of
// ../shared/corpus whose chart is in ../shared/charts, its chart served the way users get it.
// The corpus copy and the servers: test/support/corpusCharts.ts.
// - Ours: `flux-overlays values --json` on each folder of the copy (fetching into an empty
//   cache). Helm's: the release's values taken from the real `kubectl kustomize` output
//   (valuesFrom ConfigMaps/Secrets in order, then spec.values, as `-f` files) given to
//   `helm template` of a dump copy of the chart; subcharts' scoped values compared too.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHARTS, corpusAvailable, kubectlAvailable } from '../support/paths';
import { dumpCopy, helmDumps, scoped } from '../support/helmDump';
import { registryAvailable } from '../support/registry';
import { runCli, serveCorpusCharts } from '../support/corpusCharts';

const skip = !corpusAvailable()
  ? 'corpus absent'
  : !fs.existsSync(CHARTS)
    ? `charts not found at ${CHARTS}`
    : !kubectlAvailable()
      ? 'kubectl absent (scripts/install-reference-tools.sh)'
      : registryAvailable();

test(
  'corpus releases with their chart from a local registry or HTTP repository equal helm computed values',
  { skip },
  async (t) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-charts-'));
    let stop = async () => undefined as void;
    try {
      const served = await serveCorpusCharts(work);
      stop = served.stop;
      const { copies, cases, charts, versions } = served;
      t.diagnostic(
        `${cases.length} releases in ${new Set(cases.map((c) => c.dir)).size} folders (${served.skipped} left out: a valuesFrom source outside the build or a targetPath)`,
      );
      assert.ok(cases.length >= 10, `only ${cases.length} releases qualify`);

      // ours: the CLI over every folder, fetching into an empty cache
      const dirs = [...new Set(cases.map((c) => c.dir))];
      const env = {
        ...process.env,
        FLUX_OVERLAYS_CHART_CACHE: path.join(work, 'cache'),
        HOME: work,
        DOCKER_CONFIG: path.join(work, 'docker'),
        HELM_REGISTRY_CONFIG: path.join(work, 'none.json'),
      };
      // (asynchronous: the HTTP repository answers from this process)
      const cli = await runCli(
        ['values', '--json', ...dirs.map((d) => path.relative(copies, d))],
        copies,
        env,
      );
      const names = [...versions.keys()];
      const fetchProblems = cli.stderr
        .split('\n')
        .filter((l) => /is not available/.test(l) && names.some((c) => l.includes(`chart ${c} `)));
      assert.deepStrictEqual(fetchProblems, [], 'every shared chart fetched');
      const ours = JSON.parse(cli.stdout) as Record<string, Record<string, unknown>>;

      // Helm's, one dump copy per chart; identical layer sets are rendered once
      const dumpDirs = new Map<string, { dir: string; ids: string[] }>();
      for (const [name, c] of charts) {
        if (!versions.has(name)) continue;
        const dst = path.join(work, 'dump', name);
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        dumpDirs.set(name, { dir: dst, ids: dumpCopy(c.dir, dst) });
      }
      const rendered = new Map<string, Map<string, unknown>>();
      let compared = 0;
      for (const c of cases) {
        const label = `${path.relative(copies, c.dir)} ${c.key} (${c.chart})`;
        await t.test(label, () => {
          const dump = dumpDirs.get(c.chart)!;
          const memo = `${c.chart}\0${c.layers.map((f) => fs.readFileSync(f, 'utf8')).join('\0')}`;
          let helmValues = rendered.get(memo);
          if (!helmValues)
            rendered.set(
              memo,
              (helmValues = helmDumps(dump.dir, c.layers, path.join(work, 'helm-home'))),
            );
          const mine = ours[path.relative(copies, c.dir)]?.[c.key];
          assert.ok(mine !== undefined, `${label}: no values from flux-overlays`);
          assert.ok(helmValues.has('root'), `${label}: helm rendered no dump`);
          for (const id of dump.ids) {
            if (helmValues.has(id))
              assert.deepStrictEqual(
                scoped(mine, id),
                helmValues.get(id),
                `${label}: values of ${id}`,
              );
          }
          compared++;
        });
      }
      t.diagnostic(`${compared} releases compared, ${rendered.size} distinct helm renders`);
    } finally {
      await stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
