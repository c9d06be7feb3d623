// The workspace index's lookups that replaced scans (issue 14, check at scale): the component
// of a file is the innermost one, as discover.ts's componentOf says; objects by kind and their
// names follow every update.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { componentOf } from '../../../server/src/engine/workspace/discover';

const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('WorkspaceIndex lookups', () => {
  const files = {
    '/w/components/app/base/kustomization.yaml': K,
    '/w/components/app/production/kustomization.yaml': K,
    '/w/components/app/production/extra/base/kustomization.yaml': K,
    '/w/components/app/production/extra/staging/kustomization.yaml': K,
    '/w/components/app/production/cm.yaml': cm('one'),
    '/w/other/cm.yaml': cm('two'),
  };

  it('componentOf answers like the scan of every component, innermost first', () => {
    const index = new WorkspaceIndex(new MemoryFileSystem(undefined, files), ['/w']);
    index.scan();
    const all = index.components();
    for (const f of [
      ...Object.keys(files),
      '/w/components/app',
      '/w/components/app/',
      '/w/components',
      '/w',
      '/',
      '/elsewhere/x.yaml',
    ]) {
      assert.equal(index.componentOf(f)?.dir, componentOf(all, f)?.dir, f);
    }
    assert.equal(index.componentAt('/w/components/app')?.dir, '/w/components/app');
    assert.equal(index.componentAt('/w/components'), undefined);
  });

  it('before the walk of the first scan is done: the same components, files and objects', () => {
    const fs = new MemoryFileSystem(undefined, files);
    const done = new WorkspaceIndex(fs, ['/w', '/w/components/app/production']);
    done.scan();
    done.indexPending();
    const lazy = new WorkspaceIndex(fs, ['/w', '/w/components/app/production']);
    lazy.scan();
    assert.ok(lazy.isWalking());
    for (const f of [...Object.keys(files), '/w/components/app', '/w', '/elsewhere/x.yaml']) {
      assert.deepEqual(lazy.componentOf(f), done.componentOf(f), f);
      assert.deepEqual(lazy.componentAt(f), done.componentAt(f), f);
    }
    // (the answers above came along the files' paths: the walk has not gone on)
    assert.ok(lazy.isWalking());
    assert.deepEqual(lazy.objects('ConfigMap'), done.objects('ConfigMap'));
    assert.equal(lazy.isWalking(), false);
    assert.deepEqual([...lazy.yamlFiles], [...done.yamlFiles]);
    assert.deepEqual([...lazy.kustomizationDirs], [...done.kustomizationDirs]);
    assert.deepEqual(lazy.components(), done.components());
  });

  it('a file updated while the walk is under way ends where an update after the walk puts it', () => {
    const fs = new MemoryFileSystem(undefined, {
      '/w/a/cm.yaml': cm('one'),
      '/w/b/cm.yaml': cm('two'),
      '/w/c/cm.yaml': cm('three'),
    });
    const index = new WorkspaceIndex(fs, ['/w']);
    index.scan();
    fs.write('/w/a/cm.yaml', cm('uno'));
    index.update('/w/a/cm.yaml');
    fs.write('/w/b/new.yaml', cm('four'));
    index.update('/w/b/new.yaml');
    fs.delete('/w/c/cm.yaml');
    index.update('/w/c/cm.yaml');
    // walked first, then updated in this order: `uno` and `four` last, `three` gone
    assert.deepEqual(
      index.objects('ConfigMap').map((o) => o.name),
      ['two', 'uno', 'four'],
    );
    assert.deepEqual([...index.yamlFiles].sort(), [
      '/w/a/cm.yaml',
      '/w/b/cm.yaml',
      '/w/b/new.yaml',
    ]);
  });

  it('objects and objectNames follow updates', () => {
    const mem = new MemoryFileSystem(undefined, files);
    const index = new WorkspaceIndex(mem, ['/w']);
    index.scan();
    assert.deepEqual(
      index.objects('ConfigMap').map((o) => o.name),
      ['one', 'two'],
    );
    assert.ok(index.objectNames('ConfigMap').has('two'));
    mem.write('/w/other/cm.yaml', cm('three'));
    index.update('/w/other/cm.yaml');
    assert.deepEqual(
      index.objects('ConfigMap').map((o) => o.name),
      ['one', 'three'],
    );
    assert.equal(index.objectNames('ConfigMap').has('two'), false);
    mem.delete('/w/components/app/production/cm.yaml');
    index.update('/w/components/app/production/cm.yaml');
    assert.deepEqual([...index.objectNames('ConfigMap')], ['three']);
    assert.deepEqual(index.objects('Secret'), []);
    // a caller changing the list it got does not change the index
    index.objects('ConfigMap').pop();
    assert.equal(index.objects('ConfigMap').length, 1);
  });
});
