// Boundaries through symbolic links (issue 14): restricted mode's BoundedFileSystem, the buffers
// over it, the git tree file system, and the folder walks (index, discovery, extra roots), which
// enter each real folder once and never one outside the root they walk.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BoundedFileSystem, DiskFileSystem, MemoryFileSystem } from '../../../server/src/engine/fs';
import { GitRepository, GitTreeFileSystem, isGitError } from '../../../server/src/engine/git';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { SnapshotFileSystem } from '../../../server/src/engine/snapshotFs';
import { discoverComponents } from '../../../server/src/engine/workspace/discover';
import { externalLookupFor } from '../../../server/src/engine/workspace/external';
import { ESCAPE_CASES, OUTSIDE_MARK, makeEscapeTree, makeLoopTree } from '../../support/escapes';
import { git } from '../git/repo';

const disk = new DiskFileSystem();

test('restricted mode refuses what a link takes outside and reads links that stay inside', () => {
  const t = makeEscapeTree();
  try {
    const bounded = new BoundedFileSystem(disk, () => [t.ws]);
    const dir = t.overlay('generator-files');
    assert.equal(disk.readFile(path.join(dir, 'pw')), `${OUTSIDE_MARK}\n`); // the link works on disk
    for (const p of [
      path.join(dir, 'pw'),
      path.join(t.overlay('resource-in-linked-folder'), 'linkdir/cm.yaml'),
      path.join(t.overlay('resource-dotdot'), 'sub/../linkdir/cm.yaml'),
    ]) {
      assert.equal(bounded.readFile(p), undefined, p);
      assert.equal(bounded.readBytes(p), undefined, p);
      assert.equal(bounded.stat(p), undefined, p);
      assert.equal(bounded.realPath(p), undefined, p);
    }
    assert.deepEqual(bounded.readDir(path.join(t.overlay('resource-folder'), 'linkdir')), []);
    const inside = t.overlay('inside-links');
    assert.match(bounded.readFile(path.join(inside, 'in.yaml'))!, /name: x/);
    assert.match(bounded.readFile(path.join(inside, 'subl/z.yaml'))!, /name: z/);
    assert.equal(bounded.stat(path.join(inside, 'subl')), 'dir');
    // A workspace opened through a link is still itself: its roots are compared by real path too.
    fs.symlinkSync(t.ws, path.join(t.top, 'ws-link'));
    const viaLink = new BoundedFileSystem(disk, () => [path.join(t.top, 'ws-link')]);
    assert.match(
      viaLink.readFile(path.join(t.top, 'ws-link/apps/inside-links/production/in.yaml'))!,
      /name: x/,
    );
    assert.equal(
      viaLink.readFile(path.join(t.top, 'ws-link/apps/generator-files/production/pw')),
      undefined,
    );
    // Unsaved buffers over it: a new file lives where its folder really is; links still refused.
    const buffers = new MemoryFileSystem(bounded);
    buffers.write(path.join(inside, 'subl/new.yaml'), 'a: 1\n');
    assert.equal(
      buffers.realPath(path.join(inside, 'subl/new.yaml')),
      path.join(inside, 'sub/new.yaml'),
    );
    assert.equal(buffers.readFile(path.join(dir, 'pw')), undefined);
    assert.equal(buffers.realPath(path.join(dir, 'pw')), undefined);
  } finally {
    fs.rmSync(t.top, { recursive: true, force: true });
  }
});

test('typed listings through restricted mode and buffers answer as stat and realPath do, links included', () => {
  const t = makeEscapeTree();
  try {
    const buffers = new MemoryFileSystem(new BoundedFileSystem(disk, () => [t.ws]));
    buffers.write(path.join(t.overlay('inside-links'), 'subl/new.yaml'), 'a: 1\n');
    buffers.write(path.join(t.overlay('resource-file'), 'newdir/deep/new.yaml'), 'a: 1\n');
    const snap = new SnapshotFileSystem(buffers);
    let entries = 0;
    const visit = (dir: string, depth: number) => {
      assert.deepEqual(snap.readDir(dir).sort(), buffers.readDir(dir).sort(), dir);
      for (const name of snap.readDir(dir)) {
        const p = `${dir}/${name}`;
        entries++;
        assert.equal(snap.stat(p), buffers.stat(p), `stat ${p}`);
        assert.equal(snap.realPath?.(p), buffers.realPath(p), `realPath ${p}`);
        if (snap.stat(p) === 'dir' && depth < 6) visit(p, depth + 1);
      }
    };
    visit(t.ws, 0);
    assert.ok(entries > 100, `${entries}`);
    // outside the roots a listing is empty, typed or not
    assert.deepEqual(buffers.readDirTyped?.(t.outside), []);
  } finally {
    fs.rmSync(t.top, { recursive: true, force: true });
  }
});

