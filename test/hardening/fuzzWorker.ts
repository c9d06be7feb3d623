// Child process of fuzz.test.ts (not a test file): holds a workspace index per corpus
// repository over an in-memory layer on the disk (nothing is written to disk), and for each
// mutation case it receives runs build, values and check in-process on the mutated file, as
// the CLI and the server do, then puts the original text back. The parent times each case,
// so a hang kills this process instead of blocking the suite.
import * as path from 'path';
import { DiskFileSystem, MemoryFileSystem } from '../../server/src/engine/fs';
import { buildKustomization } from '../../server/src/engine/kustomize/build';
import { KUSTOMIZATION_FILE_NAMES } from '../../server/src/engine/kustomize/loader';
import { computeDiagnostics } from '../../server/src/ide/diagnostics';
import { WorkspaceIndex } from '../../server/src/ide/workspaceIndex';
import { runOverlay } from '../../server/src/engine/workspace';

export interface WorkerRequest {
  id: number;
  file: string;
  text: string;
}

export interface Finding {
  kind: 'crash' | 'no-location';
  what: string;
}

export interface WorkerReply {
  id: number;
  runs: number;
  findings: Finding[];
}

interface Repo {
  root: string;
  mem: MemoryFileSystem;
  index: WorkspaceIndex;
}

const repos: Repo[] = [];

function repoOf(file: string): Repo {
  const r = repos.find((x) => file.startsWith(x.root + '/'));
  if (!r) throw new Error(`${file} is in no repository given to the worker`);
  return r;
}

const isInternal = (m: string, code?: string) =>
  code === 'internal' ||
  /internal error|TypeError|RangeError|ReferenceError|Maximum call stack/i.test(m);

/** Folders to build for a mutated file: the folders whose last build read it, and its own. */
function dirsFor(r: Repo, file: string): string[] {
  const dirs = new Set(r.index.readersOf(file));
  const own = path.posix.dirname(file);
  if (r.index.kustomizationDirs.has(own)) dirs.add(own);
  return [...dirs].sort().slice(0, 4);
}

function runCase(req: WorkerRequest): WorkerReply {
  const r = repoOf(req.file);
  const findings: Finding[] = [];
  let runs = 0;
  const guard = (what: string, fn: () => void) => {
    runs++;
    try {
      fn();
    } catch (e) {
      findings.push({
        kind: 'crash',
        what: `${what}: uncaught ${(e as Error)?.stack?.split('\n').slice(0, 4).join(' | ') ?? e}`,
      });
    }
  };
  const dirs = dirsFor(r, req.file);
  r.mem.write(req.file, req.text);
  try {
    r.index.update(req.file);
    for (const dir of dirs) {
      guard(`build ${dir}`, () => {
        const b = buildKustomization(r.mem, dir, { cache: r.index.cache });
        for (const p of b.problems) {
          if (isInternal(p.message, p.code))
            findings.push({ kind: 'crash', what: `build ${dir}: ${p.message}` });
          else if (p.severity === 'error' && (!p.span?.file || !p.span?.line))
            findings.push({ kind: 'no-location', what: `build ${dir}: ${p.message}` });
        }
      });
      guard(`values ${dir}`, () => {
        const v = runOverlay(r.mem, dir, { cache: r.index.cache });
        for (const p of v.problems) {
          if (isInternal(p.message, p.code))
            findings.push({ kind: 'crash', what: `values ${dir}: ${p.message}` });
          else if (p.severity === 'error' && (!p.span?.file || !p.span?.line))
            findings.push({ kind: 'no-location', what: `values ${dir}: ${p.message}` });
        }
      });
    }
    const toCheck = new Set([
      req.file,
      ...dirs.flatMap((d) =>
        KUSTOMIZATION_FILE_NAMES.map((n) => path.posix.join(d, n)).filter((f) =>
          r.index.yamlFiles.has(f),
        ),
      ),
    ]);
    for (const f of toCheck) {
      guard(`check ${f}`, () => {
        for (const d of computeDiagnostics(r.index, f, { validation: true })) {
          if (isInternal(d.message, d.code))
            findings.push({ kind: 'crash', what: `check ${f}: ${d.message}` });
          else if (d.severity === 'error' && !(d.span.line >= 1))
            findings.push({ kind: 'no-location', what: `check ${f}: ${d.message}` });
        }
      });
    }
  } finally {
    r.mem.delete(req.file);
    r.index.update(req.file);
    // the folders read the original again, so the next case starts from the real repository
    for (const dir of dirs) r.index.build(dir);
  }
  return { id: req.id, runs, findings };
}

function start(roots: string[]): void {
  const disk = new DiskFileSystem();
  for (const root of roots) {
    const mem = new MemoryFileSystem(disk);
    const index = new WorkspaceIndex(mem, [root]);
    index.scan();
    for (const d of [...index.kustomizationDirs].sort()) index.build(d);
    repos.push({ root, mem, index });
  }
}

if (require.main === module && process.send && process.env.FLUX_OVERLAYS_FUZZ_WORKER === '1') {
  start(JSON.parse(process.env.FLUX_OVERLAYS_FUZZ_ROOTS ?? '[]') as string[]);
  process.on('message', (req: WorkerRequest) => process.send!(runCase(req)));
  process.send({ id: -1, runs: 0, findings: [] });
}
