// Real repository layouts for tests, made at test time in a temporary folder from the shared
// corpus (../shared/corpus; never copied into the project): keos-apps with overlay `S` as a git
// repository with a promotion to make, the keos multi-root workspace (apps + system-services +
// fleet), and an app-per-folder layout with `namePrefix: staging-` derived from
// fluxcd__flux2-kustomize-helm-example. Callers skip with a message when the corpus is absent.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS } from './paths';

export const KEOS_APPS = 'forselli-stratio__keos-apps-test';
export const KEOS_SERVICES = 'forselli-stratio__keos-system-services-test';
export const KEOS_FLEET = 'forselli-stratio__keos-fleet-test';
export const FLUX2_EXAMPLE = 'fluxcd__flux2-kustomize-helm-example';

/** Why the layouts cannot be made here (undefined when they can). */
export function layoutsMissing(): string | undefined {
  for (const n of [KEOS_APPS, KEOS_SERVICES, KEOS_FLEET, FLUX2_EXAMPLE]) {
    if (!fs.existsSync(path.join(CORPUS, n))) return `corpus folder ${n} is absent (${CORPUS})`;
  }
  return undefined;
}

export function copyCorpus(name: string, dest: string): string {
  fs.cpSync(path.join(CORPUS, name), dest, {
    recursive: true,
    filter: (src) => path.basename(src) !== '.git',
  });
  return dest;
}

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-C',
      dir,
      '-c',
      'user.name=Flux Overlays Tests',
      '-c',
      'user.email=tests@flux-overlays.invalid',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    },
  );
}

function replaceIn(file: string, before: string, after: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(before))
    throw new Error(`${file} no longer contains ${JSON.stringify(before)}`);
  fs.writeFileSync(file, text.replace(before, after));
}

/** What main changes in the keos-apps copy after `production` branched. */
export const KEOS_PROMOTION = {
  changed: 'components/connectors-management',
  file: 'components/connectors-management/base/values.yaml',
  before:
    '        replicas: 1\n        extraSelectorLabels:\n          app: connectors-management\n',
  after:
    '        replicas: 2\n        extraSelectorLabels:\n          app: connectors-management\n',
  /** A component only main has (a copy of connectors-management under another name). */
  added: 'components/connectors-next',
};

/**
 * keos-apps (overlays `base` and `S`, no `production`) as a git repository: everything on
 * `production`, then on `main` (checked out) connectors-management gets 2 replicas and a new
 * component connectors-next appears.
 */
export function makeKeosAppsRepo(dest: string): string {
  copyCorpus(KEOS_APPS, dest);
  gitIn(dest, 'init', '-q', '-b', 'production');
  gitIn(dest, 'add', '-A');
  gitIn(dest, 'commit', '-q', '-m', 'keos-apps');
  gitIn(dest, 'checkout', '-q', '-b', 'main');
  replaceIn(path.join(dest, KEOS_PROMOTION.file), KEOS_PROMOTION.before, KEOS_PROMOTION.after);
  const next = path.join(dest, KEOS_PROMOTION.added);
  fs.cpSync(path.join(dest, KEOS_PROMOTION.changed), next, { recursive: true });
  for (const f of ['base/sync.yaml', 'base/values.yaml']) {
    const p = path.join(next, f);
    fs.writeFileSync(
      p,
      fs.readFileSync(p, 'utf8').replace(/connectors-management/g, 'connectors-next'),
    );
  }
  gitIn(dest, 'add', '-A');
  gitIn(dest, 'commit', '-q', '-m', 'connectors-management: 2 replicas; connectors-next');
  return dest;
}

/**
 * The keos multi-root workspace: apps (a git repository as above), system-services and fleet
 * side by side, and a `.code-workspace` file listing the three folders. Returns the file.
 */
