/**
 * UI test: installs the packaged .vsix into code-server, opens the example repository in headless
 * Chromium, drives the real workbench with Playwright (quick open, F1 palette) and saves
 * screenshots under docs/screenshots/ (used by the README).
 *
 *   node out/test/editor/ui/screenshots.js [--vsix FILE] [--out DIR] [--smoke]
 *
 * Without --vsix it packages one with vsce (dist/ must be built: node out/client/src/bundle.js).
 * The workspace is a git repository (runTest.ts makeGitRepository) so Open Promotion Diff has a
 * change to show. --smoke (run by `npm run test:editor`): the same steps, screenshots written to
 * a temporary folder and deleted, so the run checks the .vsix installs and every command works.
 * Exits non-zero when a step fails; a screenshot of the failure is saved as failure.png.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { REPO_ROOT, installVsix, startCodeServer, stopProcess } from '../codeServer';
import { launchChromium, writeQuietSettings } from '../host';
import { makeGitRepository, makeWorkspace } from '../runTest';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function packageVsix(dir: string): string {
  const out = path.join(dir, 'flux-overlays.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(
    vsce,
    ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
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
  // Enter only once the filtered list has focused our command: pressing it earlier runs whatever
  // row was focused before the filter applied (a source of flaky runs).
  const row = page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: label })
    .first();
  await row.waitFor({ state: 'visible' });
  if (shot) {
    await page.screenshot({ path: shot });
  }
  await page.keyboard.press('Enter');
  await page
    .locator('.quick-input-widget input')
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
}

async function openFile(page: Page, relative: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relative);
  // The row of that very file (several folders have a podinfo-values.yaml).
  const row = page
    .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relative) })
    .filter({ hasText: path.dirname(relative) })
    .first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page
    .locator('.tab.active', { hasText: path.basename(relative) })
    .waitFor({ state: 'visible' });
}

/** Types into the open quick pick and accepts the row with that label. */
async function pickInQuickInput(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(label);
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: label })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

async function goToLine(page: Page, lineColumn: string): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${lineColumn}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
}

async function closeAll(page: Page): Promise<void> {
  await runFromPalette(page, 'View: Revert and Close Editor').catch(() => undefined);
  await page.keyboard.press('Escape');
  await runFromPalette(page, 'View: Close All Editors');
  const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" });
  if (await dontSave.isVisible().catch(() => false)) {
    await dontSave.click();
  }
  await page.waitForTimeout(300);
}

