// The generated repository of the scale benchmarks and tests (issues 4 and 14): N components,
// each `components/app<i>/{base,staging,production}`, a HelmRepository and a HelmRelease in
// base, a values patch per overlay. Written into a temporary folder, never into a repository.
import * as fs from 'fs';
import * as path from 'path';

export const OVERLAYS = ['staging', 'production'] as const;

/**
 * Writes `n` components x 3 overlays (base, staging, production) under `dir`. With `problems`,
 * one component in 100 carries what check reports (a sourceRef typo, a values key typo, a
 * missing resource), so that outputs compared before and after a change are not empty.
 */
export function generateRepository(
  dir: string,
  n: number,
  options: { problems?: boolean } = {},
): void {
  for (let i = 0; i < n; i++) {
    const bad = options.problems === true && i % 100 === 7;
    const c = path.join(dir, 'components', `app${i}`);
    for (const d of ['base', ...OVERLAYS]) fs.mkdirSync(path.join(c, d), { recursive: true });
    fs.writeFileSync(
      path.join(c, 'base/kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: app${i}\nresources:\n  - release.yaml\n`,
    );
    fs.writeFileSync(
      path.join(c, 'base/release.yaml'),
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: app${i}\nspec:\n  interval: 1h\n  url: https://charts.example.org\n---\n` +
        `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app${i}\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: app\n      sourceRef:\n        kind: HelmRepository\n        name: app${i}${bad ? 'x' : ''}\n  values:\n    replicaCount: 1\n    image:\n      tag: v1\n`,
    );
    for (const [o, r] of [
      ['staging', 2],
      ['production', 3],
    ] as const) {
      const missing = bad && o === 'staging' ? '  - missing.yaml\n' : '';
      fs.writeFileSync(
        path.join(c, o, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n${missing}patches:\n  - path: values.yaml\n`,
      );
      const key = bad && o === 'production' ? 'replicaCont' : 'replicaCount';
      fs.writeFileSync(
        path.join(c, o, 'values.yaml'),
        `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app${i}\nspec:\n  values:\n    ${key}: ${r}\n`,
      );
    }
  }
}
