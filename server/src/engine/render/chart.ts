// A Helm chart read from a folder through FileSystem, as Helm's loader builds it: metadata,
// values.yaml (json.Number numbers), templates/, crds/, the other files (.Files, minus
// .helmignore'd ones), and subcharts under charts/ (folders or packaged .tgz). A chart holds
// only its own files: a symlink whose target is outside the chart folder is left out with a
// warning, and folders are entered under their own names only (WalkGuard: no link loops).

import * as path from 'path';
import { FileSystem, WalkGuard } from '../fs';
import { parseYaml } from '../yaml/parse';
import { toJS } from '../yaml/node';
import { fastValuesDocument, readChartValues } from '../template/chartValues';
import { GoMap, newMap } from '../template/value';
import { readTgz } from '../values/tar';

export interface ChartFile {
  /** Path inside the chart, e.g. `templates/deployment.yaml`. */
  name: string;
  data: Buffer;
}

export interface ChartDependency {
  name: string;
  alias?: string;
  condition?: string;
  tags?: string[];
}

export interface Chart {
  /** Chart.yaml as plain data. */
  metadata: Record<string, unknown>;
  name: string;
  /** Folder (or .tgz!/dir) the chart was read from, for messages. */
  source: string;
  values: GoMap;
  templates: ChartFile[];
  /** Everything else except Chart.yaml/values.yaml/templates/charts (what .Files sees; crds/ included). */
  files: ChartFile[];
  dependencies: Chart[];
  declared: ChartDependency[];
  isLibrary: boolean;
  problems: string[];
}

type Tree = Map<string, Buffer>;

function walk(
  fs: FileSystem,
  guard: WalkGuard,
  dir: string,
  prefix: string,
  out: Tree,
  warnings: string[],
): void {
  // With entry types, a plain file (no link) in a folder the guard let in is inside the chart:
  // read without a stat and a real path per file.
  const typed = fs.readDirTyped?.(dir);
  for (const entry of typed ?? fs.readDir(dir)) {
    const name = typeof entry === 'string' ? entry : entry.name;
    const p = path.posix.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (typeof entry !== 'string' && entry.type === 'file') {
      const b = fs.readBytes ? fs.readBytes(p) : undefined;
      out.set(rel, b ?? Buffer.from(fs.readFile(p) ?? '', 'utf8'));
      continue;
    }
    const st = fs.stat(p);
    if (st === 'dir') {
      if (guard.enter(p)) walk(fs, guard, p, rel, out, warnings);
      else if (!guard.includes(p))
        warnings.push(`${p}: a symlink to a folder outside the chart: left out`);
    } else if (st === 'file') {
      if (!guard.includes(p)) {
        warnings.push(`${p}: a symlink to a file outside the chart: left out`);
        continue;
      }
      const b = fs.readBytes ? fs.readBytes(p) : undefined;
      out.set(rel, b ?? Buffer.from(fs.readFile(p) ?? '', 'utf8'));
    }
  }
}

/** .helmignore rules, as far as charts use them: globs, trailing-slash folders, negation. */
function ignorer(text: string | undefined): (rel: string) => boolean {
  const rules = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const neg = l.startsWith('!');
      let pat = neg ? l.slice(1) : l;
      const dirOnly = pat.endsWith('/');
      pat = pat.replace(/\/$/, '').replace(/^\//, '');
      const re = new RegExp(
        '^' +
          pat
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*\*/g, '\uE000') // a private-use character holds ** between the passes
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')
            .replace(/\uE000/g, '.*') +
          '$',
      );
      return { neg, dirOnly, re, hasSlash: pat.includes('/') };
    });
  return (rel) => {
    if (rules.length === 0) return false;
    let ignored = false;
    const parts = rel.split('/');
    // Path prefixes (a/b, a/b/c...) computed once per path, not once per rule.
    let prefixes: string[] | undefined;
    for (const r of rules) {
      const candidates = r.hasSlash
        ? (prefixes ??= parts.map((_, i) => parts.slice(0, i + 1).join('/')))
        : parts;
      const hit = candidates.some(
        (c, i) => r.re.test(c) && (!r.dirOnly || i < candidates.length - 1),
      );
      if (hit) ignored = !r.neg;
    }
    return ignored;
  };
}

