/// <reference types="mocha" />
/**
 * Compare Overlays..., Open Promotion Diff (on the git repository runTest.ts made of the
 * workspace), the Flux Components tree, code lenses, completion, hover, error messages,
 * progress and workspace trust, in the real workbench.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ClusterProfile } from '../../../client/src/clusterProfile';
import { Commands } from '../../../client/src/commands';
import type { ComponentsNode } from '../../../client/src/componentsTree';
import { buildClientOptions } from '../../../client/src/languageClient';
import { Output } from '../../../client/src/output';
import {
  EffectiveValuesParams,
  EffectiveValuesResult,
  effectiveValuesRequest,
} from '../../../client/src/protocol';
import { Requests, progressAfter } from '../../../client/src/requests';
import {
  extension,
  hoverText,
  openFile,
  ready,
  runAcceptingQuickPick,
  sleep,
  textOf,
  waitFor,
  workspaceDir,
  wsUri,
  revertDirtyFiles,
} from './helpers';

const DISCOVERY = 'components/discovery';

function params(uri: vscode.Uri): {
  uri: string;
  overlay: string;
  release?: string;
  source?: unknown;
} {
  return JSON.parse(uri.query) as {
    uri: string;
    overlay: string;
    release?: string;
    source?: unknown;
  };
}

function activeDiff(): vscode.TabInputTextDiff | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? input : undefined;
}

async function docText(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

suite('Compare Overlays...', () => {
  suiteSetup(async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opens the diff editor on the effective values of the two overlays (arguments)', async () => {
    const api = await ready();
    const sides = await vscode.commands.executeCommand<[vscode.Uri, vscode.Uri]>(
      'fluxOverlays.compareOverlays',
      {
        uri: wsUri(DISCOVERY).toString(),
        left: 'staging',
        right: 'production',
      },
    );
    assert.ok(sides);
    const [l, r] = sides;
    const diff = await waitFor('the diff editor', activeDiff);
    assert.strictEqual(diff.original.toString(), l.toString());
    assert.strictEqual(diff.modified.toString(), r.toString());
    assert.strictEqual(params(l).overlay, 'staging');
    assert.strictEqual(params(r).overlay, 'production');
    const client = (await api.ready)!;
    for (const side of [l, r]) {
      const expected = await client.sendRequest<EffectiveValuesResult>(
        effectiveValuesRequest.method,
        JSON.parse(side.query) as EffectiveValuesParams,
      );
      const header = expected.problems.map((p) => `# ${p.severity}: ${p.message}\n`).join('');
      // A side rendered by an earlier test, whose tab was closed, is re-rendered once shown: its
      // text follows a moment after the diff editor opens.
      const want = header + expected.content;
      let got = await docText(side);
      for (let i = 0; i < 50 && got !== want; i++) {
        await new Promise((r) => setTimeout(r, 100));
        got = await docText(side);
      }
      assert.strictEqual(got, want, side.toString());
    }
    assert.match(await docText(l), /level: DEBUG/);
    assert.match(await docText(r), /^replicaCount: 3$/m);
  });

  test('the toggle switches the comparison to rendered manifests and back', async () => {
    const manifests = await vscode.commands.executeCommand<vscode.Uri[]>(
      'fluxOverlays.switchValuesManifests',
    );
    assert.ok(manifests && manifests.length === 2);
    const diff = await waitFor('the manifests diff', () => {
      const d = activeDiff();
      return d && d.original.authority === 'manifests' ? d : undefined;
    });
    assert.strictEqual(params(diff.original).overlay, 'staging');
    assert.strictEqual(params(diff.modified).overlay, 'production');
    assert.match(await docText(diff.modified), /^kind: Secret$/m);
    assert.match(await docText(diff.original), /^kind: HelmRelease$/m);
    await vscode.commands.executeCommand('fluxOverlays.switchValuesManifests');
    const back = await waitFor('the values diff', () => {
      const d = activeDiff();
      return d && d.original.authority === 'values' ? d : undefined;
    });
    assert.strictEqual(params(back.modified).overlay, 'production');
  });

  test('without arguments the pick preselects staging and production, staging on the left', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await openFile(`${DISCOVERY}/base/base-values.yaml`);
    const sides = await runAcceptingQuickPick<[vscode.Uri, vscode.Uri]>(
      'fluxOverlays.compareOverlays',
    );
    assert.ok(sides, 'a comparison opened');
    assert.deepStrictEqual(
      sides.map((s) => params(s).overlay),
      ['staging', 'production'],
    );
    const diff = await waitFor('the diff editor', activeDiff);
    assert.strictEqual(diff.original.toString(), sides[0].toString());
  });

  test("a problem only one side has goes to that side's diagnostics, not its header: the headers stay identical", async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // A problem both sides share: the base's release names a chart folder that does not exist.
    const release = await openFile(`${DISCOVERY}/base/helmrelease.yaml`);
    try {
      const at = release.document.getText().indexOf('chart: ./charts/discovery');
      assert.ok(at >= 0, 'the release takes its chart from ./charts/discovery');
      await release.edit((e) =>
        e.replace(
          new vscode.Range(
            release.document.positionAt(at),
            release.document.positionAt(at + 'chart: ./charts/discovery'.length),
          ),
          'chart: ./charts/missing',
        ),
      );
      // And an unsaved mistake in production's values only.
      const values = await openFile(`${DISCOVERY}/production/production-values.yaml`);
      await values.edit((e) =>
        e.insert(new vscode.Position(values.document.lineCount, 0), 'broken: [unclosed\n'),
      );
      const sides = await vscode.commands.executeCommand<[vscode.Uri, vscode.Uri]>(
        'fluxOverlays.compareOverlays',
        {
          uri: wsUri(DISCOVERY).toString(),
          left: 'staging',
          right: 'production',
        },
      );
      assert.ok(sides);
      const [l, r] = sides;
      const only = await waitFor("the production side's own problem", () =>
        vscode.languages
          .getDiagnostics(r)
          .find((d) => d.source === 'Flux Overlays (this side only)'),
      );
      assert.strictEqual(only.severity, vscode.DiagnosticSeverity.Error);
      assert.match(only.message, /invalid values YAML/);
      assert.deepStrictEqual(
        vscode.languages
          .getDiagnostics(l)
          .filter((d) => d.source === 'Flux Overlays (this side only)'),
        [],
      );
      const headerOf = (t: string) =>
        t
          .split('\n')
          .filter((x) => x.startsWith('# '))
          .join('\n');
      // Sides shown by an earlier test re-render after each edit: wait until both saw both.
      const [lt, rt] = await waitFor('both sides rendered after the edits', async () => {
        const both = [await docText(l), await docText(r)];
        return both.every((t) => /charts\/missing/.test(t)) ? both : undefined;
      });
      assert.strictEqual(headerOf(rt), headerOf(lt), 'identical headers');
      assert.doesNotMatch(rt, /^# error/m);
      // The problem both sides share (the chart not available offline) stays in both headers.
      assert.match(lt, /^# info: chart \.\/charts\/missing is not available offline/m);
    } finally {
      await revertDirtyFiles();
    }
  });
});

function git(...args: string[]): string {
  // --no-optional-locks: our own `git status` must not refresh the index either.
  const r = spawnSync('git', ['--no-optional-locks', ...args], {
    cwd: workspaceDir(),
    encoding: 'utf8',
  });
  assert.strictEqual(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Everything Open Promotion Diff must leave alone. */
