// Boundaries (issue 14): every reader a kustomization has (resources, generators files/envs,
// patches, components, configurations, replacements, the kustomization file itself; chart
// folders for values) pointed outside through a symbolic link, through the CLI's build, values
// and check and the server in restricted and trusted mode; build compared with real kubectl.
// Then a folder loop, bounded in child processes with a timeout (it used to never finish).
// Every outside file holds OUTSIDE_MARK: seeing it in an output means a boundary was crossed.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, uriOf } from '../lsp/client';
import {
  ESCAPE_CASES,
  EscapeTree,
  OUTSIDE_MARK,
  addChartEscapes,
  makeEscapeTree,
  makeLoopTree,
} from '../support/escapes';
import { kubectlKustomize, parseYamlDocs } from '../support/kubectl';
import { PROJECT_ROOT, kubectlAvailable } from '../support/paths';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
/** A case that would hang is killed here and reported as a hang. */
const TIMEOUT_MS = 60_000;
const B64_MARK = Buffer.from(OUTSIDE_MARK).toString('base64');
const leaks = (s: string) => s.includes(OUTSIDE_MARK) || s.includes(B64_MARK);

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  });
  assert.equal(
    r.signal,
    null,
    `flux-overlays ${args.join(' ')} did not finish within ${TIMEOUT_MS} ms (hang)`,
  );
  return r;
}

/** Where a refusal is reported: the entry's file and line, or, for a linked kustomization file, why it is not found. */
const WHERE = (name: string) =>
  name === 'kustomization-file'
    ? /unable to find one of .* is a symbolic link out of it/
    : /kustomization\.yaml:\d+:\d+: /;

interface Rendered {
  content: string;
  problems: {
    severity: string;
    message: string;
    location?: { uri: string; range: { start: { line: number } } };
  }[];
}
/** Restricted mode's refusal: says the path leaves the workspace, never just "no such file". */
const RESTRICTED =
  /security: '[^']+' (leads through a symbolic link to '[^']+', outside the workspace: restricted mode does not follow links that leave the workspace|is outside the workspace: restricted mode reads nothing outside)/;

