/// <reference types="mocha" />
/**
 * Issue 13 in the workbench: the Flux Clusters view (cluster -> the Kustomizations it runs ->
 * the HelmReleases each applies), Preview Values on Cluster... for the release the user is in,
 * and the cluster profile picker offering clusters, on the example's clusters/production and
 * clusters/staging (their keos-apps GitRepository is served by the workspace folder of that name).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ClustersNode } from '../../../client/src/clustersView';
import { hoverText, openFile, ready, runAcceptingQuickPick, waitFor, wsUri } from './helpers';

type Node<K extends ClustersNode['kind']> = Extract<ClustersNode, { kind: K }>;

function labelOf(api: Awaited<ReturnType<typeof ready>>, n: ClustersNode): string {
  return String(api.clusters.getTreeItem(n).label);
}

suite('Flux Clusters view', () => {
  setup(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('is declared in the Explorer and lists the cluster folders', async () => {
    const pkg = vscode.extensions.getExtension('flux-overlays.flux-overlays')!.packageJSON as {
      contributes: { views: Record<string, { id: string; name: string }[]> };
    };
    assert.ok(
      pkg.contributes.views.explorer.some(
        (v) => v.id === 'fluxOverlays.clusters' && v.name === 'Flux Clusters',
      ),
    );
    const api = await ready();
    // The view's own focus command exists once the view is registered in the workbench.
    await vscode.commands.executeCommand('fluxOverlays.clusters.focus');
    const clusters = await waitFor('clusters', async () => {
      const c = await api.clusters.getChildren();
      return c.length ? c : undefined;
    });
    assert.deepStrictEqual(
      clusters.map((c) => labelOf(api, c)),
      ['clusters/production', 'clusters/staging'],
    );
  });

  test('cluster -> Kustomizations it runs (with the folder each builds) -> the HelmReleases each applies; a release opens its values on that cluster', async () => {
    const api = await ready();
    const clusters = await api.clusters.getChildren();
    const staging = clusters.find((c) => labelOf(api, c) === 'clusters/staging') as Node<'cluster'>;
    assert.strictEqual(api.clusters.getTreeItem(staging).contextValue, 'fluxCluster');
    const roots = await api.clusters.getChildren(staging);
    assert.deepStrictEqual(
      roots.map((n) => labelOf(api, n)),
      ['flux-system'],
    );
    assert.match(
      String(api.clusters.getTreeItem(roots[0]).tooltip),
      /^Kustomization flux-system\/flux-system: applied, \d+ objects/,
    );
    const applied = await api.clusters.getChildren(roots[0]);
    const names = applied.map((n) => labelOf(api, n));
    for (const k of [
      'apps-postgres',
      'apps-discovery',
      'apps-podinfo',
      'apps-monitoring',
      'apps-governance-agent',
    ]) {
      assert.ok(names.includes(k), `${k} in ${names.join(', ')}`);
    }
    const podinfoKs = applied.find((n) => labelOf(api, n) === 'apps-podinfo') as Node<'applier'>;
    const item = api.clusters.getTreeItem(podinfoKs);
    // Which component overlay the cluster gets: the staging folder, chosen by the fleet.
    assert.strictEqual(item.description, 'components/podinfo/staging');
    assert.strictEqual(item.contextValue, 'fluxClusterApplier');
    // Clicking the Kustomization opens where it is written.
    assert.strictEqual(item.command?.command, 'vscode.open');
    assert.strictEqual(
      String(item.command?.arguments?.[0]),
      wsUri('clusters/staging/apps.yaml').toString(),
    );
    const releases = await api.clusters.getChildren(podinfoKs);
    assert.deepStrictEqual(
      releases.map((n) => labelOf(api, n)),
      ['keos-frontend/podinfo'],
    );
    const releaseItem = api.clusters.getTreeItem(releases[0]);
    assert.strictEqual(releaseItem.description, 'components/podinfo/base/podinfo.yaml');
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>(
      releaseItem.command!.command,
      ...(releaseItem.command!.arguments ?? []),
    );
    assert.ok(doc, 'the values opened');
    const text = doc.getText();
    assert.match(
      text,
      /^# Values of HelmRelease keos-frontend\/podinfo on cluster clusters\/staging$/m,
    );
    // staging's own values, with ${CLUSTER_DOMAIN} from the staging cluster's runtime info.
    assert.match(
      text,
      /^ {2}- host: podinfo\.staging\.keos\.example\.org {2}# components\/podinfo\/base\/podinfo\.yaml:41 /m,
    );
    assert.match(
      text,
      /^logLevel: debug {2}# components\/podinfo\/staging\/podinfo-values\.yaml:9 /m,
    );
    // Only this release's problems in the header (its chart), not the other releases' charts.
    assert.doesNotMatch(text, /prometheus-stack|governance-agent/);
  });
});

suite('Preview Values on Cluster...', () => {
  setup(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('from a values file: the release it feeds, on the cluster picked among those that get it', async () => {
    await ready();
    await openFile('components/podinfo/production/podinfo-values.yaml');
    // No release pick: the file feeds podinfo. Both clusters get it; the first offered is accepted.
    const doc = await runAcceptingQuickPick<vscode.TextDocument>(
      'fluxOverlays.previewValuesOnCluster',
    );
    assert.ok(doc, 'the values opened');
    const text = doc.getText();
    assert.match(
      text,
      /^# Values of HelmRelease keos-frontend\/podinfo on cluster clusters\/production$/m,
    );
    // main has 4 replicas in production (runTest's promotion change); staging has 1.
    assert.match(
      text,
      /^replicaCount: 4 {2}# components\/podinfo\/production\/podinfo-values\.yaml:7 /m,
    );
    assert.match(text, /^ {2}- host: podinfo\.keos\.example\.org /m);
  });

  test('from a HelmRelease file: the release in the document under the cursor', async () => {
    await ready();
    const editor = await openFile('components/governance-agent/base/sync.yaml');
    const lines = editor.document.getText().split('\n');
    const kind = lines.findIndex((l) => l === 'kind: HelmRelease');
    assert.ok(kind > 0);
    editor.selection = new vscode.Selection(kind + 2, 0, kind + 2, 0);
    const doc = await runAcceptingQuickPick<vscode.TextDocument>(
      'fluxOverlays.previewValuesOnCluster',
    );
    assert.ok(doc);
    assert.match(
      doc.getText(),
      /^# Values of HelmRelease keos-datastores\/governance-agent on cluster clusters\/production$/m,
    );
  });
});

suite('Hover with a fleet open', () => {
  test('a values key names the clusters where its value differs', async () => {
    await ready();
    const editor = await openFile('components/podinfo/production/podinfo-values.yaml');
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.trim().startsWith('replicaCount:'));
    const text = await waitFor('the hover', async () => {
      const h = await hoverText(editor.document.uri, new vscode.Position(line, 6));
      return /differs between clusters/.test(h) ? h : undefined;
    });
    // main has 4 replicas in production (runTest's promotion change); staging keeps the base's 1.
    assert.match(
      text,
      /\*\*replicaCount\*\* differs between clusters: clusters\/production `4`, clusters\/staging `1`/,
    );
  });
});

suite('Select Cluster Profile... with a fleet open', () => {
  test('offers the clusters (their runtime-info ConfigMap), and choosing one selects its variables', async () => {
    const api = await ready();
    // The extension's own picker (its requests go through the bundled language client); the
    // workbench's quick pick is observed through the window API the extension host shares.
    const profile = api.profile;
    const shown: { title?: string; labels: string[]; descriptions: (string | undefined)[] }[] = [];
    const original = vscode.window.showQuickPick;
    (vscode.window as { showQuickPick: unknown }).showQuickPick = async (
      items: readonly vscode.QuickPickItem[],
      options?: vscode.QuickPickOptions,
    ) => {
      const list = await Promise.resolve(items);
      shown.push({
        title: options?.title,
        labels: list.map((i) => i.label),
        descriptions: list.map((i) => i.description),
      });
      return list.find((i) => i.label.endsWith('clusters/staging'));
    };
    try {
      const value = await profile.select();
      assert.strictEqual(shown.length, 1, 'one quick pick');
      assert.strictEqual(shown[0].title, 'Flux Overlays: Select Cluster');
      assert.deepStrictEqual(shown[0].labels, [
        'None',
        '$(server-environment) clusters/production',
        '$(server-environment) clusters/staging',
        'Choose a file...',
      ]);
      assert.match(
        shown[0].descriptions[2] ?? '',
        /^flux-runtime-info · clusters\/staging\/flux-runtime-info\.yaml$/,
      );
      assert.strictEqual(value, wsUri('clusters/staging/flux-runtime-info.yaml').toString());
      assert.strictEqual(profile.current, value);
      assert.match(profile.statusText, /staging\/flux-runtime-info\.yaml/);
    } finally {
      (vscode.window as { showQuickPick: unknown }).showQuickPick = original;
      await profile.select('');
    }
  });
});
