/**
 * Runs the editor suite (test/editor/suite) inside a real VS Code extension host with
 * @vscode/test-electron's runTests, on a temporary copy of examples/keos-apps.
 *
 * Which VS Code: FLUX_OVERLAYS_CODE_SERVER=1 uses our host (code-server + headless Chromium,
 * offline, see host.ts); =0 lets runTests download desktop VS Code as usual. Unset: the host
 * when code-server is installed (scripts/install-editor-test-deps.sh), else desktop VS Code.
 */
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