describe('symbolic links out of a kustomization root, every reader', () => {
  let t: EscapeTree;
  let chartDirs: string[];
  before(() => {
    t = makeEscapeTree();
    chartDirs = addChartEscapes(t);
  });
  after(() => fs.rmSync(t.top, { recursive: true, force: true }));

  it(
    'the case table agrees with real kubectl kustomize',
    { skip: !kubectlAvailable() && 'kubectl not installed (scripts/install-reference-tools.sh)' },
    (ctx) => {
      for (const c of ESCAPE_CASES) {
        const ref = kubectlKustomize(t.overlay(c));
        assert.equal(
          !ref.ok,
          c.kubectlRefuses,
          `${c.name}: kubectl ${ref.ok ? 'built it' : `refused: ${ref.stderr}`}`,
        );
        if (!ref.ok)
          assert.match(
            ref.stderr,
            c.name === 'kustomization-file'
              ? /unable to find one of/
              : /security; file '.*' is not in or below/,
            c.name,
          );
      }
      ctx.diagnostic(
        `boundaries: ${ESCAPE_CASES.length} cases, kubectl refuses ${ESCAPE_CASES.filter((c) => c.kubectlRefuses).length}`,
      );
    },
  );

  it('build: refuses what kubectl refuses, with file and line; otherwise prints what kubectl prints', () => {
    for (const c of ESCAPE_CASES) {
      const r = cli(t.ws, 'build', t.overlay(c));
      if (c.kubectlRefuses) {
        assert.equal(r.status, 1, `${c.name}: ${r.stdout}`);
        assert.match(r.stderr, WHERE(c.name), c.name);
        assert.ok(!leaks(r.stdout + r.stderr), `${c.name}: ${r.stdout}`);
      } else {
        assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
        if (kubectlAvailable())
          assert.deepEqual(parseYamlDocs(r.stdout), kubectlKustomize(t.overlay(c)).docs, c.name);
      }
    }
  });

  it('values and check: the same refusals, nothing from outside in any output', () => {
    for (const c of ESCAPE_CASES) {
      const v = cli(t.ws, 'values', t.overlay(c));
      const k = cli(t.ws, 'check', '--format', 'json', t.overlay(c));
      const check = JSON.parse(k.stdout) as {
        errors: number;
        diagnostics: { file: string; message: string }[];
      };
      if (c.kubectlRefuses) {
        assert.equal(v.status, 1, `values ${c.name}: ${v.stdout}${v.stderr}`);
        assert.match(v.stderr, WHERE(c.name), c.name);
        assert.ok(!leaks(v.stdout + v.stderr), `values ${c.name}`);
        if (c.name !== 'kustomization-file') {
          assert.equal(k.status, 1, `check ${c.name}: ${k.stdout}`);
          assert.ok(
            check.diagnostics.some((d) =>
              d.file.endsWith(`apps/${c.name}/production/kustomization.yaml`),
            ),
            `check ${c.name}: ${k.stdout}`,
          );
        }
      } else {
        assert.equal(v.status, 0, `values ${c.name}: ${v.stderr}`);
        assert.equal(check.errors, 0, `check ${c.name}: ${k.stdout}`);
      }
      assert.ok(!leaks(k.stdout + k.stderr), `check ${c.name}: ${k.stdout}`);
    }
    // GitRepository chart folders: a linked chart folder, and a values.yaml linking out.
    for (const dir of chartDirs) {
      const v = cli(t.ws, 'values', dir);
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stdout, /mine: 1/);
      assert.ok(!leaks(v.stdout + v.stderr), `values ${dir}: ${v.stdout}`);
    }
  });

  for (const trusted of [true, false]) {
    it(`server, ${trusted ? 'trusted' : 'restricted mode'}: renderOverlay and effectiveValues`, async () => {
      const c = TestClient.ours(PROJECT_ROOT);
      try {
        await c.initialize(t.ws, {}, { trusted });
        for (const e of ESCAPE_CASES) {
          const r = await c.request<Rendered>('fluxOverlays/renderOverlay', {
            uri: uriOf(t.overlay(e)),
            overlay: 'production',
          });
          const failed = r.problems.some((p) => p.severity === 'error');
          // Restricted mode also refuses the folders kustomize would load from outside.
          const refused = e.kubectlRefuses || (!trusted && !e.inside);
          assert.equal(failed, refused, `${e.name}: ${JSON.stringify(r.problems)}`);
          assert.equal(leaks(r.content), !refused && !e.inside, `${e.name}: ${r.content}`);
          // (replacements from files are refused before any read: not supported yet; a linked
          // kustomization file leaves no overlay to render: ide/overlays.ts says "no overlay")
          if (
            !trusted &&
            !e.inside &&
            e.name !== 'replacements' &&
            e.name !== 'kustomization-file'
          ) {
            // says why, at the line of the entry that names the path
            const why = r.problems.find((p) => RESTRICTED.test(p.message));
            assert.ok(why, `${e.name}: ${JSON.stringify(r.problems)}`);
            assert.ok(
              !/no such file|not found|neither a file/.test(why.message),
              `${e.name}: ${why.message}`,
            );
            assert.ok(
              why.location?.uri.endsWith(`/apps/${e.name}/production/kustomization.yaml`),
              `${e.name}: ${JSON.stringify(why)}`,
            );
            const entry = e.kustomization
              .split('\n')
              .findIndex((l) =>
                Object.keys(e.links).some((n) =>
                  new RegExp(`(- |path: )(\\S*/)?${n.split('/')[0]}(/|$)`).test(l),
                ),
              );
            assert.equal(
              why.location?.range.start.line,
              entry,
              `${e.name}: ${JSON.stringify(why)}`,
            );
          }
        }
        if (!trusted) {
          // the editor's diagnostics say the same on the generator's `files:` line (pw -> outside)
          const kust = path.join(t.overlay('generator-files'), 'kustomization.yaml');
          const text = fs.readFileSync(kust, 'utf8');
          c.open(uriOf(kust), text);
          const d = await c.diagnosticsFor(uriOf(kust));
          const list = (
            d.params as { diagnostics: { message: string; range: { start: { line: number } } }[] }
          ).diagnostics;
          const why = list.find((x) => RESTRICTED.test(x.message));
          assert.ok(why, JSON.stringify(list));
          assert.equal(
            why.range.start.line,
            text.split('\n').indexOf('      - pw'),
            JSON.stringify(why),
          );
        }
        for (const dir of chartDirs) {
          const v = await c.request<Rendered>('fluxOverlays/effectiveValues', {
            uri: uriOf(dir),
            overlay: 'production',
          });
          assert.match(v.content, /mine: 1/);
          assert.ok(!leaks(v.content + JSON.stringify(v.problems)), `${dir}: ${v.content}`);
        }
      } finally {
        await c.shutdown();
      }
    });
  }
});

describe('folder symlink loops (a -> ., b -> ., loop -> .)', () => {
  let top: string;
  before(() => (top = makeLoopTree()));
  after(() => fs.rmSync(top, { recursive: true, force: true }));

  it('check finishes and counts each file once; build reports the cycle as kubectl does', (ctx) => {
    const r = cli(top, 'check', '.');
    assert.match(r.stderr, /^5 files checked: 1 error\(s\)/m, r.stderr);
    assert.match(r.stdout, /app\/staging\/kustomization\.yaml:3:\d+: .*cycle detected/, r.stdout);
    const b = cli(top, 'build', 'app/staging');
    assert.equal(b.status, 1);
    assert.match(b.stderr, /cycle detected/);
    if (kubectlAvailable())
      assert.match(kubectlKustomize(path.join(top, 'app/staging')).stderr, /cycle detected/);
    ctx.diagnostic(
      `loops: check finished, 5 files (a naive walk of depth 30 sees 2^30 copies); hangs: 0`,
    );
  });

  it('the server finishes its first index and lists the component once', async () => {
    const c = TestClient.ours(PROJECT_ROOT);
    try {
      await c.initialize(top, {}, { trusted: true });
      const r = await c.request<{ components: { name: string; overlays: { name: string }[] }[] }>(
        'fluxOverlays/listOverlays',
        {},
        TIMEOUT_MS,
      );
      assert.deepEqual(
        r.components.map((x) => [x.name, x.overlays.map((o) => o.name)]),
        [['app', ['base', 'staging', 'production']]],
      );
    } finally {
      await c.shutdown();
    }
  });
});
