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

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=Flux Overlays Tests', '-c', 'user.email=tests@flux-overlays.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
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
    throw new Error(`${PROMOTED_CHANGE.file} no longer contains ${JSON.stringify(PROMOTED_CHANGE.before)}`);
  }
  fs.writeFileSync(file, text.replace(PROMOTED_CHANGE.before, PROMOTED_CHANGE.after));
  git(dir, 'commit', '-q', '-am', 'podinfo: 4 replicas in production');
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

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-overlays-editor-'));
  const workspace = makeWorkspace(tmp);
  makeGitRepository(workspace);
  const host = path.join(__dirname, 'host.js');
  fs.chmodSync(host, 0o755); // tsc does not keep the executable bit
  const started = Date.now();
  try {
    await runTests({
      vscodeExecutablePath: useCodeServer() ? host : undefined,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      extensionTestsEnv: { FLUX_OVERLAYS_TEST_WORKSPACE: workspace },
      launchArgs: [
        workspace,
        '--disable-extensions',
        `--user-data-dir=${path.join(tmp, 'user-data')}`,
        `--extensions-dir=${path.join(tmp, 'extensions')}`,
      ],
    });
    console.log(`editor suite passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    console.error(`editor suite failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${String(err)}`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
