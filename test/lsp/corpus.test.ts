// Every YAML file of ../shared/corpus through the shared diagnostics module: no error and no
// warning except the known deprecations. And `flux-overlays check` on examples and corpus.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFileSystem } from '../../server/src/engine/fs';
import { computeDiagnostics } from '../../server/src/ide/diagnostics';
import { WorkspaceIndex } from '../../server/src/ide/workspaceIndex';

const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const present = fs.existsSync(CORPUS);

describe('every corpus YAML file', { skip: !present && 'corpus absent' }, () => {
  it('has no error or warning diagnostics except deprecations', () => {
    const index = new WorkspaceIndex(new DiskFileSystem(), [CORPUS]);
    index.scan();
    assert.ok(index.yamlFiles.size > 400);
    const bad: string[] = [];
    for (const f of index.yamlFiles)
      for (const d of computeDiagnostics(index, f, { validation: true }))
        if (
          (d.severity === 'error' || d.severity === 'warning') &&
          d.code !== 'deprecated-api-version'
        )
          bad.push(`${f}:${d.span.line}: ${d.message}`);
    assert.deepEqual(bad, []);
  });
});

function check(args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/flux-overlays.js'), 'check', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

describe('flux-overlays check', () => {
  it('exits 0 on the example repository', () => {
    const r = check(['examples/keos-apps']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /files checked: 0 error/);
  });
  it(
    'exits 0 on the corpus, printing only deprecations',
    { skip: !present && 'corpus absent' },
    () => {
      const r = check([CORPUS]);
      assert.equal(r.status, 0, r.stdout);
      for (const l of r.stdout.trim().split('\n').filter(Boolean))
        assert.match(l, /^.+:\d+:\d+: warning: .* \[deprecated-api-version\]$/);
    },
  );
  it('exits 1 on errors, with file:line:col: severity: message [code], and --format json', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-check-'));
    fs.writeFileSync(
      path.join(tmp, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\n',
    );
    const r = check([tmp], tmp);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^kustomization\.yaml:4:5: error: .*missing\.yaml.* \[missing-file\]$/m);
    const j = check(['--format', 'json', tmp], tmp);
    assert.equal(j.status, 1);
    const parsed = JSON.parse(j.stdout) as { errors: number; diagnostics: { code: string }[] };
    assert.equal(parsed.errors, 1);
    assert.equal(parsed.diagnostics[0].code, 'missing-file');
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