function repositoryState(): Record<string, string> {
  const gitDir = path.join(workspaceDir(), '.git');
  return {
    head: fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8'),
    headCommit: git('rev-parse', 'HEAD'),
    refs: git('for-each-ref', '--format=%(refname) %(objectname)'),
    index: git('ls-files', '--stage'),
    staged: git('diff', '--cached', '--name-status'),
    worktree: git('diff', '--name-status'),
    untrackedAndIgnored: git('ls-files', '--others', '--exclude-standard', '--directory'),
    status: git('status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
    stash: git('stash', 'list'),
    mergeHead: String(fs.existsSync(path.join(gitDir, 'MERGE_HEAD'))),
  };
}

suite('Open Promotion Diff', () => {
  // runTest.ts made the workspace a repository: main has podinfo production at 4 replicas,
  // branch production still at 3.
  test('lists the changed components and opens production before/after in the diff editor, touching nothing', async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(git('rev-parse', '--abbrev-ref', 'HEAD').trim(), 'main');
    const before = repositoryState();
    const change = await runAcceptingQuickPick<{
      component: string;
      overlay: string;
      changed: string[];
    }>('fluxOverlays.openPromotionDiff');
    assert.ok(
      change,
      'a changed component was offered and opened (see the error message otherwise)',
    );
    assert.strictEqual(change.component, 'components/podinfo');
    assert.strictEqual(change.overlay, 'production');
    assert.ok(change.changed.includes('values'), JSON.stringify(change));
    const diff = await waitFor('the promotion diff editor', activeDiff);
    assert.deepStrictEqual(params(diff.original).source, {
      kind: 'promotion',
      from: 'main',
      to: 'production',
      side: 'before',
    });
    assert.deepStrictEqual(params(diff.modified).source, {
      kind: 'promotion',
      from: 'main',
      to: 'production',
      side: 'after',
    });
    assert.match(await docText(diff.original), /^replicaCount: 3$/m);
    assert.match(await docText(diff.modified), /^replicaCount: 4$/m);
    assert.deepStrictEqual(repositoryState(), before, 'work tree, index, HEAD and refs unchanged');
  });

  test('switched to manifests, both sides hold each release with its chart objects (or why not)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const change = await vscode.commands.executeCommand<{ component: string }>(
      'fluxOverlays.openPromotionDiff',
      { component: 'podinfo' },
    );
    assert.ok(change);
    await waitFor('the promotion diff editor', activeDiff);
    const manifests = await vscode.commands.executeCommand<vscode.Uri[]>(
      'fluxOverlays.switchValuesManifests',
    );
    assert.ok(manifests && manifests.length === 2);
    const [b, a] = manifests;
    for (const [u, side] of [
      [b, 'before'],
      [a, 'after'],
    ] as const) {
      assert.strictEqual(u.authority, 'manifests');
      const q = JSON.parse(u.query) as { releaseManifests?: boolean; source?: { side: string } };
      assert.strictEqual(q.releaseManifests, true);
      assert.strictEqual(q.source?.side, side);
    }
    const [bt, at] = [await docText(b), await docText(a)];
    // The example's chart comes from a registry that exists nowhere: the header says so; the
    // objects themselves are checked in test/lsp/releaseManifests.test.ts.
    for (const t of [bt, at])
      assert.match(t, /^# HelmRelease \S*podinfo -> chart podinfo 6\.7\.1: /m, t);
    assert.match(bt, /^ {4}replicaCount: 3$/m);
    assert.match(at, /^ {4}replicaCount: 4$/m);
  });

  test('with a component argument (tree context menu) opens that component directly', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = repositoryState();
    const change = await vscode.commands.executeCommand<{ component: string }>(
      'fluxOverlays.openPromotionDiff',
      {
        component: 'podinfo',
      },
    );
    assert.ok(change);
    assert.strictEqual(change.component, 'components/podinfo');
    await waitFor('the promotion diff editor', activeDiff);
    assert.deepStrictEqual(repositoryState(), before);
  });
});

