/**
 * Runs the editor suite (test/editor/suite) inside a real VS Code extension host with
 * @vscode/test-electron's runTests, on a temporary copy of examples/keos-apps.
 *
 * Which VS Code: FLUX_OVERLAYS_CODE_SERVER=1 uses our host (code-server + headless Chromium,
 * offline, see host.ts); =0 lets runTests download desktop VS Code as usual. Unset: the host
 * when code-server is installed (scripts/install-editor-test-deps.sh), else desktop VS Code.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, codeServerInstalled } from './codeServer';
import { layoutsMissing, makeAppPerFolder, makeKeosMultiRoot } from '../support/layouts';

export const EXAMPLE = path.join(REPO_ROOT, 'examples', 'keos-apps');

/** A throw-away copy of the example repository (tests may edit it; examples/ stays untouched). */
export function makeWorkspace(tmp: string): string {
  const dest = path.join(tmp, 'keos-apps');
  if (fs.existsSync(EXAMPLE)) {
    fs.cpSync(EXAMPLE, dest, { recursive: true });
  } else {
    fs.mkdirSync(path.join(dest, 'app', 'base'), { recursive: true });
    fs.writeFileSync(
      path.join(dest, 'app', 'base', 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    );
  }
  return dest;
}

/** The value changed on `main` after `production` branched (what a promotion would bring). */
export const PROMOTED_CHANGE = {
  file: 'components/podinfo/production/podinfo-values.yaml',
  before: '    replicaCount: 3\n',
  after: '    replicaCount: 4\n',
};

/** A branch changing only a template of charts/discovery: `added` goes after the `after` line. */
export const CHART_CHANGE = {
  branch: 'chart-tier',
  file: 'charts/discovery/templates/deployment.yaml',
  after: '    {{- include "discovery.labels" . | nindent 4 }}\n',
  added: '    tier: catalog\n',
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync(
    'git',
    [
      '-c',
      'user.name=Flux Overlays Tests',
      '-c',
      'user.email=tests@flux-overlays.invalid',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    {
      cwd,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  }
  return r.stdout;
}

/**
 * Makes the workspace copy a git repository for Open Promotion Diff: everything committed on
 * `main`, branch `production` there, then one production value changed and committed on `main`
 * (checked out). Merging main into production therefore changes podinfo's production values.
 */
export function makeGitRepository(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'keos-apps example');
  git(dir, 'branch', 'production');
  const file = path.join(dir, PROMOTED_CHANGE.file);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(PROMOTED_CHANGE.before)) {
    throw new Error(
      `${PROMOTED_CHANGE.file} no longer contains ${JSON.stringify(PROMOTED_CHANGE.before)}`,
    );
  }
  fs.writeFileSync(file, text.replace(PROMOTED_CHANGE.before, PROMOTED_CHANGE.after));
  git(dir, 'commit', '-q', '-am', 'podinfo: 4 replicas in production');
  // Branch CHART_CHANGE.branch (from production): a template of the repository's discovery
  // chart alone changes, so only what that release installs differs.
  git(dir, 'checkout', '-q', '-b', CHART_CHANGE.branch, 'production');
  const chart = path.join(dir, CHART_CHANGE.file);
  const template = fs.readFileSync(chart, 'utf8');
  if (!template.includes(CHART_CHANGE.after)) {
    throw new Error(
      `${CHART_CHANGE.file} no longer contains ${JSON.stringify(CHART_CHANGE.after)}`,
    );
  }
  fs.writeFileSync(
    chart,
    template.replace(CHART_CHANGE.after, CHART_CHANGE.after + CHART_CHANGE.added),
  );
  git(dir, 'commit', '-q', '-am', 'discovery chart: a tier label');
  git(dir, 'checkout', '-q', 'main');
}

function useCodeServer(): boolean {
  const v = process.env.FLUX_OVERLAYS_CODE_SERVER;
  if (v === '1' || v === 'true') {
    return true;
  }
  if (v === '0' || v === 'false') {
    return false;
  }
  return codeServerInstalled();
}

/**
 * Runs one workbench session on `workspace` (a folder or a .code-workspace file) with the tests
 * of `suiteIndex`; throws when a test fails.
 */
async function runSuite(
  tmp: string,
  name: string,
  workspace: string,
  suiteIndex: string,
  env: Record<string, string>,
): Promise<void> {
  const host = path.join(__dirname, 'host.js');
  fs.chmodSync(host, 0o755); // tsc does not keep the executable bit
  await runTests({
    vscodeExecutablePath: useCodeServer() ? host : undefined,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: suiteIndex,
    extensionTestsEnv: env,
    launchArgs: [
      workspace,
      '--disable-extensions',
      `--user-data-dir=${path.join(tmp, `user-data-${name}`)}`,
      `--extensions-dir=${path.join(tmp, `extensions-${name}`)}`,
    ],
  });
}

/**
 * FLUX_OVERLAYS_EDITOR_SUITES: `example` (suite/*.test on examples/keos-apps), `real` (suite/real
 * on copies of corpus layouts: the keos multi-root workspace and an app-per-folder layout), or
 * both (default). The real suite is skipped with a message when ../shared/corpus is absent.
 */
async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-overlays-editor-'));
  const which = process.env.FLUX_OVERLAYS_EDITOR_SUITES ?? 'example,real';
  const started = Date.now();
  try {
    if (which.includes('example')) {
      const workspace = makeWorkspace(tmp);
      makeGitRepository(workspace);
      await runSuite(tmp, 'example', workspace, path.join(__dirname, 'suite', 'index'), {
        FLUX_OVERLAYS_TEST_WORKSPACE: workspace,
      });
    }
    if (which.includes('real')) {
      const missing = layoutsMissing();
      if (missing) {
        console.log(`real-layout editor suite skipped: ${missing}`);
      } else {
        const real = path.join(tmp, 'real');
        fs.mkdirSync(real);
        const keos = makeKeosMultiRoot(real);
        const appPerFolder = makeAppPerFolder(path.join(real, 'flux2-apps'));
        const file = JSON.parse(fs.readFileSync(keos.workspaceFile, 'utf8')) as {
          folders: { path: string }[];
        };
        file.folders.push({ path: 'flux2-apps' });
        fs.writeFileSync(keos.workspaceFile, JSON.stringify(file, null, 2));
        await runSuite(
          tmp,
          'real',
          keos.workspaceFile,
          path.join(__dirname, 'suite', 'real', 'index'),
          {
            FLUX_OVERLAYS_TEST_LAYOUTS: JSON.stringify({
              apps: keos.apps,
              services: keos.services,
              fleet: keos.fleet,
              appPerFolder,
            }),
          },
        );
      }
    }
    console.log(`editor suite passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    console.error(
      `editor suite failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${String(err)}`,
    );
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
