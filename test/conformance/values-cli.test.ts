// Independent check of `flux-overlays values --json`: for every corpus folder whose
// HelmReleases carry their values inline (no valuesFrom) and take their chart from a
// repository (so no local chart defaults apply), the values we print equal the `spec.values`
// of the HelmRelease in the real `kubectl kustomize` output.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { kubectlKustomize } from '../support/kubectl';
import {
  CORPUS,
  PROJECT_ROOT,
  corpusAvailable,
  kubectlAvailable,
  kustomizationDirs,
} from '../support/paths';

interface Obj {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    values?: unknown;
    valuesFrom?: unknown[];
    chart?: { spec?: { sourceRef?: { kind?: string } } };
    chartRef?: unknown;
  };
}

const skip = !corpusAvailable()
  ? 'corpus absent'
  : !kubectlAvailable()
    ? 'kubectl absent (scripts/install-reference-tools.sh)'
    : false;

test(
  'values --json equals spec.values of kubectl kustomize for inline-values releases',
  { skip },
  () => {
    const expected = new Map<string, Record<string, unknown>>();
    for (const dir of kustomizationDirs(CORPUS)) {
      const ref = kubectlKustomize(dir);
      if (!ref.ok) continue;
      const releases = (ref.docs as Obj[]).filter(
        (d) => d.kind === 'HelmRelease' && d.apiVersion?.startsWith('helm.toolkit.fluxcd.io/'),
      );
      if (releases.length === 0) continue;
      const inlineOnly = releases.every(
        (r) =>
          !(r.spec?.valuesFrom && r.spec.valuesFrom.length) &&
          ['HelmRepository', 'OCIRepository'].includes(r.spec?.chart?.spec?.sourceRef?.kind ?? ''),
      );
      if (!inlineOnly) continue;
      expected.set(
        path.relative(PROJECT_ROOT, dir),
        Object.fromEntries(
          releases.map((r) => [
            `${r.metadata?.namespace ?? ''}/${r.metadata?.name ?? ''}`,
            r.spec?.values ?? {},
          ]),
        ),
      );
    }
    assert.ok(expected.size >= 10, `only ${expected.size} folders qualify`);
    const dirs = [...expected.keys()];
    const r = spawnSync(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js'), 'values', '--json', ...dirs],
      { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    assert.equal(
      r.status,
      0,
      r.stderr
        .split('\n')
        .filter((l) => l.startsWith('error'))
        .join('\n'),
    );
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(got).sort(), dirs.slice().sort());
    for (const dir of dirs) assert.deepEqual(got[dir], expected.get(dir), dir);
    console.log(
      `${dirs.length} folders, ${[...expected.values()].reduce((n, e) => n + Object.keys(e).length, 0)} releases compared`,
    );
  },
);