suite('Open Promotion Diff of a chart change', () => {
  // runTest.ts made branch chart-tier from production: only a template of charts/discovery
  // changes there (the Deployment gets `tier: catalog`), which the discovery release installs.
  test('lists the component and opens its manifests, with the chart objects of both sides', async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const config = vscode.workspace.getConfiguration('fluxOverlays');
    await config.update('promotion.sourceBranch', 'chart-tier', vscode.ConfigurationTarget.Global);
    try {
      const before = repositoryState();
      const change = await vscode.commands.executeCommand<{
        component: string;
        overlay: string;
        changed: string[];
      }>('fluxOverlays.openPromotionDiff', { component: 'discovery', overlay: 'production' });
      assert.ok(change);
      assert.strictEqual(change.component, DISCOVERY);
      assert.deepStrictEqual(change.changed, ['manifests']);
      const diff = await waitFor('the promotion diff editor', activeDiff);
      for (const [u, side] of [
        [diff.original, 'before'],
        [diff.modified, 'after'],
      ] as const) {
        assert.strictEqual(u.authority, 'manifests');
        const q = JSON.parse(u.query) as { releaseManifests?: boolean; source?: { side: string } };
        assert.strictEqual(q.releaseManifests, true);
        assert.strictEqual(q.source?.side, side);
      }
      assert.doesNotMatch(await docText(diff.original), /^ {4}tier: catalog$/m);
      assert.match(await docText(diff.modified), /^ {4}tier: catalog$/m);
      assert.deepStrictEqual(
        repositoryState(),
        before,
        'work tree, index, HEAD and refs unchanged',
      );
    } finally {
      await config.update('promotion.sourceBranch', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

suite('Flux Components tree', () => {
  test('lists components, their overlays and their releases', async () => {
    const api = await ready();
    const roots = await waitFor('components', async () => {
      const r = await api.tree.getChildren();
      return r.some((n) => n.kind === 'component') ? r : undefined;
    });
    const components = roots.filter(
      (n): n is Extract<ComponentsNode, { kind: 'component' }> => n.kind === 'component',
    );
    const names = components.map((c) => c.component.name).sort();
    for (const n of ['discovery', 'governance-agent', 'monitoring', 'podinfo', 'postgres'].map(
      (c) => `components/${c}`,
    )) {
      assert.ok(names.includes(n), `${n} in ${names.join()}`);
    }
    const discovery = components.find((c) => c.component.name === 'components/discovery')!;
    assert.strictEqual(api.tree.getTreeItem(discovery).contextValue, 'fluxComponent');
    const overlays = await api.tree.getChildren(discovery);
    const overlayNames = overlays.map((o) => (o.kind === 'overlay' ? o.overlay.name : ''));
    assert.ok(
      overlayNames.includes('staging') && overlayNames.includes('production'),
      overlayNames.join(),
    );
    const production = overlays.find(
      (o) => o.kind === 'overlay' && o.overlay.name === 'production',
    )!;
    const productionItem = api.tree.getTreeItem(production);
    assert.strictEqual(productionItem.contextValue, 'fluxOverlay');
    const releases = await api.tree.getChildren(production);
    assert.deepStrictEqual(
      releases.map((r) => (r.kind === 'release' ? r.release.name : '')),
      ['discovery'],
    );
    // The workspace is a git repository whose main changed podinfo's production values since the
    // production branch: that overlay is marked, discovery's production is not.
    assert.strictEqual(
      productionItem.description,
      undefined,
      'discovery production equals the production branch',
    );
    const podinfo = components.find((c) => c.component.name === 'components/podinfo')!;
    const podinfoProduction = (await api.tree.getChildren(podinfo)).find(
      (o) => o.kind === 'overlay' && o.overlay.name === 'production',
    )!;
    assert.match(
      String(api.tree.getTreeItem(podinfoProduction).description),
      /^not on branch production yet$/,
    );
    const releaseItem = api.tree.getTreeItem(releases[0]);
    assert.strictEqual(releaseItem.contextValue, 'fluxRelease');
    // Clicking the release runs its command: the release's effective values open.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const cmd = releaseItem.command!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      cmd.command,
      ...(cmd.arguments ?? []),
    );
    assert.ok(uri);
    assert.deepStrictEqual([params(uri).overlay, params(uri).release], ['production', 'discovery']);
    await waitFor('the release preview', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString()),
    );
  });

  test('declares the view and context menu entries for the commands', () => {
    const pkg = extension().packageJSON as {
      contributes: {
        views: Record<string, { id: string; name: string }[]>;
        menus: Record<string, { command: string; when?: string }[]>;
      };
    };
    assert.ok(
      pkg.contributes.views.explorer.some(
        (v) => v.id === 'fluxOverlays.components' && v.name === 'Flux Components',
      ),
    );
    const context = pkg.contributes.menus['view/item/context'];
    // Whether the entry's when clause shows it for tree items of that contextValue.
    const has = (command: string, item: string) =>
      context.some((m) => {
        const when = m.when ?? '';
        const re = /viewItem =~ \/(.*?)\//.exec(when);
        return (
          m.command === command &&
          when.includes('view == fluxOverlays.components') &&
          (when.includes(`viewItem == ${item}`) || (re !== null && new RegExp(re[1]).test(item)))
        );
      });
    assert.ok(has('fluxOverlays.previewEffectiveValues', 'fluxOverlay'));
    assert.ok(has('fluxOverlays.previewEffectiveValues', 'fluxRelease'));
    assert.ok(has('fluxOverlays.showRenderedManifests', 'fluxOverlay'));
    assert.ok(has('fluxOverlays.compareOverlays', 'fluxComponent'));
    assert.ok(has('fluxOverlays.openPromotionDiff', 'fluxComponent'));
    assert.ok(has('fluxOverlays.previewProductionValues', 'fluxComponent'));
  });

  test("selects the active file's component when the active editor changes", async () => {
    const api = await ready();
    await vscode.commands.executeCommand('fluxOverlays.components.focus');
    const view = api.tree.view!;
    await waitFor('the view to show', () => view.visible || undefined);
    const selected = () => {
      const n = view.selection[0];
      return n?.kind === 'component' ? n.component.name : undefined;
    };
    await openFile('components/podinfo/production/podinfo-values.yaml');
    await waitFor('podinfo selected', () =>
      selected() === 'components/podinfo' ? true : undefined,
    );
    await openFile(`${DISCOVERY}/base/base-values.yaml`);
    await waitFor('discovery selected', () =>
      selected() === 'components/discovery' ? true : undefined,
    );
    // A file outside any component leaves the selection alone.
    await openFile('clusters/production/apps.yaml');
    await sleep(500);
    assert.strictEqual(selected(), 'components/discovery');
  });

  test('a component node as argument: its production values, its comparison', async () => {
    const api = await ready();
    const roots = await api.tree.getChildren();
    const podinfo = roots.find(
      (n) => n.kind === 'component' && n.component.name === 'components/podinfo',
    )!;
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewProductionValues',
      podinfo,
    );
    assert.ok(uri);
    assert.match(textOf(uri), /^replicaCount: 4$/m);
  });
});

suite('Code lenses', () => {
  test('kustomization.yaml has lenses with the command arguments, and running one opens the preview', async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const file = wsUri(`${DISCOVERY}/production/kustomization.yaml`);
    await openFile(`${DISCOVERY}/production/kustomization.yaml`);
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        file,
      );
      return l && l.length > 0 ? l : undefined;
    });
    const production = lenses.find(
      (l) => l.command?.command === 'fluxOverlays.previewProductionValues',
    );
    assert.ok(production, JSON.stringify(lenses.map((l) => l.command)));
    const arg = production.command!.arguments?.[0] as { uri: string; overlay: string };
    assert.strictEqual(vscode.Uri.parse(arg.uri).fsPath, file.fsPath);
    assert.strictEqual(arg.overlay, 'production');
    const staging = lenses.find(
      (l) => l.command?.command === 'fluxOverlays.previewEffectiveValues',
    );
    assert.ok(staging);
    assert.strictEqual((staging.command!.arguments?.[0] as { overlay: string }).overlay, 'staging');

    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      production.command!.command,
      ...production.command!.arguments!,
    );
    assert.ok(uri);
    assert.strictEqual(params(uri).overlay, 'production');
    const text = await waitFor('the lens preview', () =>
      vscode.window.visibleTextEditors
        .find((e) => e.document.uri.toString() === uri.toString())
        ?.document.getText(),
    );
    assert.match(text, /^replicaCount: 3$/m);
  });
});

