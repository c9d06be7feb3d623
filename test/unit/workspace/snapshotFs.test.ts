// SnapshotFileSystem (check's disk reader): each question reaches the file system below once,
// answers are the same as below (missing files and folders included), and callers cannot
// change the remembered folder listings.
import * as assert from 'node:assert/strict';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { describe, it } from 'node:test';
import { DiskFileSystem, FileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
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
  const mem = new MemoryFileSystem(undefined, {
    '/r/a/kustomization.yaml': 'resources: []\n',
    '/r/a/cm.yaml': 'x: 1\n',
  });

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
    const snap = new SnapshotFileSystem({
      readFile: () => undefined,
      stat: () => undefined,
      readDir: () => [],
    });
    assert.equal(snap.readBytes, undefined);
  });

  it('learns stats and real paths from a typed listing, and still follows every link', () => {
    // a real folder with a file, a folder, a link inside, a link outside and a loop: the
    // snapshot must answer exactly as the disk does, asking the disk about the links only
    const tmp = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'fo-snapshot-')));
    try {
      const root = `${tmp}/ws`;
      nodeFs.mkdirSync(`${root}/sub`, { recursive: true });
      nodeFs.writeFileSync(`${root}/a.yaml`, 'a: 1\n');
      nodeFs.writeFileSync(`${tmp}/outside.yaml`, 'o: 1\n');
      nodeFs.symlinkSync(`${root}/a.yaml`, `${root}/inside-link.yaml`);
      nodeFs.symlinkSync(`${tmp}/outside.yaml`, `${root}/outside-link.yaml`);
      nodeFs.symlinkSync('.', `${root}/loop`);
      nodeFs.symlinkSync(`${tmp}/none`, `${root}/dangling`);
      const disk = new DiskFileSystem();
      const asked: string[] = [];
      const counted: FileSystem = {
        readFile: (p) => disk.readFile(p),
        stat: (p) => (asked.push(`stat ${nodePath.posix.basename(p)}`), disk.stat(p)),
        readDir: (p) => disk.readDir(p),
        realPath: (p) => (asked.push(`realPath ${nodePath.posix.basename(p)}`), disk.realPath(p)),
        readDirTyped: (p) => disk.readDirTyped(p),
      };
      const snap = new SnapshotFileSystem(counted);
      const names = snap.readDir(root).sort();
      assert.deepEqual(names, [
        'a.yaml',
        'dangling',
        'inside-link.yaml',
        'loop',
        'outside-link.yaml',
        'sub',
      ]);
      for (const n of names) {
        assert.equal(snap.stat(`${root}/${n}`), disk.stat(`${root}/${n}`), `stat ${n}`);
        assert.equal(
          snap.realPath?.(`${root}/${n}`),
          disk.realPath(`${root}/${n}`),
          `realPath ${n}`,
        );
      }
      assert.deepEqual(asked.sort(), [
        'realPath dangling',
        'realPath inside-link.yaml',
        'realPath loop',
        'realPath outside-link.yaml',
        'realPath ws',
        'stat dangling',
        'stat inside-link.yaml',
        'stat loop',
        'stat outside-link.yaml',
      ]);
      // a name the listing does not have is absent without asking (kustomize's three file
      // names and Chart.yaml are looked for in every folder); below a link, or a path that is
      // not a plain name in the listed folder, is still asked
      asked.length = 0;
      for (const n of ['kustomization.yml', 'Kustomization', 'Chart.yaml'])
        assert.equal(snap.stat(`${root}/${n}`), undefined);
      assert.deepEqual(asked, []);
      assert.equal(snap.stat(`${root}/loop/a.yaml`), 'file');
      assert.equal(snap.stat(`${root}/sub/..`), 'dir');
      assert.equal(snap.stat(`${root}/sub/.`), 'dir');
      assert.equal(snap.stat(`${root}/`), 'dir');
      assert.deepEqual(asked, ['stat a.yaml', 'stat ..', 'stat .', 'stat ws']);
    } finally {
      nodeFs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