/** Builds a chart from its files (relative paths). */
export function chartFromTree(tree: Tree, source: string): Chart {
  const problems: string[] = [];
  const text = (n: string) => tree.get(n)?.toString('utf8');
  const chartYaml = text('Chart.yaml');
  if (chartYaml === undefined) throw new Error(`${source}: not a chart (no Chart.yaml)`);
  const fast = fastValuesDocument(chartYaml, `${source}/Chart.yaml`);
  const meta = (toJS(
    fast !== undefined
      ? fast?.root
      : parseYaml(chartYaml, `${source}/Chart.yaml`, undefined, 'helm').documents[0]?.root,
  ) ?? {}) as Record<string, unknown>;
  const decoded = readChartValues(text('values.yaml') ?? '', `${source}/values.yaml`, 'json');
  for (const p of decoded.problems)
    problems.push(`${p.span?.file}:${p.span?.line ?? 0}: ${p.message}`);
  const ignored = ignorer(text('.helmignore'));
  const templates: ChartFile[] = [];
  const files: ChartFile[] = [];
  const subTrees = new Map<string, Tree>();
  const subTgz: [string, Buffer][] = [];
  for (const [name, data] of [...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (name.startsWith('charts/')) {
      const rest = name.slice('charts/'.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        if (rest.endsWith('.tgz')) subTgz.push([rest, data]);
        continue;
      }
      const sub = rest.slice(0, slash);
      if (!subTrees.has(sub)) subTrees.set(sub, new Map());
      subTrees.get(sub)!.set(rest.slice(slash + 1), data);
      continue;
    }
    if (ignored(name)) continue;
    if (name.startsWith('templates/')) templates.push({ name, data });
    else if (
      ![
        'Chart.yaml',
        'values.yaml',
        'values.schema.json',
        'Chart.lock',
        'requirements.yaml',
        'requirements.lock',
        '.helmignore',
      ].includes(name)
    )
      files.push({ name, data });
  }
  const dependencies: Chart[] = [];
  for (const [sub, t] of subTrees) {
    if (!t.has('Chart.yaml')) continue;
    try {
      dependencies.push(chartFromTree(t, `${source}/charts/${sub}`));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  for (const [name, data] of subTgz) {
    const r = readTgz(new Uint8Array(data), () => true);
    if (r.error) {
      problems.push(`${source}/charts/${name}: ${r.error}`);
      continue;
    }
    for (const w of r.warnings) problems.push(`${source}/charts/${name}: ${w}`);
    const t: Tree = new Map();
    for (const [p, b] of r.files)
      t.set(p.replace(/^\.\//, '').replace(/^[^/]+\//, ''), Buffer.from(b));
    try {
      dependencies.push(chartFromTree(t, `${source}/charts/${name}`));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const declared = ((meta.dependencies as unknown[]) ?? []).map((d) => {
    const o = d as Record<string, unknown>;
    return {
      name: String(o.name ?? ''),
      alias: o.alias ? String(o.alias) : undefined,
      condition: o.condition ? String(o.condition) : undefined,
      tags: Array.isArray(o.tags) ? o.tags.map(String) : undefined,
    };
  });
  return {
    metadata: meta,
    name: String(meta.name ?? path.posix.basename(source)),
    source,
    values: decoded.value,
    templates,
    files,
    dependencies,
    declared,
    isLibrary: String(meta.type ?? '').toLowerCase() === 'library',
    problems,
  };
}

/** Reads a chart folder or a packaged .tgz. Throws with a message naming the path. */
export function loadChartDir(fs: FileSystem, dir: string): Chart {
  if (fs.stat(dir) === 'file' && dir.endsWith('.tgz')) {
    const data = fs.readBytes?.(dir);
    if (!data) throw new Error(`cannot read ${dir}`);
    return loadChartArchive(new Uint8Array(data), dir);
  }
  const tree: Tree = new Map();
  const warnings: string[] = [];
  walk(fs, new WalkGuard(fs, dir), dir, '', tree, warnings);
  const chart = chartFromTree(tree, dir);
  chart.problems.unshift(...warnings);
  return chart;
}

/** A packaged chart (.tgz bytes: a fetched chart from the chart cache); `label` names it in messages. Throws when unreadable. */
export function loadChartArchive(data: Uint8Array, label: string): Chart {
  const r = readTgz(data, () => true);
  if (r.error) throw new Error(`${label}: ${r.error}`);
  const t: Tree = new Map();
  for (const [p, b] of r.files)
    t.set(p.replace(/^\.\//, '').replace(/^[^/]+\//, ''), Buffer.from(b));
  const chart = chartFromTree(t, label);
  chart.problems.unshift(...r.warnings.map((w) => `${label}: ${w}`));
  return chart;
}

export function emptyValues(): GoMap {
  return newMap();
}