suite('Completion and hover through the language client', () => {
  teardown(async () => {
    await revertDirtyFiles();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function completionLabels(
    editor: vscode.TextEditor,
    pos: vscode.Position,
  ): Promise<string[]> {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      pos,
    );
    return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  }

  test('completes Kustomization fields in kustomization.yaml', async () => {
    await ready();
    const editor = await openFile(`${DISCOVERY}/staging/kustomization.yaml`);
    const end = editor.document.lineCount;
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(end, 0), '\n')));
    const last = editor.document.lineCount - 1;
    const labels = await completionLabels(editor, new vscode.Position(last, 0));
    for (const l of ['patches', 'namespace', 'secretGenerator']) {
      assert.ok(labels.includes(l), `${l} in ${labels.join()}`);
    }
  });

  test('completes HelmRelease fields and values keys from the base layer', async () => {
    const editor = await openFile('components/podinfo/production/podinfo-values.yaml');
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('    replicaCount:'));
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(line + 1, 0), '    \n')));
    const values = await completionLabels(editor, new vscode.Position(line + 1, 4));
    assert.ok(values.includes('ui'), values.join());
    const spec = await completionLabels(editor, new vscode.Position(line - 1, 2));
    assert.ok(spec.includes('interval'), spec.join());
  });

  test('hover on a values key shows its value in every overlay', async () => {
    await openFile('components/podinfo/staging/podinfo-values.yaml');
    const hover = await hoverText(
      wsUri('components/podinfo/staging/podinfo-values.yaml'),
      new vscode.Position(7, 7),
    );
    assert.match(hover, /^\| staging \| `"#c77d1a"` \| this file, line 8 \|$/m, hover);
    assert.match(hover, /^\| production \| `"#34577c"` \| /m, hover);
  });
});