export function makeKeosMultiRoot(tmp: string): {
  workspaceFile: string;
  apps: string;
  services: string;
  fleet: string;
} {
  const apps = makeKeosAppsRepo(path.join(tmp, 'keos-apps'));
  const services = copyCorpus(KEOS_SERVICES, path.join(tmp, 'keos-system-services'));
  const fleet = copyCorpus(KEOS_FLEET, path.join(tmp, 'keos-fleet'));
  const workspaceFile = path.join(tmp, 'keos.code-workspace');
  fs.writeFileSync(
    workspaceFile,
    JSON.stringify(
      {
        folders: [{ path: 'keos-fleet' }, { path: 'keos-apps' }, { path: 'keos-system-services' }],
      },
      null,
      2,
    ),
  );
  return { workspaceFile, apps, services, fleet };
}

/** The apps of the app-per-folder layout; `aaa-cache` sorts before podinfo on purpose. */
export const APP_PER_FOLDER_APPS = ['aaa-cache', 'podinfo'];

/**
 * `apps/{base,staging,production}/<app>` from flux2-kustomize-helm-example: each app has its own
 * folder in every overlay with a values patch (`values.yaml`), staging adds
 * `namePrefix: staging-`. Apps: podinfo (the corpus's) and aaa-cache (podinfo's files renamed).
 */
export function makeAppPerFolder(dest: string): string {
  copyCorpus(FLUX2_EXAMPLE, dest);
  const apps = path.join(dest, 'apps');
  const podinfoBase = path.join(apps, 'base', 'podinfo');
  const cacheBase = path.join(apps, 'base', 'aaa-cache');
  fs.cpSync(podinfoBase, cacheBase, { recursive: true });
  for (const f of fs.readdirSync(cacheBase)) {
    const p = path.join(cacheBase, f);
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/podinfo/g, 'aaa-cache'));
  }
  for (const env of ['staging', 'production']) {
    const envDir = path.join(apps, env);
    const patch = fs.readFileSync(path.join(envDir, 'podinfo-values.yaml'), 'utf8');
    for (const f of fs.readdirSync(envDir)) fs.rmSync(path.join(envDir, f), { recursive: true });
    for (const app of APP_PER_FOLDER_APPS) {
      const d = path.join(envDir, app);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'values.yaml'), patch.replace(/podinfo/g, app));
      fs.writeFileSync(
        path.join(d, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base/${app}\npatches:\n  - path: values.yaml\n    target:\n      kind: HelmRelease\n`,
      );
    }
    fs.writeFileSync(
      path.join(envDir, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${env === 'staging' ? 'namePrefix: staging-\n' : ''}resources:\n${APP_PER_FOLDER_APPS.map((a) => `  - ${a}\n`).join('')}`,
    );
  }
  return dest;
}

/**
 * As keos keeps them: connectors-management's `02-...-override-values` ConfigMap moved out of
 * the keos-apps copy into the keos-system-services copy (its own `configs/base` folder), with a
 * value in it. Returns the override's value and the line of the valuesFrom entry in sync.yaml.
 */
export function moveOverrideToServices(
  apps: string,
  services: string,
): { value: string; syncFile: string; entryLine: number } {
  const values = path.join(apps, 'components/connectors-management/base/values.yaml');
  const text = fs.readFileSync(values, 'utf8');
  const cut = text.indexOf(
    '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 02-connectors-management-helm-chart-override-values',
  );
  if (cut < 0) throw new Error(`${values} no longer holds the 02 override ConfigMap`);
  fs.writeFileSync(values, text.slice(0, cut));
  const dir = path.join(services, 'components/connectors-management/configs/base');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: stratio-apps\nresources:\n  - values.yaml\n',
  );
  const value = 'override-from-system-services';
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 02-connectors-management-helm-chart-override-values\ndata:\n  values.yaml: |\n    releasePrefix: ${value}\n`,
  );
  const syncFile = path.join(apps, 'components/connectors-management/base/sync.yaml');
  const entryLine = fs
    .readFileSync(syncFile, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('name: 02-connectors-management-helm-chart-override-values'));
  return { value, syncFile, entryLine };
}
