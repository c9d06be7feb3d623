// Reads a chart (folder or packaged .tgz, subcharts under charts/ included) as Helm's loader
// does: Chart.yaml (and requirements.yaml for apiVersion v1), values.yaml read with YAML 1.1
// typing, values.schema.json, and every entry of charts/ that is a folder with a Chart.yaml or
// a .tgz (names starting with `.` or `_` are ignored, as Helm does). Never throws: what cannot
// be read becomes a problem.

import { createHash } from 'crypto';
import * as path from 'path';
import { FileSystem, WalkGuard } from '../fs';
import { parseYaml } from '../yaml/parse';
import { YNode, get, getString, isMap, isSeq } from '../yaml/node';
import { stampLayer } from '../values/provenance';
import { readTgz } from '../values/tar';
import { Problem } from '../problem';
import { Chart, ChartDependency, ImportValue } from './model';

/** The files of one chart, relative to its root. */
interface ChartFiles {
  text(rel: string): string | undefined;
  bytes(rel: string): Uint8Array | undefined;
  /** Entries of a folder: names, with whether each is a folder. */
  list(rel: string): { name: string; dir: boolean }[];
  /** How origins name a file of the chart. */
  label(rel: string): string;
  root: string;
  /** Archive entries left out (symlinks, absolute paths). */
  warnings?: string[];
}

/** A chart folder's files; links whose target is outside the folder read as absent. */
function folderFiles(fs: FileSystem, root: string): ChartFiles {
  const guard = new WalkGuard(fs, root);
  const inside = (p: string) => guard.includes(p);
  return {
    root,
    text: (rel) => {
      const p = path.posix.join(root, rel);
      return inside(p) ? fs.readFile(p) : undefined;
    },
    bytes: (rel) => {
      const p = path.posix.join(root, rel);
      if (!inside(p)) return undefined;
      return (
        fs.readBytes?.(p) ??
        (fs.stat(p) === 'file' ? Buffer.from(fs.readFile(p) ?? '', 'utf8') : undefined)
      );
    },
    list: (rel) => {
      const d = path.posix.join(root, rel);
      if (!guard.enter(d)) return [];
      return fs.readDir(d).map((name) => ({
        name,
        dir: fs.stat(path.posix.join(d, name)) === 'dir' && guard.enter(path.posix.join(d, name)),
      }));
    },
    label: (rel) => path.posix.join(root, rel),
  };
}

function tgzFiles(data: Uint8Array, label: string): ChartFiles | { error: string } {
  const { files, error, warnings } = readTgz(data, () => true);
  if (error) return { error };
  // Helm strips the first path component (the chart's folder name inside the archive).
  const top = [...files.keys()].find((p) => /^[^/]+\/Chart\.yaml$/.test(p))?.split('/')[0];
  if (top === undefined) return { error: 'not a packaged chart: no <name>/Chart.yaml inside' };
  const byRel = new Map<string, Uint8Array>();
  for (const [p, b] of files) if (p.startsWith(top + '/')) byRel.set(p.slice(top.length + 1), b);
  return {
    root: label,
    warnings,
    text: (rel) => {
      const b = byRel.get(rel);
      return b ? Buffer.from(b).toString('utf8') : undefined;
    },
    bytes: (rel) => byRel.get(rel),
    list: (rel) => {
      const prefix = rel === '' ? '' : rel + '/';
      const seen = new Map<string, boolean>();
      for (const p of byRel.keys()) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        const i = rest.indexOf('/');
        const name = i < 0 ? rest : rest.slice(0, i);
        if (name) seen.set(name, (seen.get(name) ?? false) || i >= 0);
      }
      return [...seen].map(([name, dir]) => ({ name, dir }));
    },
    label: (rel) => `${label}!/${top}/${rel}`,
  };
}

/** Loads the chart at a folder or .tgz path (subcharts included; a .tgz through `fs.readBytes`). */
export function loadChartTree(chartPath: string, fs: FileSystem): Chart | { error: string } {
  if (fs.stat(chartPath) === 'dir') {
    if (fs.stat(path.posix.join(chartPath, 'Chart.yaml')) !== 'file')
      return { error: `${chartPath} is not a chart: no Chart.yaml` };
    return loadFrom(folderFiles(fs, chartPath), []);
  }
  const data = fs.readBytes?.(chartPath);
  if (!data) return { error: `cannot read packaged chart ${chartPath}` };
  return loadChartBytes(data, chartPath);
}

/** Loads a packaged chart from its bytes; `label` names it in origins and messages. */
export function loadChartBytes(data: Uint8Array, label: string): Chart | { error: string } {
  const files = tgzFiles(data, label);
  if ('error' in files) return { error: `${label}: ${files.error}` };
  return loadFrom(files, []);
}

function str(n: YNode | undefined): string | undefined {
  return n && n.kind === 'scalar' && n.value !== null ? String(n.value) : undefined;
}

function dependenciesOf(list: YNode | undefined): ChartDependency[] | undefined {
  if (!isSeq(list)) return undefined;
  return list.items.filter(isMap).map((d) => {
    const tags = get(d, 'tags');
    const iv = get(d, 'import-values');
    const importValues: ImportValue[] = [];
    if (isSeq(iv)) {
      for (const i of iv.items) {
        if (i.kind === 'scalar' && typeof i.value === 'string') importValues.push(i.value);
        else if (isMap(i))
          importValues.push({
            child: getString(i, 'child') ?? '',
            parent: getString(i, 'parent') ?? '',
          });
      }
    }
    const dep: ChartDependency = {
      name: getString(d, 'name') ?? '',
      tags: isSeq(tags) ? tags.items.map(str).filter((t): t is string => t !== undefined) : [],
      importValues,
    };
    for (const k of ['version', 'repository', 'condition', 'alias'] as const) {
      const v = getString(d, k);
      if (v !== undefined) dep[k] = v;
    }
    return dep;
  });
}

