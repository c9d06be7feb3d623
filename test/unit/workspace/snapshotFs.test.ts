// SnapshotFileSystem (check's disk reader): each question reaches the file system below once,
// answers are the same as below (missing files and folders included), and callers cannot
// change the remembered folder listings.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { SnapshotFileSystem } from '../../../server/src/engine/snapshotFs';

function counting(inner: FileSystem): { fs: FileSystem; calls: Record<string, number> } {
  const calls: Record<string, number> = { readFile: 0, stat: 0, readDir: 0, readBytes: 0 };
  const fs: FileSystem = {
    readFile: (p) => (calls.readFile++, inner.readFile(p)),
    stat: (p) => (calls.stat++, inner.stat(p)),
    readDir: (p) => (calls.readDir++, inner.readDir(p)),
    readBytes: (p) => (calls.readBytes++, inner.readBytes?.(p)),
  };
  return { fs, calls };
}

describe('SnapshotFileSystem', () => {
  const mem = new MemoryFileSystem(undefined, { '/r/a/kustomization.yaml': 'resources: []\n', '/r/a/cm.yaml': 'x: 1\n' });

  it('asks the file system below once per path, for present and missing entries', () => {
    const { fs, calls } = counting(mem);
    const snap = new SnapshotFileSystem(fs);
    for (let i = 0; i < 3; i++) {
      assert.equal(snap.readFile('/r/a/cm.yaml'), 'x: 1\n');
      assert.equal(snap.readFile('/r/a/none.yaml'), undefined);
      assert.equal(snap.stat('/r/a'), 'dir');
      assert.equal(snap.stat('/r/a/Kustomization'), undefined);
      assert.deepEqual(snap.readDir('/r/a'), ['cm.yaml', 'kustomization.yaml']);
      assert.equal(snap.readBytes?.('/r/a/cm.yaml')?.toString('utf8'), 'x: 1\n');
    }
    assert.deepEqual(calls, { readFile: 2, stat: 2, readDir: 1, readBytes: 1 });
  });

  it('hands out copies of folder listings', () => {
    const snap = new SnapshotFileSystem(mem);
    snap.readDir('/r/a').reverse().push('extra');
    assert.deepEqual(snap.readDir('/r/a'), ['cm.yaml', 'kustomization.yaml']);
  });

  it('has no readBytes when the file system below has none', () => {
    const snap = new SnapshotFileSystem({ readFile: () => undefined, stat: () => undefined, readDir: () => [] });
    assert.equal(snap.readBytes, undefined);
  });
});
