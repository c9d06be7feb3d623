/**
 * UI test: installs the packaged .vsix into code-server, opens the example repository in headless
 * Chromium, drives the real workbench with Playwright (quick open, F1 palette) and saves
 * screenshots under docs/screenshots/ (used by the README).
 *
 *   node out/test/editor/ui/screenshots.js [--vsix FILE] [--out DIR]
 *
 * Without --vsix it packages one with vsce (dist/ must be built: node out/client/src/bundle.js).
 * Exits non-zero when a step fails; a screenshot of the failure is saved as failure.png.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { REPO_ROOT, installVsix, startCodeServer, stopProcess } from '../codeServer';
import { launchChromium, writeQuietSettings } from '../host';
import { makeWorkspace } from '../runTest';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function packageVsix(dir: string): string {
  const out = path.join(dir, 'flux-overlays.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--out', out], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    throw new Error(`vsce package failed:\n${r.stdout}\n${r.stderr}`);
  }
  return out;
}

/** Runs a command from the F1 palette by its full label, e.g. "Flux Overlays: Open Promotion Diff". */
async function runFromPalette(page: Page, label: string, shot?: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible' });
  if (shot) {
    await page.screenshot({ path: shot });
  }
  await page.keyboard.press('Enter');
}

async function openFile(page: Page, relative: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relative);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relative) })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: path.basename(relative) }).waitFor({ state: 'visible' });
}

async function main(): Promise<number> {
  const outDir = path.resolve(option('out') ?? path.join(REPO_ROOT, 'docs', 'screenshots'));
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-overlays-ui-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  writeQuietSettings(userDataDir, {
    'workbench.colorTheme': 'Default Light Modern',
    'window.commandCenter': false,
  });
  const vsix = path.resolve(option('vsix') ?? packageVsix(tmp));
  installVsix(vsix, extensionsDir, userDataDir);
  const workspace = makeWorkspace(tmp);
  const cs = await startCodeServer({ userDataDir, extensionsDir });
  const browser = await launchChromium();
  let page: Page | undefined;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 60_000 });

    await openFile(page, 'components/discovery/production/kustomization.yaml');
    await runFromPalette(
      page,
      'Flux Overlays: Preview Production Values',
      path.join(outDir, 'command-palette.png'),
    );
    // The preview opens beside the editor (or a message explains why it could not).
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(outDir, 'preview-production-values.png') });
    console.log(`screenshots written to ${path.relative(REPO_ROOT, outDir) || '.'}`);
    return 0;
  } catch (err) {
    console.error(err);
    await page?.screenshot({ path: path.join(outDir, 'failure.png') }).catch(() => undefined);
    return 1;
  } finally {
    await browser.close().catch(() => undefined);
    await stopProcess(cs.process);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
