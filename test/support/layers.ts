// The layer table of ARCHITECTURE.md as a check over source texts (test/unit/layers.test.ts):
// every relative import of a file under server/src goes to its own layer or a lower one, the
// layers above the analysis layer reach the engine only through engine/index.ts and ide/ only
// through ide/index.ts, server/src has no file-level import cycle, and client/src imports only
// vscode packages, node builtins, its own files and the shared protocol module.

import { builtinModules } from 'module';
import * as path from 'path';

/** Layers from the bottom up: a file may import its own layer and the ones below, never above. */
export const LAYERS: { name: string; rank: number; match: (rel: string) => boolean }[] = [
  {
    // the base: YAML, the file system (and its snapshot), problems, secrets; and the protocol
    // module the client shares, which imports nothing of the server
    name: 'engine base',
    rank: 0,
    match: (f) =>
      f.startsWith('server/src/engine/yaml/') ||
      [
        'server/src/engine/fs.ts',
        'server/src/engine/snapshotFs.ts',
        'server/src/engine/problem.ts',
        'server/src/engine/secrets.ts',
        'server/src/protocol.ts',
      ].includes(f),
  },
  {
    name: 'engine steps',
    rank: 1,
    match: (f) =>
      ['kustomize', 'values', 'substitute', 'schema', 'charts', 'template', 'render'].some((d) =>
        f.startsWith(`server/src/engine/${d}/`),
      ),
  },
  {
    name: 'engine top',
    rank: 2,
    match: (f) =>
      ['workspace', 'git', 'cluster'].some((d) => f.startsWith(`server/src/engine/${d}/`)) ||
      f === 'server/src/engine/index.ts' ||
      f === 'server/src/engine/core.ts',
  },
  {
    // the analysis layer; platform/ implements engine interfaces (HTTP, chart store) for Node
    name: 'ide',
    rank: 3,
    match: (f) => f.startsWith('server/src/ide/') || f.startsWith('server/src/platform/'),
  },
  {
    name: 'features, cli',
    rank: 4,
    match: (f) => f.startsWith('server/src/features/') || f.startsWith('server/src/cli/'),
  },
  {
    name: 'server',
    rank: 5,
    match: (f) => f === 'server/src/server.ts' || f === 'server/src/transport.ts',
  },
];

/** An import the table forbids that the code makes on purpose, with the reason. */
export interface LayerException {
  from: string;
  to: string;
  reason: string;
}

const PROTOCOL = 'server/src/protocol.ts';

function layerOf(f: string) {
  return LAYERS.find((l) => l.match(f));
}

/** The module specifiers a TypeScript text imports (import, export from, import(), require()). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const re =
    /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[1] ?? m[2]);
  return out;
}

/** The file a relative specifier of `from` names, among `files` (undefined if none). */
function resolve(
  from: string,
  spec: string,
  files: ReadonlyMap<string, string>,
): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), spec.replace(/\.js$/, ''));
  for (const c of [base, `${base}.ts`, `${base}/index.ts`]) if (files.has(c)) return c;
  return undefined;
}

/**
 * Every violation of the table in `files` (project-relative posix path -> text), as
 * `from -> to: why` lines; empty when the code keeps the table. `exceptions` are allowed.
 */
export function checkLayers(
  files: ReadonlyMap<string, string>,
  exceptions: readonly LayerException[] = [],
): string[] {
  const out: string[] = [];
  const allowed = (from: string, to: string) =>
    exceptions.some((e) => e.from === from && e.to === to);
  const graph = new Map<string, string[]>();
  for (const [from, text] of files) {
    if (from.startsWith('client/src/')) {
      for (const spec of importsOf(text)) {
        if (allowed(from, spec)) continue;
        if (spec === 'vscode' || spec.startsWith('vscode-languageclient')) continue;
        if (builtinModules.includes(spec.replace(/^node:/, ''))) continue;
        if (spec.startsWith('.')) {
          const to = resolve(from, spec, files) ?? path.posix.join(path.posix.dirname(from), spec);
          if (to.startsWith('client/src/') || to === PROTOCOL || allowed(from, to)) continue;
          out.push(`${from} -> ${to}: the client imports only its own files and ${PROTOCOL}`);
          continue;
        }
        out.push(`${from} -> ${spec}: the client imports only vscode packages and node builtins`);
      }
      continue;
    }
    if (!from.startsWith('server/src/')) continue;
    const layer = layerOf(from);
    if (!layer) {
      out.push(`${from}: not in the layer table`);
      continue;
    }
    const edges: string[] = [];
    graph.set(from, edges);
    for (const spec of importsOf(text)) {
      if (!spec.startsWith('.')) continue;
      const to = resolve(from, spec, files);
      if (!to) {
        out.push(`${from} -> ${spec}: no such file`);
        continue;
      }
      edges.push(to);
      if (allowed(from, to)) continue;
      const target = layerOf(to);
      if (!target) continue; // said once, for the file itself
      if (target.rank > layer.rank)
        out.push(`${from} -> ${to}: ${layer.name} may not import ${target.name} (a higher layer)`);
      else if (
        layer.rank >= 4 &&
        to.startsWith('server/src/engine/') &&
        to !== 'server/src/engine/index.ts' &&
        to !== 'server/src/engine/core.ts'
      )
        out.push(
          `${from} -> ${to}: ${layer.name} reach the engine only through engine/index.ts (or core.ts)`,
        );
      else if (
        layer.rank >= 4 &&
        to.startsWith('server/src/ide/') &&
        to !== 'server/src/ide/index.ts'
      )
        out.push(`${from} -> ${to}: ${layer.name} reach ide only through ide/index.ts`);
    }
  }
  for (const cycle of cycles(graph)) out.push(`import cycle: ${cycle.join(' -> ')}`);
  return out;
}

/** The import cycles of `graph` (one per strongly connected component with more than one file or a self-import). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's strongly connected components, iterative so a deep import chain cannot overflow
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const edges = graph.get(top.v) ?? [];
      if (top.i < edges.length) {
        const w = edges[top.i++];
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        if (scc.length > 1 || (graph.get(top.v) ?? []).includes(top.v)) out.push(scc.sort());
      }
    }
  }
  return out;
}