async function main(): Promise<number> {
  const smoke = process.argv.includes('--smoke');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-overlays-ui-'));
  const outDir = path.resolve(
    option('out') ??
      (smoke ? path.join(tmp, 'screenshots') : path.join(REPO_ROOT, 'docs', 'screenshots')),
  );
  fs.mkdirSync(outDir, { recursive: true });
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  writeQuietSettings(userDataDir, {
    'workbench.colorTheme': 'Default Light Modern',
    'window.commandCenter': false,
  });
  const vsix = path.resolve(option('vsix') ?? packageVsix(tmp));
  // The .vsix ships the bundles and the licences of the packages bundled into them.
  const listing = spawnSync('python3', ['-m', 'zipfile', '-l', vsix], { encoding: 'utf8' }).stdout;
  for (const entry of [
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/THIRD_PARTY_NOTICES.txt',
    'extension/LICENSE',
    'extension/schemas/',
    'extension/syntaxes/',
  ]) {
    if (!listing.includes(entry)) throw new Error(`the .vsix lacks ${entry}:\n${listing}`);
  }
  installVsix(vsix, extensionsDir, userDataDir);
  const workspace = makeWorkspace(tmp);
  makeGitRepository(workspace);
  const cs = await startCodeServer({ userDataDir, extensionsDir });
  const browser = await launchChromium();
  let page: Page | undefined;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 60_000 });
    // The extension has activated when its status bar item is there.
    await page
      .locator('.statusbar-item', { hasText: /cluster profile/i })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });

    const shot = (name: string) => page!.screenshot({ path: path.join(outDir, name) });
    const tab = (label: string | RegExp) =>
      page!
        .locator('.tab', { hasText: label })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });

    // Preview Production Values: beside the values file, then a hover on a line shows its origin.
    await openFile(page, 'components/discovery/base/base-values.yaml');
    await runFromPalette(
      page,
      'Flux Overlays: Preview Production Values',
      path.join(outDir, 'command-palette.png'),
    );
    await tab(/production\..*values\.yaml/);
    const line = page
      .locator('.editor-group-container.active .view-line', { hasText: 'replicaCount: 3' })
      .first();
    await line.waitFor({ state: 'visible', timeout: 30_000 });
    await line.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await page
      .locator('.monaco-hover', { hasText: 'production-values.yaml' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await shot('preview-production-values.png');
    await page.keyboard.press('Escape');

    // Compare Overlays...: staging and production are preselected; Enter accepts them.
    await closeAll(page);
    await openFile(page, 'components/discovery/staging/staging-values.yaml');
    await runFromPalette(page, 'Flux Overlays: Compare Overlays...');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'production' })
      .first()
      .waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page
      .locator('.monaco-diff-editor')
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await tab('↔');
    await page.waitForTimeout(1000);
    await shot('compare-overlays.png');

    // Show Rendered Manifests...: pick production.
    await closeAll(page);
    await openFile(page, 'components/discovery/production/kustomization.yaml');
    await runFromPalette(page, 'Flux Overlays: Show Rendered Manifests...');
    await pickInQuickInput(page, 'production');
    await tab('production.manifests.yaml');
    await page
      .locator('.view-line', { hasText: 'kind: HelmRelease' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => undefined);
    await page.waitForTimeout(500);
    await shot('rendered-manifests.png');

    // Open Promotion Diff: main (podinfo at 4 replicas) merged into production (3).
    await closeAll(page);
    await runFromPalette(page, 'Flux Overlays: Open Promotion Diff');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'podinfo' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page
      .locator('.monaco-diff-editor')
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1000);
    await shot('promotion-diff.png');

    // The Flux Components view, discovery expanded.
    await closeAll(page);
    await runFromPalette(page, 'Focus on Flux Components View');
    // Give the view the room: collapse the folder tree above it.
    const folders = page.locator('.pane-header', { hasText: 'keos-apps' }).first();
    if ((await folders.getAttribute('aria-expanded').catch(() => null)) === 'true')
      await folders.click();
    const view = page.locator('.pane', { hasText: 'Flux Components' }).last();
    const discovery = view.locator('.monaco-list-row', { hasText: 'discovery' }).first();
    await discovery.waitFor({ state: 'visible', timeout: 30_000 });
    await discovery.click();
    await view
      .locator('.monaco-list-row', { hasText: 'production' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    // podinfo's production differs from the production branch (main changed it): marked.
    const podinfo = view.locator('.monaco-list-row', { hasText: 'components/podinfo' }).first();
    await podinfo.click();
    await view
      .locator('.monaco-list-row', { hasText: 'not on branch production yet' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(500);
    await shot('components-tree.png');

    // The Flux Clusters view: a cluster, the Kustomizations it runs, the releases each applies;
    // clicking a release opens its values on that cluster.
    await runFromPalette(page, 'Focus on Flux Clusters View');
    const componentsHeader = page.locator('.pane-header', { hasText: 'Flux Components' }).first();
    if ((await componentsHeader.getAttribute('aria-expanded').catch(() => null)) === 'true')
      await componentsHeader.click();
    const clusters = page.locator('.pane', { hasText: 'Flux Clusters' }).last();
    const expand = async (text: string) => {
      const row = clusters.locator('.monaco-list-row', { hasText: text }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      // The twistie: a click on a Kustomization's label opens where it is written.
      if ((await row.getAttribute('aria-expanded')) === 'false')
        await row.locator('.monaco-tl-twistie').click();
      await clusters
        .locator(`.monaco-list-row[aria-expanded="true"]`, { hasText: text })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
    };
    await expand('clusters/production');
    await expand('flux-system');
    await expand('apps-podinfo');
    const release = clusters
      .locator('.monaco-list-row', { hasText: 'keos-frontend/podinfo' })
      .first();
    await release.waitFor({ state: 'visible', timeout: 30_000 });
    await release.click();
    await page
      .locator('.editor-group-container.active .view-line', {
        hasText: 'Values of HelmRelease keos-frontend/podinfo on cluster clusters/production',
      })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(500);
    await shot('clusters-view.png');
    if ((await componentsHeader.getAttribute('aria-expanded').catch(() => null)) === 'false')
      await componentsHeader.click();
    if ((await folders.getAttribute('aria-expanded').catch(() => null)) === 'false')
      await folders.click();

    // Hover on a values key: its value in every overlay.
    await closeAll(page);
    await openFile(page, 'components/podinfo/staging/podinfo-values.yaml');
    await goToLine(page, '8:8');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await page
      .locator('.monaco-hover', { hasText: 'production' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await shot('hover-values.png');
    await page.keyboard.press('Escape');

    // Completion in a HelmRelease patch: values keys of the base layer.
    await closeAll(page);
    await openFile(page, 'components/podinfo/production/podinfo-values.yaml');
    await goToLine(page, '7:20');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    await page
      .locator('.suggest-widget.visible .monaco-list-row', { hasText: 'ui' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await shot('completion.png');
    await page.keyboard.press('Escape');

    // Select Cluster Profile...: candidate profiles of the fleet; the status bar shows the choice.
    await closeAll(page);
    await runFromPalette(page, 'Flux Overlays: Select Cluster Profile...');
    const profileRow = page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'clusters/production' })
      .first();
    await profileRow.waitFor({ state: 'visible', timeout: 30_000 });
    await shot('select-cluster-profile.png');
    await profileRow.click();
    await page
      .locator('.statusbar-item', { hasText: 'production/flux-runtime-info.yaml' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });

    // Preview Effective Values...: pick the overlay; ${VAR}s are now substituted from the profile.
    await openFile(page, 'components/discovery/base/base-values.yaml');
    await runFromPalette(page, 'Flux Overlays: Preview Effective Values...');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'staging' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await shot('preview-effective-values-pick.png');
    await pickInQuickInput(page, 'staging');
    await tab(/staging\..*values\.yaml/);
    await page
      .locator('.editor-group-container.active .view-line', { hasText: 'keos.example.org' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(500);
    await shot('preview-effective-values.png');

    console.log(
      smoke
        ? 'UI test passed: the .vsix installs and every command works from the palette'
        : `screenshots written to ${path.relative(REPO_ROOT, outDir) || '.'}`,
    );
    return 0;
  } catch (err) {
    console.error(err);
    const failure = smoke
      ? path.join(os.tmpdir(), 'flux-overlays-ui-failure.png')
      : path.join(outDir, 'failure.png');
    await page?.screenshot({ path: failure }).catch(() => undefined);
    console.error(`UI test failed; screenshot of the failure: ${failure}`);
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
