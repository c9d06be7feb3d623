// The bundled example's discovery chart (examples/keos-apps/charts/discovery, taken from the
// example's own GitRepository) against the real helm, for each discovery overlay, without flags:
// - `flux-overlays values --json` equals helm's computed values: the release's layers taken from
//   the real `kubectl kustomize` output (valuesFrom ConfigMap keys in order, the targetPath
//   Secret value, then spec.values, as `-f` files) given to `helm template` of a dump copy of
//   the chart (test/support/helmDump.ts);
// - `flux-overlays template --json` equals `helm template` of the chart with the same files,
//   the release name and namespace helm-controller uses, and helm-controller's origin labels
//   (test/support/postRenderer.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseYaml } from '../../server/src/engine/yaml/parse';
import { toJS } from '../../server/src/engine/yaml/node';
import { HELM, KUBECTL, PROJECT_ROOT } from '../support/paths';
import { kubectlKustomize } from '../support/kubectl';
import { dumpCopy, helmDumps } from '../support/helmDump';
import { writePostRenderer } from '../support/postRenderer';

const CLI = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'keos-apps');
const CHART = path.join(EXAMPLE, 'charts', 'discovery');
const RELEASE = 'keos-discovery/discovery';

const skip =
  !fs.existsSync(HELM) || !fs.existsSync(KUBECTL)
    ? 'helm/kubectl absent (scripts/install-reference-tools.sh)'
    : false;

type Obj = {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    // nothing to fetch: an empty cache proves the chart came from the repository
    env: { ...process.env, FLUX_OVERLAYS_CHART_CACHE: path.join(os.tmpdir(), 'no-such-cache') },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function docs(text: string): unknown[] {
  return parseYaml(text, 'helm')
    .documents.map((d) => JSON.parse(JSON.stringify(toJS(d.root) ?? null)))
    .filter((d) => d !== null);
}

/** helm-controller's layers of the release, as files, from kubectl's build of `dir`. */
function layers(dir: string, work: string): string[] {
  const built = kubectlKustomize(dir);
  assert.ok(built.ok, built.stderr);
  const objs = built.docs as Obj[];
  const hr = objs.find((o) => o.kind === 'HelmRelease' && o.metadata?.name === 'discovery')!;
  const ns = hr.metadata?.namespace;
  const files: string[] = [];
  const write = (text: string) => {
    const f = path.join(work, `layer-${files.length}.yaml`);
    fs.writeFileSync(f, text);
    files.push(f);
  };
  for (const ref of (hr.spec?.valuesFrom ?? []) as {
    kind: string;
    name: string;
    valuesKey?: string;
    targetPath?: string;
  }[]) {
    const src = objs.find(
      (o) => o.kind === ref.kind && o.metadata?.name === ref.name && o.metadata?.namespace === ns,
    );
    assert.ok(src, `${ref.kind}/${ref.name} in the build`);
    const key = ref.valuesKey ?? 'values.yaml';
    const raw = src.data![key];
    const text = ref.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (ref.targetPath) {
      // helm-controller sets it as a string (strvals ParseIntoString): a one-key -f file
      const tree: Record<string, unknown> = {};
      let at = tree;
      const segs = ref.targetPath.split('.');
      segs.slice(0, -1).forEach((s) => (at = (at[s] = {}) as Record<string, unknown>));
      at[segs[segs.length - 1]] = text;
      write(stringify(tree));
    } else write(text);
  }
  if (hr.spec?.values) write(stringify(hr.spec.values));
  return files;
}

for (const overlay of ['base', 'staging', 'production']) {
  const rel = `examples/keos-apps/components/discovery/${overlay}`;
  test(`example chart: ${rel} values and template equal helm's`, { skip }, () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'example-chart-'));
    try {
      const files = layers(path.join(PROJECT_ROOT, rel), work);

      // values: ours (chart defaults from the repository, no flag) = helm's computed values
      const values = cli(['values', rel, '--json', '--show-secrets']);
      assert.equal(values.status, 0, values.stderr);
      assert.doesNotMatch(values.stderr, /not available/);
      const ours = (JSON.parse(values.stdout) as Record<string, Record<string, unknown>>)[rel][
        RELEASE
      ];
      const dump = path.join(work, 'dump');
      dumpCopy(CHART, dump);
      const helm = helmDumps(dump, files, path.join(work, 'helm-home'));
      assert.deepStrictEqual(ours, helm.get('root'));

      // template: ours = helm template with helm-controller's release name, namespace, labels
      const script = writePostRenderer(work, { name: 'discovery', namespace: 'keos-discovery' });
      const args = ['template', 'discovery', CHART, '-n', 'keos-discovery'];
      for (const f of files) args.push('-f', f);
      const helmOut = execFileSync(
        HELM,
        [...args, '--include-crds', '--skip-tests', '--post-renderer', script],
        {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
          env: { ...process.env, HELM_CACHE_HOME: work, HELM_CONFIG_HOME: work },
        },
      );
      const tpl = cli(['template', rel, '--json', '--show-secrets']);
      assert.equal(tpl.status, 0, tpl.stderr);
      const objs = (JSON.parse(tpl.stdout) as Record<string, Record<string, unknown[]>>)[rel][
        RELEASE
      ];
      const expected = docs(helmOut);
      assert.ok(expected.length >= 3, `helm rendered ${expected.length} objects`);
      assert.deepStrictEqual(objs, expected);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
}
