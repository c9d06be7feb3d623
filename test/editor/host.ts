#!/usr/bin/env node
/**
 * A stand-in for the VS Code executable, for @vscode/test-electron's runTests when desktop
 * VS Code cannot be downloaded (see ../shared/notes/editor-tests.md). It accepts VS Code's
 * command-line flags, serves the same VS Code through code-server, opens the workbench in
 * headless Debian Chromium with playwright-core, forwards the test output and exits with the
 * tests' exit code. It never hangs: a hard timeout kills everything.
 *
 *   host [--extensionDevelopmentPath=DIR] [--extensionTestsPath=MODULE] [--user-data-dir=DIR]
 *        [--extensions-dir=DIR] [FOLDER] [other VS Code flags, ignored]
 *
 * Environment: FLUX_OVERLAYS_HOST_TIMEOUT_MS (default 600000), FLUX_OVERLAYS_HOST_VERBOSE=1
 * (also print the workbench's own log and the browser console), CHROMIUM (default
 * /usr/bin/chromium).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, chromium } from 'playwright-core';
import { ChildProcess } from 'child_process';
import { format } from 'util';
import { CODE_SERVER, LOG_MARK, startCodeServer, stopProcess } from './codeServer';

interface HostArgs {
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  userDataDir: string;
  extensionsDir: string;
  folder?: string;
}

export function parseArgs(argv: string[]): HostArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)=(.*)$/s.exec(a);
    if (m) {
      flags.set(m[1], m[2]);
    } else if (a.startsWith('--')) {
      const name = a.slice(2);
      // The only space-separated flags we accept; every other "--x" is a boolean we ignore.
      if (
        [
          'user-data-dir',
          'extensions-dir',
          'extensionDevelopmentPath',
          'extensionTestsPath',
        ].includes(name) &&
        i + 1 < argv.length
      ) {
        flags.set(name, argv[++i]);
      }
    } else {
      positional.push(a);
    }
  }
  let tmp: string | undefined;
  const scratch = (name: string) => {
    tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'flux-overlays-host-'));
    return path.join(tmp, name);
  };
  return {
    extensionDevelopmentPath: flags.get('extensionDevelopmentPath'),
    extensionTestsPath: flags.get('extensionTestsPath'),
    userDataDir: path.resolve(flags.get('user-data-dir') ?? scratch('user-data')),
    extensionsDir: path.resolve(flags.get('extensions-dir') ?? scratch('extensions')),
    folder: positional.length > 0 ? path.resolve(positional[positional.length - 1]) : undefined,
  };
}

/** Settings that keep the workbench from looking up galleries, chat and experiments offline. */
export const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  // The web workbench (code-server) saves dirty files after a second by default (desktop VS
  // Code does not): on a loaded machine it wrote the tests' unsaved edits to disk before their
  // revert read the disk, and later tests saw a broken component. Desktop VS Code's default.
  'files.autoSave': 'off',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  'security.workspace.trust.enabled': false,
  // The example's chart hosts exist nowhere: the server must not look them up. A test of
  // fetching sets `fluxOverlays.charts.fetch: auto` in its workspace with a local registry.
  'fluxOverlays.charts.fetch': 'never',
};

export function writeQuietSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // absent or not JSON: start over
  }
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...QUIET_SETTINGS, ...extra }, null, 2));
}

/** The workbench URL that makes code-server run the extension tests (smoke-test driver payload). */
export function payloadUrl(port: number, args: HostArgs): string {
  const origin = `http://127.0.0.1:${port}`;
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${toPosix(path.resolve(p))}`;
  const payload: [string, string][] = [];
  if (args.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remote(args.extensionDevelopmentPath)]);
  }
  if (args.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(args.extensionTestsPath)]);
  }
  const query = new URLSearchParams();
  if (args.folder?.endsWith('.code-workspace')) {
    query.set('workspace', toPosix(args.folder)); // a multi-root workspace file
  } else if (args.folder) {
    query.set('folder', toPosix(args.folder));
  } else {
    query.set('ew', 'true'); // empty window
  }
  if (payload.length > 0) {
    query.set('payload', JSON.stringify(payload));
  }
  return `${origin}/?${query.toString()}`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const verbose = process.env.FLUX_OVERLAYS_HOST_VERBOSE === '1';
  const timeoutMs = Number(process.env.FLUX_OVERLAYS_HOST_TIMEOUT_MS ?? 600_000);
  // Backstop: even if cleanup itself hangs, the process ends.
  setTimeout(() => process.exit(124), timeoutMs + 30_000).unref();
  writeQuietSettings(args.userDataDir);
  fs.mkdirSync(args.extensionsDir, { recursive: true });

  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    if (server) {
      await stopProcess(server);
      server = undefined;
    }
  };
  const onSignal = (sig: NodeJS.Signals) => {
    void cleanup().then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let timer: NodeJS.Timeout | undefined;
  try {
    const started = Date.now();
    const cs = await startCodeServer({
      userDataDir: args.userDataDir,
      extensionsDir: args.extensionsDir,
      log: verbose ? (line) => process.stderr.write(`[code-server] ${line}\n`) : undefined,
    });
    server = cs.process;
    if (verbose) {
      process.stderr.write(
        `host: ${CODE_SERVER} on port ${cs.port} in ${Date.now() - started} ms\n`,
      );
    }
    browser = await launchChromium();
    const page = await browser.newPage();
    const exitCode = new Promise<number>((resolve) => {
      // The workbench's log: test output (marked by suite/index.ts) always, the rest if verbose.
      void page.exposeFunction('codeAutomationLog', (level: string, messages: unknown) => {
        const text = Array.isArray(messages)
          ? format(...(messages as unknown[]))
          : String(messages);
        const at = text.indexOf(LOG_MARK);
        if (at >= 0) {
          process.stdout.write(`${text.slice(0, at)}${text.slice(at + LOG_MARK.length)}\n`);
        } else if (verbose) {
          process.stderr.write(`[workbench ${level}] ${text}\n`);
        }
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(Number(code) || 0));
      page.on('crash', () => resolve(2));
    });
    page.on('console', (msg) => {
      if (verbose) {
        process.stderr.write(`[browser ${msg.type()}] ${msg.text()}\n`);
      }
    });
    const url = payloadUrl(cs.port, args);
    if (verbose) {
      process.stderr.write(`host: opening ${url}\n`);
    }
    await page.goto(url);
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`host: no result after ${timeoutMs} ms, giving up\n`);
        resolve(124);
      }, timeoutMs);
    });
    return await Promise.race([exitCode, timeout]);
  } catch (err) {
    process.stderr.write(
      `host: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  } finally {
    if (timer) {
      clearTimeout(timer);
    }
    await cleanup();
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