suite('Errors and progress', () => {
  test('an error is a VS Code message whose "Show details" opens the output channel', async () => {
    const api = await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    const channel = api.output;
    let shown = 0;
    const logged: { level: 'warn' | 'error'; text: string }[] = [];
    const log = channel as vscode.LogOutputChannel;
    const [warn, error] = [log.warn, log.error];
    log.warn = (text: string, ...rest: unknown[]) => {
      logged.push({ level: 'warn', text });
      warn.call(log, text, ...rest);
    };
    log.error = (text: string | Error, ...rest: unknown[]) => {
      logged.push({ level: 'error', text: String(text) });
      error.call(log, text, ...rest);
    };
    const original = channel.show.bind(channel) as (preserveFocus?: boolean) => void;
    channel.show = ((preserveFocus?: boolean) => {
      shown++;
      original(preserveFocus);
    }) as typeof channel.show;
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri>(
        'fluxOverlays.previewEffectiveValues',
        {
          uri: wsUri(DISCOVERY).toString(),
          overlay: 'no-such-overlay',
        },
      );
      assert.ok(uri);
      assert.match(textOf(uri), /^# error: /m, 'the preview says what is wrong');
      // The output channel logs the user's mistake as a warning line, without a stack trace.
      const warning = await waitFor('the warning in the output', () =>
        logged.find((l) => l.level === 'warn' && l.text.includes('no-such-overlay')),
      );
      assert.doesNotMatch(warning.text, /\n\s+at /, 'no stack trace');
      assert.deepStrictEqual(
        logged.filter((l) => l.level === 'error'),
        [],
      );
      // The message's primary action is "Show details" (what a click does).
      await waitFor(
        'Show details to open the output',
        async () => {
          await vscode.commands.executeCommand('notification.acceptPrimaryAction');
          await sleep(100);
          return shown > 0;
        },
        10_000,
      );
    } finally {
      log.warn = warn;
      log.error = error;
      channel.show = original as typeof channel.show;
    }
  });

  test('work over ~300 ms shows a progress notification, quicker work none', async () => {
    const calls: string[] = [];
    const original = vscode.window.withProgress;
    (vscode.window as { withProgress: typeof original }).withProgress = ((opts, task) => {
      calls.push(String(opts.title));
      return original(opts, task);
    }) as typeof original;
    try {
      assert.strictEqual(await progressAfter('quick', Promise.resolve(1)), 1);
      assert.strictEqual(
        await progressAfter(
          'slow',
          sleep(600).then(() => 2),
        ),
        2,
      );
    } finally {
      (vscode.window as { withProgress: typeof original }).withProgress = original;
    }
    assert.deepStrictEqual(calls, ['Flux Overlays: slow']);
  });
});

suite('Workspace trust', () => {
  test('the running server was told whether the workspace is trusted', async () => {
    const api = await ready();
    const client = (await api.ready)!;
    assert.deepStrictEqual(client.clientOptions.initializationOptions, {
      trusted: vscode.workspace.isTrusted,
    });
  });

  test('restricted mode: the server is started with trusted=false', () => {
    const output = new Output();
    try {
      assert.deepStrictEqual(buildClientOptions(output, false).initializationOptions, {
        trusted: false,
      });
    } finally {
      output.dispose();
    }
  });

  test('restricted mode: Open Promotion Diff refuses before any request (no git process)', async () => {
    const output = new Output();
    const profile = new ClusterProfile();
    const requests = new Requests();
    const sent: string[] = [];
    requests.send = (async (type: { method: string }) => {
      sent.push(type.method);
      throw new Error('no request expected');
    }) as unknown as Requests['send'];
    try {
      const commands = new Commands(requests, profile, output, () => false);
      const before = repositoryState();
      await assert.rejects(commands.promotionDiff(), /trust this workspace first/);
      assert.deepStrictEqual(sent, []);
      assert.deepStrictEqual(repositoryState(), before);
    } finally {
      profile.dispose();
      output.dispose();
    }
  });
});
