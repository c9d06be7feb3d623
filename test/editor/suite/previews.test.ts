/// <reference types="mocha" />
/**
 * Preview Production Values, Preview Effective Values..., Show Rendered Manifests... and
 * Select Cluster Profile..., end to end through the real language client and server.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  EffectiveValuesResult,
  ListOverlaysResult,
  effectiveValuesRequest,
  listOverlaysRequest,
} from '../../../client/src/protocol';
import {
  hoverText,
  lineOf,
  openFile,
  ready,
  runAcceptingQuickPick,
  textOf,
  waitFor,
  workspaceDir,
  wsUri,
  revertDirtyFiles,
} from './helpers';

const DISCOVERY = 'components/discovery';
const SECRET = 'change-me-in-sops';
const SECRET_B64 = Buffer.from(SECRET).toString('base64');

function params(uri: vscode.Uri): {
  uri: string;
  overlay: string;
  release?: string;
  clusterProfile?: string;
} {
  return JSON.parse(uri.query) as {
    uri: string;
    overlay: string;
    release?: string;
    clusterProfile?: string;
  };
}

function editorOf(uri: vscode.Uri): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
}

suite('Preview Production Values', () => {
  let preview: vscode.Uri;

  suiteSetup(async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opens beside the active file the production values of its component, as the server computes them', async () => {
    const api = await ready();
    await openFile(`${DISCOVERY}/base/base-values.yaml`);
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewProductionValues',
    );
    assert.ok(uri, 'the command returns the preview URI');
    preview = uri;
    assert.strictEqual(uri.scheme, 'flux-overlays');
    assert.strictEqual(params(uri).overlay, 'production');
    const editor = await waitFor('the preview editor', () => editorOf(uri));
    assert.strictEqual(
      editor.viewColumn,
      vscode.ViewColumn.Two,
      'opened beside the source (column 1)',
    );
    assert.strictEqual(editor.document.languageId, 'yaml');
    const client = (await api.ready)!;
    // By method name: the test's copy of the protocol module is not the bundled client's.
    const expected = await client.sendRequest<EffectiveValuesResult>(
      effectiveValuesRequest.method,
      params(uri),
    );
    // The server's problems (e.g. "chart not available offline") come first as comments.
    const header = expected.problems.map((p) => `# ${p.severity}: ${p.message}\n`).join('');
    assert.strictEqual(editor.document.getText(), header + expected.content);
    assert.match(expected.content, /^replicaCount: 3$/m);
    assert.match(expected.content, /sslMode: verify-full/);
  });

  test('masks secrets', () => {
    const text = textOf(preview);
    assert.ok(!text.includes(SECRET) && !text.includes(SECRET_B64), text);
    assert.match(text, /password: /, 'the Secret-sourced value is present (masked)');
  });

  test('is read-only: typing in it changes nothing', async () => {
    const before = textOf(preview);
    const editor = await vscode.window.showTextDocument(preview, {
      viewColumn: vscode.ViewColumn.Two,
    });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('type', { text: '# typed\n' });
    await vscode.commands.executeCommand('deleteLeft');
    assert.strictEqual(textOf(preview), before);
    assert.strictEqual(editor.document.isDirty, false);
  });

  test('hovering a line shows its origin file:line and layer, and the lower-layer value it overrides', async () => {
    const text = textOf(preview);
    const line = lineOf(text, 'replicaCount: 3');
    const hover = await hoverText(preview, new vscode.Position(line, 2));
    assert.match(hover, /components\/discovery\/production\/production-values\.yaml:2/, hover);
    assert.match(hover, /overrides `1`/, hover);
    assert.match(hover, /components\/discovery\/base\/base-values\.yaml:2/, hover);
  });

  test('Go to Definition on a line jumps to its origin', async () => {
    const text = textOf(preview);
    const line = lineOf(text, 'sslMode: verify-full');
    const editor = await vscode.window.showTextDocument(preview, {
      viewColumn: vscode.ViewColumn.Two,
    });
    editor.selection = new vscode.Selection(line, 4, line, 4);
    await vscode.commands.executeCommand('editor.action.revealDefinition');
    const target = await waitFor('the origin editor', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath.endsWith('production-values.yaml') ? e : undefined;
    });
    assert.strictEqual(
      target.document.uri.fsPath,
      wsUri(`${DISCOVERY}/production/production-values.yaml`).fsPath,
    );
    assert.strictEqual(
      target.selection.active.line,
      lineOf(target.document.getText(), 'sslMode: verify-full'),
    );
  });

  test('refreshes on an unsaved edit of a contributing file, and back when the edit is undone', async () => {
    const editor = await openFile(`${DISCOVERY}/production/production-values.yaml`);
    const line = lineOf(editor.document.getText(), 'replicaCount: 3');
    const range = new vscode.Range(line, 0, line, 'replicaCount: 3'.length);
    assert.ok(await editor.edit((b) => b.replace(range, 'replicaCount: 7')));
    assert.ok(editor.document.isDirty, 'the edit is not saved');
    await waitFor(
      'the preview to show the unsaved edit',
      () => /^replicaCount: 7$/m.test(textOf(preview)),
      10_000,
    );
    // Undo the edit in the buffer (workbench.action.files.revert acts on whichever editor has
    // focus, which in the browser workbench may be the preview), then save the original text.
    const back = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    const at = lineOf(back.document.getText(), 'replicaCount: 7');
    assert.ok(
      await back.edit((b) =>
        b.replace(new vscode.Range(at, 0, at, 'replicaCount: 7'.length), 'replicaCount: 3'),
      ),
    );
    assert.ok(await back.document.save());
    await waitFor(
      'the file to be back',
      () => !back.document.isDirty && /^\s*replicaCount: 3$/m.test(back.document.getText()),
      10_000,
    );
    await waitFor(
      'the preview to follow the revert',
      () => /^replicaCount: 3$/m.test(textOf(preview)),
      10_000,
    );
  });

  test('refreshes when a contributing file changes on disk', async () => {
    const file = path.join(workspaceDir(), DISCOVERY, 'base', 'base-values.yaml');
    const original = fs.readFileSync(file, 'utf8');
    // Close its editor so the disk (not a buffer) is what changes.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewProductionValues',
      {
        uri: wsUri(DISCOVERY).toString(),
      },
    );
    assert.ok(uri);
    preview = uri;
    assert.match(textOf(preview), /level: INFO/);
    try {
      fs.writeFileSync(file, original.replace('level: INFO', 'level: WARN'));
      await waitFor(
        'the preview to show the saved change',
        () => /level: WARN/.test(textOf(preview)),
        15_000,
      );
    } finally {
      fs.writeFileSync(file, original);
    }
    await waitFor(
      'the preview to show the restored file',
      () => /level: INFO/.test(textOf(preview)),
      15_000,
    );
  });
});

suite('Preview Effective Values...', () => {
  suiteSetup(async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('with arguments (code lens, tree): the given overlay', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewEffectiveValues',
      {
        uri: wsUri(DISCOVERY).toString(),
        overlay: 'staging',
      },
    );
    assert.ok(uri);
    assert.strictEqual(params(uri).overlay, 'staging');
    const text = await waitFor('the staging preview', () => editorOf(uri)?.document.getText());
    assert.match(text, /level: DEBUG/);
    assert.match(text, /^replicaCount: 1$/m);
    assert.ok(!text.includes(SECRET));
  });

  test('without arguments: picks the overlay (and the release) in quick picks', async () => {
    const api = await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await openFile(`${DISCOVERY}/staging/staging-values.yaml`);
    const listed = await (await api.ready)!.sendRequest<ListOverlaysResult>(
      listOverlaysRequest.method,
      {
        uri: wsUri(`${DISCOVERY}/staging/staging-values.yaml`).toString(),
      },
    );
    // The file's own overlay is offered first (issue 9): staging for staging-values.yaml.
    const first = listed.components[0].overlays.find((o) => o.name === 'staging')!;
    const uri = await runAcceptingQuickPick<vscode.Uri>('fluxOverlays.previewEffectiveValues');
    assert.ok(uri, 'a preview opened');
    assert.strictEqual(
      params(uri).overlay,
      first.name,
      "the first overlay offered (the file's own) was accepted",
    );
    assert.strictEqual(params(uri).release, first.releases[0]?.name);
    await waitFor('the picked preview', () => editorOf(uri));
  });
});

suite('Show Rendered Manifests...', () => {
  test('opens the overlay build output, secrets masked, each object line with its origin', async () => {
    await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.showRenderedManifests',
      {
        uri: wsUri(DISCOVERY).toString(),
        overlay: 'production',
      },
    );
    assert.ok(uri);
    assert.strictEqual(uri.authority, 'manifests');
    const text = await waitFor('the manifests', () => editorOf(uri)?.document.getText());
    for (const kind of ['Namespace', 'HelmRelease', 'ConfigMap', 'Secret']) {
      assert.match(text, new RegExp(`^kind: ${kind}$`, 'm'), kind);
    }
    assert.ok(!text.includes(SECRET) && !text.includes(SECRET_B64), 'the Secret is masked');
    const line = lineOf(text, 'kind: HelmRelease');
    const hover = await hoverText(uri, new vscode.Position(line, 1));
    assert.match(hover, /components\/discovery\/base\/helmrelease\.yaml:\d+/, hover);
  });

  test('through a quick pick', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await openFile(`${DISCOVERY}/production/kustomization.yaml`);
    const uri = await runAcceptingQuickPick<vscode.Uri>('fluxOverlays.showRenderedManifests');
    assert.ok(uri);
    const text = await waitFor('the manifests', () => editorOf(uri)?.document.getText());
    assert.match(text, /^kind: HelmRelease$/m);
  });
});

/**
 * A component written by the test (not the example's): its HelmRelease's chart is a folder of the
 * repository (GitRepository source), so the preview renders it offline.
 */
