// Limits (issue 14): hostile sizes and shapes through the real CLI, each in a child process with
// a generous timeout (a hang is reported as a failure and the child killed). Every case asserts
// a clear error naming file and line, or correct output, and prints the child's peak RSS as a
// `# ...` line. Inputs are generated in temporary folders at test time.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, peakRss, writeRssPreload } from './support';

const HANG_TIMEOUT_MS = 90_000; // generous: this machine is shared (a 10,000-object build takes ~6 s of CPU)

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-limits-'));
const preload = writeRssPreload(tmp);
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Bytes written to stdout (the text is kept only up to 1 MB). */
  stdoutBytes: number;
}

let caseNo = 0;
/** Runs the CLI in `cwd`; stdout and stderr go to files (a build may print 50 MB). */
function cli(label: string, cwd: string, ...args: string[]): Run {
  const n = ++caseNo;
  const outFile = path.join(tmp, `out-${n}`);
  const errFile = path.join(tmp, `err-${n}`);
  const rssFile = path.join(tmp, `rss-${n}`);
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  const t0 = process.hrtime.bigint();
  let r;
  try {
    r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], {
      cwd,
      stdio: ['ignore', out, err],
      timeout: HANG_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: { ...process.env, FO_PEAK_RSS_FILE: rssFile },
    });
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
  const ms = Number((process.hrtime.bigint() - t0) / 1_000_000n);
  const rss = peakRss(rssFile);
  const stdoutBytes = fs.statSync(outFile).size;
  const fd = fs.openSync(outFile, 'r');
  const head = Buffer.alloc(Math.min(stdoutBytes, 1 << 20));
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const stderr = fs.readFileSync(errFile, 'utf8');
  const hung = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  console.log(
    `# ${label}: flux-overlays ${args[0]} exit ${hung ? 'HANG (killed)' : r.status}, ${ms} ms, peak RSS ${rss}, stdout ${stdoutBytes} bytes`,
  );
  assert.ok(
    !hung,
    `${label}: flux-overlays ${args.join(' ')} did not finish within ${HANG_TIMEOUT_MS / 1000} s (killed)`,
  );
  assert.ok(!r.error, `${label}: ${r.error?.message}`);
  assert.doesNotMatch(
    stderr,
    /internal error|Maximum call stack|\n\s+at .*\.js:\d+/,
    `${label}: ${stderr.slice(0, 2000)}`,
  );
  return { status: r.status, stdout: head.toString('utf8'), stderr, stdoutBytes };
}

