/// <reference types="mocha" />
/**
 * The editor on real layouts (issue 9), in a multi-root workspace runTest.ts made from
 * ../shared/corpus: keos-fleet (first folder), keos-apps (overlays base and S, a git repository
 * whose main adds a replica and a component), keos-system-services, and flux2-apps (an
 * app-per-folder layout, `apps/{base,staging,production}/<app>`, staging with
 * `namePrefix: staging-`; apps aaa-cache and podinfo).
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { ready, runAcceptingQuickPick, textOf, waitFor } from '../helpers';

interface Layouts {
  apps: string;
  services: string;
  fleet: string;
  appPerFolder: string;
}

function layouts(): Layouts {
  const raw = process.env.FLUX_OVERLAYS_TEST_LAYOUTS;
  if (!raw) {
    throw new Error('FLUX_OVERLAYS_TEST_LAYOUTS is not set');
  }
  return JSON.parse(raw) as Layouts;
}

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

async function open(file: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
}

async function docText(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

function activeDiff(): vscode.TabInputTextDiff | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? input : undefined;
}

suite('Real layouts: app-per-folder with namePrefix', () => {
  suiteSetup(async () => {
    await ready();
    assert.strictEqual(
      vscode.workspace.workspaceFolders?.length,
      4,
      'the multi-root workspace is open',
    );
  });
  setup(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('Compare Overlays from apps/staging/podinfo/values.yaml pairs staging-podinfo with podinfo', async () => {
    await open(path.join(layouts().appPerFolder, 'apps/staging/podinfo/values.yaml'));
    const sides = await runAcceptingQuickPick<[vscode.Uri, vscode.Uri]>(
      'fluxOverlays.compareOverlays',
    );
    assert.ok(sides, 'a comparison opened');
    assert.deepStrictEqual(
      sides.map((s) => [params(s).overlay, params(s).release]),
      [
        ['staging', 'staging-podinfo'],
        ['production', 'podinfo'],
      ],
    );
    assert.match(await docText(sides[0]), /- podinfo\.staging$/m);
    assert.match(await docText(sides[1]), /- podinfo\.production$/m);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.match(tab?.label ?? '', /staging ↔ production · staging-podinfo ↔ podinfo/);
  });

  test('Preview Effective Values from a values file: its own overlay first, its own release without a pick', async () => {
    await open(path.join(layouts().appPerFolder, 'apps/staging/podinfo/values.yaml'));
    // Accepting the first item of every pick: a release pick would give aaa-cache (sorted first).
    const uri = await runAcceptingQuickPick<vscode.Uri>('fluxOverlays.previewEffectiveValues');
    assert.ok(uri);
    assert.deepStrictEqual(
      [params(uri).overlay, params(uri).release],
      ['staging', 'staging-podinfo'],
    );
    assert.match(textOf(uri), /- podinfo\.staging$/m);
  });

  test('Preview Production Values from the staging values file shows production podinfo, not the first release', async () => {
    await open(path.join(layouts().appPerFolder, 'apps/staging/podinfo/values.yaml'));
    const uri = await runAcceptingQuickPick<vscode.Uri>('fluxOverlays.previewProductionValues');
    assert.ok(uri);
    assert.deepStrictEqual([params(uri).overlay, params(uri).release], ['production', 'podinfo']);
    assert.match(textOf(uri), /- podinfo\.production$/m);
  });
});

suite('Real layouts: keos multi-root workspace', () => {
  const connectors = () => path.join(layouts().apps, 'components/connectors-management');
  suiteSetup(() => ready());
  setup(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test("Preview Production Values where no overlay is called production offers the component's overlays (no error tab)", async () => {
    await open(path.join(connectors(), 'base/values.yaml'));
    const uri = await runAcceptingQuickPick<vscode.Uri>('fluxOverlays.previewProductionValues');
    assert.ok(uri, 'an overlay was offered and its values opened');
    assert.ok(['base', 'S'].includes(params(uri).overlay), params(uri).overlay);
    assert.strictEqual(params(uri).release, 'connectors-management');
    assert.doesNotMatch(textOf(uri), /^# error/m);
    assert.match(textOf(uri), /^releasePrefix: /m);
  });

  test('a cluster profile from the fleet folder substitutes ${VAR} in the apps folder', async () => {
    const api = await ready();
    const runtimeInfo = path.join(
      layouts().fleet,
      'clusters/eosdev2/default/flux-system/runtime-info.yaml',
    );
    try {
      // As a URI (what the picker stores now) and as "<folder>/path" (what asRelativePath wrote).
      for (const value of [
        vscode.Uri.file(runtimeInfo).toString(),
        vscode.workspace.asRelativePath(vscode.Uri.file(runtimeInfo), true),
      ]) {
        await api.profile.select(value);
        assert.match(api.profile.statusText, /flux-system\/runtime-info\.yaml/);
        const uri = await vscode.commands.executeCommand<vscode.Uri>(
          'fluxOverlays.previewEffectiveValues',
          { uri: vscode.Uri.file(connectors()).toString(), overlay: 'S' },
        );
        assert.ok(uri);
        await waitFor(
          `substituted values with ${value}`,
          () => /qa\.int\.stratio\.com:11443\/stratio\/connectors/.test(textOf(uri)) || undefined,
        );
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    } finally {
      await api.profile.select('');
    }
  });

  test('Open Promotion Diff on keos-apps with default settings lists S; a new component opens as new, without an error', async () => {
    await open(path.join(connectors(), 'base/values.yaml')); // the active file chooses the repository
    const change = await runAcceptingQuickPick<{
      component: string;
      overlay: string;
      status?: string;
    }>('fluxOverlays.openPromotionDiff');
    assert.ok(change, 'a change was offered (not "changes nothing")');
    assert.deepStrictEqual(
      [change.component, change.overlay],
      ['components/connectors-management', 'S'],
    );
    const diff = await waitFor('the promotion diff editor', activeDiff);
    assert.match(await docText(diff.original), /replicas: 1$/m);
    assert.match(await docText(diff.modified), /replicas: 2$/m);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const added = await vscode.commands.executeCommand<{
      component: string;
      overlay: string;
      status?: string;
    }>('fluxOverlays.openPromotionDiff', {
      component: 'connectors-next',
      folder: vscode.Uri.file(layouts().apps).toString(),
    });
    assert.ok(added);
    assert.strictEqual(added.status, 'added');
    const d2 = await waitFor('the promotion diff editor', activeDiff);
    const before = await docText(d2.original);
    // A problem only one side has is a diagnostic on that side, not a header line: the "before"
    // side of a new component is empty, and nothing on it reads as an error.
    const beforeDiagnostics = vscode.languages.getDiagnostics(d2.original);
    assert.ok(
      before === '' || /new with this promotion: components\/connectors-next/.test(before),
      before,
    );
    assert.ok(
      !beforeDiagnostics.some((x) => x.severity === vscode.DiagnosticSeverity.Error),
      JSON.stringify(beforeDiagnostics.map((x) => x.message)),
    );
    assert.doesNotMatch(before, /^# error/m);
    assert.match(await docText(d2.modified), /connectors-next/);
  });
});

suite('Real layouts: no noise', () => {
  const connectors = () => path.join(layouts().apps, 'components/connectors-management');
  suiteSetup(() => ready());
  setup(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('a closed preview is not re-rendered on edits; a failing re-render of an open one updates its header without a message', async () => {
    const api = await ready();
    const previews = api.previews as unknown as {
      renders: Map<string, number>;
      onError: (what: string, err: Error) => void;
    };
    const target = { uri: vscode.Uri.file(connectors()).toString(), overlay: 'S' };
    const closed = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewEffectiveValues',
      target,
    );
    assert.ok(closed);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const rendersOfClosed = previews.renders.get(closed.toString());
    assert.strictEqual(rendersOfClosed, 1);
    const shown = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.showRenderedManifests',
      target,
    );
    assert.ok(shown);
    const editor = await open(path.join(connectors(), 'base/values.yaml'));
    const original = editor.document.getText();
    const errors: string[] = [];
    const onError = previews.onError;
    previews.onError = (what, err) => errors.push(`${what}: ${err.message}`);
    try {
      const found = /replicas: (\d)\n/.exec(original); // 2 on main (runTest's promotion change)
      assert.ok(found && found[1] !== '3');
      const at = editor.document.positionAt(found.index + 'replicas: '.length);
      await editor.edit((e) => e.replace(new vscode.Range(at, at.translate(0, 1)), '3'));
      await waitFor(
        'the open manifests preview re-rendered',
        () => /replicas: 3/.test(textOf(shown)) || undefined,
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}; renders ${JSON.stringify([...previews.renders])}; tabs ${JSON.stringify(api.previews.shownPreviews().map((u) => u.toString()))}; edited ${JSON.stringify(editor.document.getText().match(/replicas: \d/g))}; shown has replicas ${JSON.stringify(textOf(shown).match(/replicas: \d/g))}`,
        );
      });
      assert.strictEqual(
        previews.renders.get(closed.toString()),
        rendersOfClosed,
        'the closed preview was not rendered again',
      );
      // Break the file twice (two different errors, as typing does): the open preview's header
      // says so, no message is raised.
      const end = editor.document.positionAt(editor.document.getText().length);
      await editor.edit((e) => e.insert(end, '\n  bad: [unclosed\n'));
      await waitFor(
        'the header shows the error',
        () => /^# error: /m.test(textOf(shown)) || undefined,
      );
      const textBefore = textOf(shown);
      // Another mistake instead of the first (a duplicate key in the last document): another message.
      await editor.edit((e) =>
        e.replace(
          new vscode.Range(
            editor.document.positionAt(0),
            editor.document.positionAt(editor.document.getText().length),
          ),
          `${original.replace('replicas: 2', 'replicas: 3')}\nmetadata: {}\n`,
        ),
      );
      await waitFor(
        'the preview follows the second edit',
        () => (textOf(shown) !== textBefore && /^# error: /m.test(textOf(shown))) || undefined,
      );
      assert.deepStrictEqual(errors, [], 'no message for a re-render');
    } finally {
      previews.onError = onError;
      await editor.edit((e) =>
        e.replace(
          new vscode.Range(
            editor.document.positionAt(0),
            editor.document.positionAt(editor.document.getText().length),
          ),
          original,
        ),
      );
      await editor.document.save();
    }
  });
});

suite('Real layouts: tree and editor title in the multi-root workspace', () => {
  test('the Flux Components tree has a level per workspace folder; keos-apps S reads "not on branch production yet"', async () => {
    const api = await ready();
    type Node = Parameters<typeof api.tree.getTreeItem>[0];
    const top = await waitFor('workspace folder nodes', async () => {
      const nodes = await api.tree.getChildren();
      return nodes.some((n) => n.kind === 'folder') ? nodes : undefined;
    });
    const labels = top.map((n) => String(api.tree.getTreeItem(n).label));
    // keos-fleet holds no component: no empty level for it.
    assert.deepStrictEqual(labels, ['keos-apps', 'keos-system-services', 'flux2-apps']);
    const apps = top[0];
    const components = await api.tree.getChildren(apps);
    const connectors = components.find(
      (n) => n.kind === 'component' && n.component.name === 'components/connectors-management',
    );
    assert.ok(connectors, components.map((n) => String(api.tree.getTreeItem(n).label)).join(', '));
    const badge = await waitFor('the promotion badge on S', async () => {
      api.tree.refresh();
      const fresh = (await api.tree.getChildren(apps)).find(
        (n) => n.kind === 'component' && n.component.name === 'components/connectors-management',
      ) as Node;
      const s = (await api.tree.getChildren(fresh)).find(
        (n) => n.kind === 'overlay' && n.overlay.name === 'S',
      );
      const d = s ? api.tree.getTreeItem(s).description : undefined;
      return d ? String(d) : undefined;
    });
    assert.strictEqual(badge, 'not on branch production yet');
  });

  test('the editor-title button shows only on files of a component (fluxOverlays.inComponent)', async () => {
    const api = await ready();
    const pkg = extensionPackage();
    const entry = pkg.contributes.menus['editor/title'].find(
      (m) => m.command === 'fluxOverlays.previewProductionValues',
    );
    assert.match(entry?.when ?? '', /fluxOverlays\.inComponent/);
    await open(path.join(layouts().apps, 'components/connectors-management/base/values.yaml'));
    await waitFor(
      'inComponent true on a component file',
      () => api.editorContext.inComponent || undefined,
    );
    await open(
      path.join(layouts().fleet, 'clusters/eosdev2/default/flux-system/runtime-info.yaml'),
    );
    await waitFor(
      'inComponent false on a fleet file',
      () => !api.editorContext.inComponent || undefined,
    );
  });
});

function extensionPackage(): {
  contributes: { menus: Record<string, { command: string; when?: string }[]> };
} {
  return vscode.extensions.getExtension('flux-overlays.flux-overlays')!.packageJSON as {
    contributes: { menus: Record<string, { command: string; when?: string }[]> };
  };
}