const CHARTED = 'components/fo-charted';
const CHART_DIR = 'fo-test-charts/tiny';
const CHART_TOKEN = 'fo-chart-token-not-for-eyes';
const CHARTED_FILES: Record<string, string> = {
  [`${CHART_DIR}/Chart.yaml`]: 'apiVersion: v2\nname: fo-tiny\nversion: 0.3.0\n',
  [`${CHART_DIR}/values.yaml`]: 'greeting: hello\ntoken: none\n',
  [`${CHART_DIR}/templates/configmap.yaml`]:
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  [`${CHART_DIR}/templates/secret.yaml`]:
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-token\nstringData:\n  token: {{ .Values.token | quote }}\n',
  [`${CHARTED}/base/kustomization.yaml`]: 'resources:\n  - release.yaml\n',
  [`${CHARTED}/base/release.yaml`]: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: fo-charted
  namespace: fo
spec:
  interval: 10m
  chart:
    spec:
      chart: ./${CHART_DIR}
      sourceRef:
        kind: GitRepository
        name: fo
        namespace: flux-system
  values:
    greeting: from-base
    token: ${CHART_TOKEN}
`,
  ...Object.fromEntries(
    ['staging', 'production'].flatMap((o) => [
      [
        `${CHARTED}/${o}/kustomization.yaml`,
        'resources:\n  - ../base\npatches:\n  - path: values.yaml\n',
      ],
      [
        `${CHARTED}/${o}/values.yaml`,
        `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: fo-charted\n  namespace: fo\nspec:\n  values:\n    greeting: from-${o}\n`,
      ],
    ]),
  ),
};
const CHART_HEADER = '# HelmRelease fo/fo-charted -> chart fo-tiny 0.3.0: 2 objects';

suite("Show Rendered Manifests...: each HelmRelease's chart objects", () => {
  suiteSetup(async () => {
    const api = await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Written through VS Code's file service, which reports each created file to the watchers
    // (the language client's among them) itself: files written behind its back in folders that
    // did not exist are seen only when the disk watcher catches up, which once took over 20 s.
    for (const [rel, text] of Object.entries(CHARTED_FILES))
      await vscode.workspace.fs.writeFile(wsUri(rel), Buffer.from(text, 'utf8'));
    const client = (await api.ready)!;
    await waitFor(
      'the server to see the new component',
      async () =>
        (
          await client.sendRequest<ListOverlaysResult>(listOverlaysRequest.method, {
            uri: wsUri(CHARTED).toString(),
          })
        ).components[0]?.overlays.some((o) => o.name === 'production'),
      45_000,
    );
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(workspaceDir(), CHARTED), { recursive: true, force: true });
    fs.rmSync(path.join(workspaceDir(), 'fo-test-charts'), { recursive: true, force: true });
  });

  test('the preview shows the objects the chart installs, under a header per release, secrets masked', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.showRenderedManifests',
      { uri: wsUri(CHARTED).toString(), overlay: 'production' },
    );
    assert.ok(uri);
    const text = await waitFor('the manifests with chart objects', () => {
      const t = editorOf(uri)?.document.getText();
      return t?.includes('# HelmRelease') ? t : undefined;
    });
    // the overlay's own HelmRelease first, then what its chart installs
    assert.ok(text.indexOf('kind: HelmRelease') < text.indexOf(CHART_HEADER), text);
    assert.match(text, /^# Source: fo-tiny\/templates\/configmap\.yaml$/m);
    assert.match(text, /^kind: ConfigMap$/m);
    assert.match(text, /^ {2}name: fo-charted-greeting$/m);
    assert.match(text, /^ {2}greeting: from-production$/m);
    assert.match(text, /^ {2}name: fo-charted-token$/m);
    assert.ok(!text.includes(CHART_TOKEN), 'the Secret the chart renders is masked');
    // the header points at the HelmRelease
    const hover = await hoverText(uri, new vscode.Position(lineOf(text, CHART_HEADER), 2));
    assert.match(hover, /components\/fo-charted\/base\/release\.yaml:\d+/, hover);
  });

  test('Compare Overlays, switched to manifests, shows the chart objects of both sides', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const sides = await vscode.commands.executeCommand<[vscode.Uri, vscode.Uri]>(
      'fluxOverlays.compareOverlays',
      { uri: wsUri(CHARTED).toString(), left: 'staging', right: 'production' },
    );
    assert.ok(sides);
    const manifests = await vscode.commands.executeCommand<vscode.Uri[]>(
      'fluxOverlays.switchValuesManifests',
    );
    assert.ok(manifests && manifests.length === 2);
    assert.strictEqual(manifests[0].authority, 'manifests');
    const [l, r] = await Promise.all(
      manifests.map(async (u) => (await vscode.workspace.openTextDocument(u)).getText()),
    );
    for (const t of [l, r]) assert.ok(t.includes(CHART_HEADER), t);
    assert.match(l, /^ {2}greeting: from-staging$/m);
    assert.match(r, /^ {2}greeting: from-production$/m);
    assert.ok(!l.includes(CHART_TOKEN) && !r.includes(CHART_TOKEN));
  });
});

suite('Select Cluster Profile...', () => {
  const PROFILE = 'clusters/production/flux-runtime-info.yaml';

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('fluxOverlays.selectClusterProfile', '');
  });

  test('the status bar shows the profile and ${VAR} is substituted in the preview afterwards', async () => {
    const api = await ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.match(api.profile.statusText, /No cluster profile/);
    const target = { uri: wsUri(DISCOVERY).toString() };
    const before = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewProductionValues',
      target,
    );
    assert.ok(before);
    assert.match(textOf(before), /\$\{CONTAINER_REGISTRY_URL\}\/keos\/discovery/);

    await vscode.commands.executeCommand('fluxOverlays.selectClusterProfile', PROFILE);
    assert.strictEqual(api.profile.current, PROFILE);
    assert.match(api.profile.statusText, /production\/flux-runtime-info\.yaml/);
    // The choice is kept in workspace state: no settings file appears in the user's repository.
    assert.ok(
      !fs.existsSync(path.join(workspaceDir(), '.vscode', 'settings.json')) ||
        !fs
          .readFileSync(path.join(workspaceDir(), '.vscode', 'settings.json'), 'utf8')
          .includes('clusterProfile'),
    );
    // The server sees it too: a ${VAR} the profile does not set becomes a warning.
    const values = await openFile(`${DISCOVERY}/base/base-values.yaml`);
    await values.edit((e) =>
      e.insert(
        new vscode.Position(values.document.lineCount, 0),
        'extraHost: ${NOT_IN_ANY_PROFILE}\n',
      ),
    );
    const unset = await waitFor('a warning for the unset variable', () =>
      vscode.languages
        .getDiagnostics(values.document.uri)
        .find((d) => d.message.includes('NOT_IN_ANY_PROFILE')),
    );
    assert.strictEqual(unset.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(unset.message, /flux-runtime-info/);
    await revertDirtyFiles();

    const after = await vscode.commands.executeCommand<vscode.Uri>(
      'fluxOverlays.previewProductionValues',
      target,
    );
    assert.ok(after);
    assert.strictEqual(params(after).clusterProfile, PROFILE);
    const text = await waitFor('the substituted preview', () =>
      editorOf(after)?.document.getText(),
    );
    assert.match(text, /repository: registry\.keos\.example\.org\/keos\/discovery/);
    assert.match(text, /size: M\b/);
    assert.ok(!text.includes('${CONTAINER_REGISTRY_URL}'), text);
  });

  test('the quick pick offers None first, which turns substitution off', async () => {
    const api = await ready();
    await vscode.commands.executeCommand('fluxOverlays.selectClusterProfile', PROFILE);
    const chosen = await runAcceptingQuickPick<string>('fluxOverlays.selectClusterProfile');
    assert.strictEqual(chosen, '');
    assert.strictEqual(api.profile.current, undefined);
    assert.match(api.profile.statusText, /No cluster profile/);
  });
});