function write(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Billion laughs: each level a list of nine aliases of the level before (9^levels strings). */
function laughs(levels: number, indent: string): string {
  const lines = [`${indent}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `${indent}a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return lines.join('\n') + '\n';
}

/** The 1-based line of `a3: &a3 [*a2...` in `text`: where the expansion passes the budget. */
function bombLine(text: string): number {
  return text.split('\n').findIndex((l) => /a3: &a3 \[\*a2/.test(l)) + 1;
}

const RELEASE_HEAD = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: app
      sourceRef:
        kind: HelmRepository
        name: charts
`;

describe('alias bombs are refused on the line of the alias, everywhere', () => {
  it('in a ConfigMap resource: build, values and check', () => {
    const cm =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n' + laughs(9, '  ');
    const dir = write(path.join(tmp, 'bomb-cm'), {
      'app/base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'app/base/cm.yaml': cm,
      'app/production/kustomization.yaml': 'resources:\n- ../base\n',
    });
    const where = new RegExp(
      `app/base/cm\\.yaml:${bombLine(cm)}:\\d+: .*document contains excessive aliasing`,
    );
    for (const cmd of ['build', 'values']) {
      const r = cli(`alias bomb in a ConfigMap (${cmd})`, dir, cmd, 'app/production');
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, where);
    }
    const c = cli('alias bomb in a ConfigMap (check)', dir, 'check', 'app');
    assert.equal(c.status, 1, c.stdout + c.stderr);
    assert.match(c.stdout, where);
  });

  it('in kustomization.yaml (kubectl: "yaml: document contains excessive aliasing")', () => {
    const k = 'resources:\n- cm.yaml\nx:\n' + laughs(9, '  ');
    const dir = write(path.join(tmp, 'bomb-kust'), {
      'kustomization.yaml': k,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    });
    const r = cli('alias bomb in kustomization.yaml (build)', dir, 'build', '.');
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(`kustomization\\.yaml:${bombLine(k)}:\\d+: .*excessive aliasing`),
    );
  });

  it('in HelmRelease spec.values and in a valuesFrom ConfigMap values.yaml', () => {
    const inline = RELEASE_HEAD + '  values:\n' + laughs(9, '    ');
    const d1 = write(path.join(tmp, 'bomb-values'), {
      'kustomization.yaml': 'resources:\n- hr.yaml\n',
      'hr.yaml': inline,
    });
    const r1 = cli('alias bomb in spec.values (values)', d1, 'values', '.');
    assert.equal(r1.status, 1);
    assert.match(r1.stderr, new RegExp(`hr\\.yaml:${bombLine(inline)}:\\d+: .*excessive aliasing`));
    const cm =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-values\n  namespace: apps\ndata:\n  values.yaml: |\n' +
      laughs(9, '    ');
    const d2 = write(path.join(tmp, 'bomb-values-from'), {
      'kustomization.yaml': 'resources:\n- hr.yaml\n- cm.yaml\n',
      'hr.yaml': RELEASE_HEAD + '  valuesFrom:\n  - kind: ConfigMap\n    name: app-values\n',
      'cm.yaml': cm,
    });
    const r2 = cli('alias bomb in a valuesFrom ConfigMap (values)', d2, 'values', '.');
    assert.equal(r2.status, 1);
    assert.match(
      r2.stderr,
      new RegExp(
        `cm\\.yaml:${bombLine(cm)}:\\d+: .*valuesFrom\\[0\\] ConfigMap/app-values .*excessive aliasing`,
      ),
    );
  });
});

describe('sizes and depths', () => {
  it('10,000-deep nesting (flow and block) is one clear error with file and line', () => {
    for (const [name, value] of [
      ['flow', '  a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n'],
      ['block', '  a:\n    ' + '- '.repeat(10_000) + 'x\n'],
    ]) {
      const dir = write(path.join(tmp, `deep-${name}`), {
        'kustomization.yaml': 'resources:\n- cm.yaml\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n' + value,
      });
      const r = cli(`10,000-deep ${name} nesting (build)`, dir, 'build', '.');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /cm\.yaml:\d+:\d+: YAML: nesting too deep/);
    }
  });

  it('a 10,000-object build prints every object, renamed and labelled', () => {
    const docs: string[] = [];
    for (let i = 0; i < 10_000; i++)
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 7}\ndata:\n  key: value-${i}\n  other: "${'x'.repeat(700)}"\n`,
      );
    const dir = write(path.join(tmp, 'objects-10k'), {
      'kustomization.yaml':
        'resources:\n- objects.yaml\nnamePrefix: p-\ncommonLabels:\n  team: x\n',
      'objects.yaml': docs.join('---\n'),
    });
    const r = cli('10,000 objects, 8 MB (build)', dir, 'build', '.');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      r.stdout.startsWith('apiVersion: v1\ndata:\n  key: value-0\n'),
      r.stdout.slice(0, 200),
    );
    assert.match(r.stdout, /name: p-cm-0\n {2}namespace: ns-0\n/);
    const count = (
      fs.readFileSync(path.join(tmp, `out-${caseNo}`), 'utf8').match(/^kind: ConfigMap$/gm) ?? []
    ).length;
    assert.equal(count, 10_000);
  });

  it('a 50 MB file (5,000 ConfigMaps of 10 KB) builds, and its output is complete', () => {
    const block = Array.from({ length: 160 }, (_, j) => `    line ${j} ${'y'.repeat(56)}`).join(
      '\n',
    );
    const docs: string[] = [];
    for (let i = 0; i < 5_000; i++)
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-${i}\ndata:\n  blob: |\n${block}\n`,
      );
    const text = docs.join('---\n');
    assert.ok(text.length > 50_000_000, `${text.length} bytes`);
    const dir = write(path.join(tmp, 'file-50mb'), {
      'kustomization.yaml': 'resources:\n- big.yaml\n',
      'big.yaml': text,
    });
    const r = cli('50 MB file (build)', dir, 'build', '.');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdoutBytes > 50_000_000, `${r.stdoutBytes} bytes printed`);
    assert.ok(
      r.stdout.startsWith('apiVersion: v1\ndata:\n  blob: |\n    line 0 '),
      r.stdout.slice(0, 200),
    );
  });
});

describe('cycles', () => {
  const component = (next: string) =>
    `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents:\n- ${next}\n`;
  it('component cycles fail build and check with the cycle named', () => {
    const dir = write(path.join(tmp, 'cycle-components'), {
      'app/base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'app/base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      'app/production/kustomization.yaml': 'resources:\n- ../base\ncomponents:\n- ../comp-a\n',
      'app/comp-a/kustomization.yaml': component('../comp-b'),
      'app/comp-b/kustomization.yaml': component('../comp-a'),
    });
    const b = cli('component cycle (build)', dir, 'build', 'app/production');
    assert.equal(b.status, 1);
    assert.match(
      b.stderr,
      /app\/comp-b\/kustomization\.yaml:4:3: cycle detected: .*comp-a -> .*comp-b -> .*comp-a/,
    );
    for (const target of ['app', 'app/production']) {
      const c = cli(`component cycle (check ${target})`, dir, 'check', target);
      assert.equal(c.status, 1, c.stdout + c.stderr);
      assert.match(c.stdout, /app\/comp-b\/kustomization\.yaml:4:3: error: .*cycle detected/);
    }
  });

  it('resource cycles (two folders, and a folder listing itself) fail with the cycle named', () => {
    const dir = write(path.join(tmp, 'cycle-resources'), {
      'a/kustomization.yaml': 'resources:\n- ../b\n',
      'b/kustomization.yaml': 'resources:\n- ../a\n',
      'self/kustomization.yaml': 'resources:\n- .\n',
    });
    const r = cli('resource cycle a -> b -> a (build)', dir, 'build', 'a');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /b\/kustomization\.yaml:2:3: cycle detected: .*\/a -> .*\/b -> .*\/a/);
    const s = cli('resource cycle self (build)', dir, 'build', 'self');
    assert.equal(s.status, 1);
    assert.match(s.stderr, /self\/kustomization\.yaml:2:3: cycle detected/);
    const c = cli('resource cycles (check)', dir, 'check', '.');
    assert.equal(c.status, 1);
    assert.match(c.stdout, /cycle detected/);
  });
});
