// A promotion that changes only a chart kept in the repository (the example's charts/discovery,
// which its GitRepository-sourced HelmRelease installs) changes what the release installs: the
// promotion diff lists the component's overlays as changed manifests (engine, the server's
// promotion list, the CLI), without --manifests; a chart change that installs nothing else (its
// NOTES.txt) lists nothing. A real git repository made here from examples/keos-apps.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { GitRepository, isGitError, promotionDiff } from '../../../server/src/engine/git';
import { PromotionSides, promotionChanges } from '../../../server/src/ide/promotion';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { PROJECT_ROOT } from '../../support/paths';
import * as path from 'node:path';
import { makeChartPromotionRepo } from './repo';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');

test('a change of a chart folder of the repository lists the releases it installs differently', () => {
  const { dir, cleanup } = makeChartPromotionRepo();
  try {
    const repo = GitRepository.open(dir);
    assert.ok(!isGitError(repo));
    const d = promotionDiff(repo, { from: 'main', to: 'production' });
    assert.ok(!isGitError(d));
    assert.deepEqual(
      d.changes.map((c) => [c.component, c.overlay, c.changed]),
      [
        ['components/discovery', 'production', ['manifests']],
        ['components/discovery', 'staging', ['manifests']],
      ],
    );
    const diff = d.changes[0].manifestsDiff;
    assert.match(
      diff,
      /^\+\+\+ production\+main HelmRelease keos-discovery\/discovery: Deployment \/discovery$/m,
    );
    assert.match(diff, /^\+ {4}tier: catalog$/m);
    assert.ok(d.unchanged.includes('components/podinfo'), d.unchanged.join());

    // A chart change that renders the same objects is no change.
    const notes = promotionDiff(repo, { from: 'notes', to: 'production' });
    assert.ok(!isGitError(notes));
    assert.deepEqual(notes.changes, []);

    // The server's fluxOverlays/promotionDiff list.
    const listed = promotionChanges(
      new PromotionSides(),
      dir,
      new DiskFileSystem(),
      'main',
      'production',
      undefined,
      { sourceRoots: [repo.dir] },
    );
    assert.deepEqual(
      listed.changes.map((c) => [c.component, c.overlay, c.release, c.changed]),
      [
        ['components/discovery', 'production', undefined, ['manifests']],
        ['components/discovery', 'staging', undefined, ['manifests']],
      ],
    );

    const r = spawnSync(process.execPath, [BIN, 'promotion-diff', '--offline'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}changed {10}components\/discovery \[production\] \(manifests\)$/m);
    assert.match(r.stdout, /^\+ {4}tier: catalog$/m);
  } finally {
    cleanup();
  }
});
