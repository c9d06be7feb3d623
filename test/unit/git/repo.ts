// Builds a small d1-style git repository in a temp folder: branch `production` (the first
// commit) and branch `main` with known changes on top.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
      GIT_OPTIONAL_LOCKS: '0',
    },
  });
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

const kust = (...resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
const overlay = (patch?: string) =>
  kust('../base') + (patch ? `patches:\n  - path: ${patch}\n` : '');
export const release = (name: string, values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ${name}
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: charts
  values:
${values}`;
const patch = (name: string, values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: apps
spec:
  values:
${values}`;

function component(name: string, prodValues: string, staging = true): Record<string, string> {
  const c = `components/${name}`;
  const files: Record<string, string> = {
    [`${c}/base/kustomization.yaml`]: kust('release.yaml'),
    [`${c}/base/release.yaml`]: release(
      name,
      '    replicaCount: 1\n    image:\n      tag: "1.0"\n',
    ),
    [`${c}/production/kustomization.yaml`]: overlay('values.yaml'),
    [`${c}/production/values.yaml`]: patch(name, prodValues),
  };
  if (staging) {
    files[`${c}/staging/kustomization.yaml`] = overlay();
  }
  return files;
}

/** The repository, checked out on `main` (a user's usual state), with an untracked file. */
export function makePromotionRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-promo-'));
  git(dir, 'init', '-q', '-b', 'production');
  write(dir, {
    ...component('podinfo', '    replicaCount: 2\n'),
    ...component('redis', '    replicaCount: 3\n', false),
    ...component('legacy', '    replicaCount: 1\n'),
    ...component('cache', '    replicaCount: 5\n'),
    'README.md': 'apps\n',
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  git(dir, 'checkout', '-q', '-b', 'main');
  // main: podinfo production gets 3 replicas; redis is renamed; legacy loses its production
  // overlay; newapp appears; cache does not change.
  write(dir, {
    'components/podinfo/production/values.yaml': patch(
      'podinfo',
      '    replicaCount: 3\n    image:\n      tag: "1.1"\n',
    ),
  });
  git(dir, 'mv', 'components/redis', 'components/redis-cache');
  git(dir, 'rm', '-q', '-r', 'components/legacy/production');
  write(dir, component('newapp', '    replicaCount: 2\n', false));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'main changes');
  // Local state the tool must not touch: a modified tracked file, a staged file, an untracked one.
  write(dir, {
    'README.md': 'apps (edited, not staged)\n',
    'notes.txt': 'untracked\n',
    'staged.txt': 'staged\n',
  });
  git(dir, 'add', 'staged.txt');
  return dir;
}

/** Everything a careless tool could change: work tree files, index bytes, HEAD, refs, status. */
export function snapshot(dir: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.name === '.git' && d === dir) continue;
      if (e.isDirectory()) walk(p);
      else files.push(`${path.relative(dir, p)}\n${fs.readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  const index = fs.readFileSync(path.join(dir, '.git', 'index')).toString('base64');
  return [
    files.join('\0'),
    index,
    fs.readFileSync(path.join(dir, '.git', 'HEAD'), 'utf8'),
    git(dir, 'rev-parse', 'HEAD'),
    git(dir, 'for-each-ref'),
    git(dir, 'status', '--porcelain'),
    git(dir, 'stash', 'list'),
  ].join('\n====\n');
}

/** The bundled example (its discovery chart is kept in the repository, charts/discovery). */
export const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'keos-apps');
export const CHART_TEMPLATE = 'charts/discovery/templates/deployment.yaml';
/** In CHART_TEMPLATE: the Deployment's labels; `main` adds `tier: catalog` after them. */
export const CHART_LABELS = '    {{- include "discovery.labels" . | nindent 4 }}\n';

/**
 * The example as a repository in `folder` (by default `repo`, not its GitRepository's name): branch
 * `production` as bundled; `main` changes only a template of charts/discovery (the Deployment
 * gets a label); `notes` changes only its NOTES.txt (which installs nothing). Checked out on main.
 */
export function makeChartPromotionRepo(folder = 'repo'): { dir: string; cleanup: () => void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-promo-chart-'));
  const dir = path.join(tmp, folder);
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'production');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'keos-apps example');
  git(dir, 'checkout', '-q', '-b', 'notes');
  fs.appendFileSync(path.join(dir, 'charts/discovery/templates/NOTES.txt'), '\nSee the catalog.\n');
  git(dir, 'commit', '-q', '-am', 'discovery chart: notes');
  git(dir, 'checkout', '-q', '-b', 'main', 'production');
  const file = path.join(dir, CHART_TEMPLATE);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(CHART_LABELS))
    throw new Error(`${CHART_TEMPLATE} changed: no ${CHART_LABELS}`);
  fs.writeFileSync(file, text.replace(CHART_LABELS, CHART_LABELS + '    tier: catalog\n'));
  git(dir, 'commit', '-q', '-am', 'discovery chart: a tier label');
  return { dir, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