test('restricted mode says a path is hidden because it leaves the workspace, not that it is missing', () => {
  const t = makeEscapeTree();
  try {
    const bounded = new BoundedFileSystem(disk, () => [t.ws]);
    const buffers = new MemoryFileSystem(bounded);
    const dir = t.overlay('generator-files');
    const link =
      /leads through a symbolic link to '.*\/outside\/secret\.txt', outside the workspace: restricted mode does not follow links that leave the workspace/;
    assert.match(bounded.hiddenBecause(path.join(dir, 'pw'))!, link);
    assert.match(buffers.hiddenBecause(path.join(dir, 'pw'))!, link);
    assert.match(
      bounded.hiddenBecause(path.join(t.overlay('resource-in-linked-folder'), 'linkdir/cm.yaml'))!,
      /leads through a symbolic link to '.*\/outside\/cm\.yaml'/,
    );
    assert.match(
      bounded.hiddenBecause(path.join(t.outside, 'cm.yaml'))!,
      /is outside the workspace: restricted mode reads nothing outside the workspace folders/,
    );
    // not hidden: inside, missing, a dangling name, trusted
    assert.equal(bounded.hiddenBecause(path.join(t.overlay('inside-links'), 'in.yaml')), undefined);
    assert.equal(bounded.hiddenBecause(path.join(dir, 'none.yaml')), undefined);
    assert.equal(bounded.hiddenBecause(path.join(t.outside, 'none.yaml')), undefined);
    assert.equal(
      new BoundedFileSystem(disk, () => undefined).hiddenBecause(path.join(dir, 'pw')),
      undefined,
    );
    // a build over it reports that, on the line of the entry (files:, resources:, components:, patches)
    for (const [name, entry] of [
      ['generator-files', '      - pw'],
      ['resource-file', '  - res.yaml'],
      ['resource-in-linked-folder', '  - linkdir/cm.yaml'],
      ['resource-folder', '  - linkdir'],
      ['component-folder', '  - linkcomp'],
      ['patch-path', '  - path: patch.yaml'],
      ['patch-smp', '  - patch.yaml'],
      ['configurations', '  - conf.yaml'],
    ] as const) {
      const line =
        ESCAPE_CASES.find((c) => c.name === name)!
          .kustomization.split('\n')
          .indexOf(entry) + 1;
      assert.ok(line > 0, name);
      const b = buildKustomization(buffers, t.overlay(name));
      const p = b.problems.find((x) => x.code === 'restricted-mode');
      assert.ok(p, `${name}: ${JSON.stringify(b.problems)}`);
      assert.match(
        p.message,
        /^security: '.*' leads through a symbolic link to '.*', outside the workspace/,
        name,
      );
      assert.equal(p.span?.file, path.join(t.overlay(name), 'kustomization.yaml'), name);
      assert.equal(p.span?.line, line, `${name}: ${p.message}`);
      assert.ok(!p.message.includes(OUTSIDE_MARK), name);
    }
  } finally {
    fs.rmSync(t.top, { recursive: true, force: true });
  }
});

test('folder loops (a -> ., b -> ., loop -> .) do not multiply files: each is indexed once, under its own name', () => {
  const top = makeLoopTree();
  try {
    const index = new WorkspaceIndex(disk, [top]);
    index.scan();
    assert.deepEqual([...index.yamlFiles].map((f) => path.relative(top, f)).sort(), [
      'app/base/cm.yaml',
      'app/base/kustomization.yaml',
      'app/production/kustomization.yaml',
      'app/staging/kustomization.yaml',
      'app/staging/x.yaml',
    ]);
    const components = discoverComponents(disk, top);
    assert.deepEqual(
      components.map((c) => [c.name, c.overlays.map((o) => o.name)]),
      [['app', ['base', 'production', 'staging']]],
    );
    const lookup = externalLookupFor(disk, [top]);
    assert.equal(lookup('ConfigMap', undefined, 'looped')?.object !== undefined, true);
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});

test('a workspace holding only a link to another folder indexes nothing of it', () => {
  const t = makeEscapeTree([]);
  const other = makeLoopTree();
  try {
    fs.mkdirSync(t.ws, { recursive: true });
    fs.symlinkSync(other, path.join(t.ws, 'elsewhere'));
    const index = new WorkspaceIndex(disk, [t.ws]);
    index.scan();
    assert.deepEqual([...index.yamlFiles], []);
    assert.deepEqual(discoverComponents(disk, t.ws), []);
    // A link to a folder inside the workspace is not walked: the folder is, under its own name.
    fs.mkdirSync(path.join(t.ws, 'real'));
    fs.writeFileSync(path.join(t.ws, 'real/a.yaml'), 'a: 1\n');
    fs.symlinkSync('real', path.join(t.ws, 'alias'));
    const again = new WorkspaceIndex(disk, [t.ws]);
    again.scan();
    assert.deepEqual(
      [...again.yamlFiles].map((f) => path.relative(t.ws, f)),
      ['real/a.yaml'],
    );
  } finally {
    fs.rmSync(t.top, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('git trees follow links inside the tree only', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fo-gitlinks-')));
  try {
    git(dir, 'init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'x.yaml'), 'x: 1\n');
    fs.writeFileSync(path.join(dir, 'sub/y.yaml'), 'y: 1\n');
    const links: Record<string, string> = {
      'in.yaml': 'x.yaml',
      'sub/up.yaml': '../x.yaml',
      dirlink: 'sub',
      out: '../../../etc/passwd',
      abs: '/etc/passwd',
      outdir: '..',
      loop1: 'loop2',
      loop2: 'loop1',
      self: '.',
    };
    for (const [n, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dir, n));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'links');
    const repo = GitRepository.open(dir);
    assert.ok(!isGitError(repo));
    const tree = GitTreeFileSystem.open(repo, 'main');
    assert.ok(!isGitError(tree));
    const at = (p: string) => path.join(repo.dir, p);
    assert.equal(tree.readFile(at('in.yaml')), 'x: 1\n');
    assert.equal(tree.readFile(at('sub/up.yaml')), 'x: 1\n');
    assert.equal(tree.readFile(at('dirlink/y.yaml')), 'y: 1\n');
    assert.equal(tree.stat(at('dirlink')), 'dir');
    assert.deepEqual(tree.readDir(at('dirlink')), ['up.yaml', 'y.yaml']);
    assert.equal(tree.readFile(at('self/self/self/x.yaml')), 'x: 1\n');
    for (const p of ['out', 'abs', 'outdir/x.yaml', 'loop1', 'loop2/x', 'dirlink/../../x.yaml']) {
      assert.equal(tree.readFile(at(p)), undefined, p);
      assert.equal(tree.stat(at(p)), undefined, p);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
