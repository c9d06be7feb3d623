// Expected `kubectl kustomize` outputs for the kustomize fixtures and the example repository,
// generated once from the real kubectl (generateKustomizeExpected.ts) and checked in, so engine
// unit tests compare against kubectl without the binary; the conformance test still builds
// live and checks the checked-in file is what kubectl prints now.
// A fixture's expected output sits beside it (`expected.kubectl.yaml`, or `expected.kubectl.fails`
// when kubectl fails); the example repository's sit in test/expected/examples/<folder>/, since
// examples/ is a repository the editor and CLI tests open and scan, where extra YAML would show.
import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocs, ReferenceBuild } from './kubectl';
import { PROJECT_ROOT, kustomizationDirs } from './paths';

export const FIXTURES_ROOT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'kustomize');
export const EXAMPLES_ROOT = path.join(PROJECT_ROOT, 'examples');
const EXAMPLES_EXPECTED = path.join(PROJECT_ROOT, 'test', 'expected', 'examples');

export const EXPECTED_OUTPUT = 'expected.kubectl.yaml';
export const EXPECTED_FAILURE = 'expected.kubectl.fails';

/** The checked-in suites: each kustomization folder under the fixtures and the examples. */
export function expectedSuites(): { name: string; root: string; dirs: string[] }[] {
  return [
    { name: 'kustomize fixtures', root: FIXTURES_ROOT, dirs: kustomizationDirs(FIXTURES_ROOT) },
    { name: 'example repository', root: EXAMPLES_ROOT, dirs: kustomizationDirs(EXAMPLES_ROOT) },
  ];
}

/** The folder holding the expected files of the kustomization folder `dir`. */
function expectedDir(dir: string): string {
  const rel = path.relative(EXAMPLES_ROOT, dir);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.join(EXAMPLES_EXPECTED, rel);
  return dir;
}

export type Expected = { ok: true; docs: unknown[]; text: string } | { ok: false; reason: string };

/** The checked-in expectation for `dir`, or undefined when none was generated. */
export function readExpected(dir: string): Expected | undefined {
  const at = expectedDir(dir);
  const out = path.join(at, EXPECTED_OUTPUT);
  if (fs.existsSync(out)) {
    const text = fs.readFileSync(out, 'utf8');
    return { ok: true, docs: parseYamlDocs(text), text };
  }
  const failed = path.join(at, EXPECTED_FAILURE);
  if (fs.existsSync(failed)) return { ok: false, reason: fs.readFileSync(failed, 'utf8') };
  return undefined;
}

/** kubectl's first error line without what changes from run to run (paths, Go pointers). */
function failureText(stderr: string): string {
  const line =
    stderr.split('\n').find((l) => l.startsWith('error:')) ?? stderr.split('\n')[0] ?? '';
  return (
    line
      .split(PROJECT_ROOT)
      .join('<project>')
      .replace(/0x[0-9a-f]{6,}/g, '0x…')
      .replace(/\b\d+\.\d+\.\d+\.\d+(:\d+)?/g, '<address>') + '\n'
  );
}

/** Writes the expectation of `dir` from a live kubectl result (removing the other kind). */
export function writeExpected(dir: string, ref: ReferenceBuild): void {
  const at = expectedDir(dir);
  fs.mkdirSync(at, { recursive: true });
  const out = path.join(at, EXPECTED_OUTPUT);
  const failed = path.join(at, EXPECTED_FAILURE);
  if (ref.ok) {
    fs.writeFileSync(out, ref.stdout);
    fs.rmSync(failed, { force: true });
  } else {
    fs.writeFileSync(
      failed,
      `# kubectl kustomize fails (the wording is kubectl's, not compared):\n${failureText(ref.stderr)}`,
    );
    fs.rmSync(out, { force: true });
  }
}