function loadFrom(files: ChartFiles, parents: string[]): Chart | { error: string } {
  const chartYaml = files.text('Chart.yaml');
  if (chartYaml === undefined) return { error: `${files.root} is not a chart: no Chart.yaml` };
  const problems: Problem[] = [];
  for (const w of files.warnings ?? [])
    problems.push({
      severity: 'warning',
      message: `${files.root}: ${w}`,
      span: { file: files.root, line: 1, col: 1 },
      step: 'chart',
      code: 'chart-archive-entry',
    });
  const meta = parseYaml(chartYaml, files.label('Chart.yaml')).documents[0]?.root;
  const name = getString(meta, 'name') ?? path.posix.basename(files.root);
  let dependencies = dependenciesOf(get(meta, 'dependencies'));
  if (getString(meta, 'apiVersion') === 'v1') {
    const req = files.text('requirements.yaml');
    if (req !== undefined)
      dependencies =
        dependenciesOf(
          get(parseYaml(req, files.label('requirements.yaml')).documents[0]?.root, 'dependencies'),
        ) ?? dependencies;
  }
  const valuesName =
    files.text('values.yaml') !== undefined
      ? 'values.yaml'
      : files.text('values.yml') !== undefined
        ? 'values.yml'
        : 'values.yaml';
  const valuesText = files.text(valuesName) ?? '';
  const valuesFile = files.label(valuesName);
  const parsed = parseYaml(valuesText, valuesFile, undefined, 'helm');
  for (const p of parsed.problems)
    problems.push({
      severity: p.severity,
      message: `chart ${name} values: ${p.message}`,
      span: { file: p.span.file, line: p.span.line, col: p.span.col },
      step: 'chart',
      code: 'chart-values-yaml',
    });
  const root = parsed.documents[0]?.root;
  const values = root && root.kind === 'map' ? root : { kind: 'map' as const, pairs: [] };
  const chain = [...parents, name];
  stampLayer(values, chain.length === 1 ? 'chart default' : `chart default ${chain.join(':')}`);
  let schema: unknown;
  let schemaFile: string | undefined;
  const schemaText = files.text('values.schema.json');
  if (schemaText !== undefined) {
    schemaFile = files.label('values.schema.json');
    try {
      schema = JSON.parse(schemaText);
    } catch (e) {
      problems.push({
        severity: 'warning',
        message: `chart ${name}: values.schema.json is not valid JSON: ${(e as Error).message}`,
        span: { file: schemaFile, line: 1, col: 1 },
        step: 'chart',
        code: 'chart-schema-json',
      });
    }
  }
  const subcharts: Chart[] = [];
  for (const e of files.list('charts').sort((a, b) => a.name.localeCompare(b.name))) {
    if (/^[._]/.test(e.name)) continue;
    const rel = `charts/${e.name}`;
    let sub: Chart | { error: string } | undefined;
    if (e.dir) {
      if (files.text(`${rel}/Chart.yaml`) === undefined) continue;
      sub = loadFrom(subFolder(files, rel), chain);
    } else if (e.name.endsWith('.tgz')) {
      const data = files.bytes(rel);
      const f = data ? tgzFiles(data, files.label(rel)) : { error: 'unreadable' };
      sub = 'error' in f ? f : loadFrom(f, chain);
    }
    if (!sub) continue;
    if ('error' in sub)
      problems.push({
        severity: 'warning',
        message: `chart ${name}: subchart ${rel}: ${sub.error}`,
        span: { file: files.label(rel), line: 1, col: 1 },
        step: 'chart',
        code: 'chart-subchart',
      });
    else subcharts.push(sub);
  }
  const chart: Chart = {
    name,
    source: files.root,
    valuesFile,
    values,
    valuesText,
    subcharts,
    problems,
  };
  const version = getString(meta, 'version');
  if (version !== undefined) chart.version = version;
  const type = getString(meta, 'type');
  if (type !== undefined) chart.type = type;
  if (schema !== undefined) chart.schema = schema;
  if (schemaFile) chart.schemaFile = schemaFile;
  if (dependencies) chart.dependencies = dependencies;
  return chart;
}

function subFolder(files: ChartFiles, rel: string): ChartFiles {
  return {
    root: files.label(rel),
    text: (r) => files.text(`${rel}/${r}`),
    bytes: (r) => files.bytes(`${rel}/${r}`),
    list: (r) => files.list(r === '' ? rel : `${rel}/${r}`),
    label: (r) => files.label(`${rel}/${r}`),
  };
}

const tgzCache = new Map<string, Chart | { error: string }>();

/**
 * loadChartTree with packaged charts remembered by content (sha256 of the .tgz; at most 32):
 * the cache of fetched charts is content-addressed, so the same bytes load once per process.
 * Folders are read again every time (their files may be edited).
 */
export function loadChartCached(chartPath: string, fs: FileSystem): Chart | { error: string } {
  if (fs.stat(chartPath) === 'dir') return loadChartTree(chartPath, fs);
  const data = fs.readBytes?.(chartPath);
  if (!data) return { error: `cannot read packaged chart ${chartPath}` };
  const key = `${chartPath}\0${createHash('sha256').update(data).digest('hex')}`;
  let c = tgzCache.get(key);
  if (!c) {
    c = loadChartBytes(data, chartPath);
    if (tgzCache.size >= 32) tgzCache.delete(tgzCache.keys().next().value as string);
    tgzCache.set(key, c);
  }
  return c;
}
