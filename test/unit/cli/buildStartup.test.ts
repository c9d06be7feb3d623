// `flux-overlays build` is what CI scripts call once per folder: it must start without loading
// what only the other commands need (charts, Helm's template engine, rendering, the workspace
// index, validation). A module count would be brittle; the folders that must stay unloaded are
// not. This failed when cli/build.ts and cli/main.ts imported engine/index.ts (the whole engine)
// instead of engine/core.ts.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';

test('build loads no chart, template, render, schema or analysis-layer module', () => {
  const main = path.join(PROJECT_ROOT, 'out', 'server', 'src', 'cli', 'main.js');
  const dir = 'examples/keos-apps/components/discovery/production';
  const script = `
    const cli = require(${JSON.stringify(main)});
    cli.main(['build', ${JSON.stringify(dir)}]).then((code) => {
      process.stderr.write('\\nMODULES ' + JSON.stringify(Object.keys(require.cache)) + '\\n');
      process.exitCode = code;
    });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /kind: HelmRelease/);
  const line = r.stderr.split('\n').find((l) => l.startsWith('MODULES '));
  assert.ok(line, r.stderr);
  const loaded = (JSON.parse(line.slice('MODULES '.length)) as string[]).map((f) =>
    path.relative(PROJECT_ROOT, f).split(path.sep).join('/'),
  );
  assert.ok(
    loaded.some((f) => f.includes('/engine/kustomize/build.js')),
    'the build ran',
  );
  const heavy = loaded.filter((f) =>
    /\/(engine\/(charts|template|render|schema|cluster|git)|ide|features)\//.test(f),
  );
  assert.deepEqual(heavy, []);
});
