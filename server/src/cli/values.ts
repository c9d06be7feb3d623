// `flux-overlays values DIR... [--release NS/NAME] [--profile FILE] [--chart PATH]
// [--extra-root DIR] [--show-origin] [--show-secrets] [--json]`: the effective Helm values of
// each HelmRelease an overlay renders, as YAML (optionally with `# file:line (layer)` comments)
// or as one JSON object keyed by DIR as given. Problems go to stderr as `file:line:col: message`.

import * as os from 'os';
import * as path from 'path';
import {
  DiskFileSystem,
  FileSystem,
  LoadRestrictor,
  ParseCache,
  Variables,
  loadProfile,
  EffectiveValuesOptions,
  helmRepositoryCache,
  OverlayOptions,
  OverlayRun,
  PipelineOptions,
  externalLookupFor,
  runOverlay,
  BuildResult,
  buildKustomization,
  ChartService,
  credentialsFrom,
  isHelmRelease,
  YMap,
  emitJS,
  emitYaml,
} from '../engine';
import type { Problem } from '../engine';
import { NodeHttpClient } from '../platform/nodeHttp';
import { DiskChartStore, chartCacheDir, registryConfigTexts } from '../platform/diskChartStore';
import * as nodeFs from 'fs';
import { ParsedArgs, UsageError, lastValue } from './args';
import { describeOrigin } from './format';
import { registerCommand } from './main';
import { formatProblem, problemLine } from './problems';

export const VALUES_USAGE = `usage: flux-overlays values DIR... [--release NS/NAME] [--profile FILE] [--chart PATH] [--extra-root DIR] [--load-restrictor rootonly|none] [--offline] [--show-origin] [--show-secrets] [--json]`;

/**
 * The chart service of a CLI run: the shared cache ($FLUX_OVERLAYS_CHART_CACHE, else
 * $XDG_CACHE_HOME/flux-overlays/charts), registry credentials from Helm's and Docker's
 * config.json, a CA file from $FLUX_OVERLAYS_CA_FILE, fetch timeout from
 * $FLUX_OVERLAYS_FETCH_TIMEOUT (seconds, default 10). `--offline`: the cache only.
 */
export function cliChartService(args: ParsedArgs, err: (s: string) => void): ChartService {
  const offline = args.flags.has('offline');
  const caFile = process.env.FLUX_OVERLAYS_CA_FILE;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = nodeFs.readFileSync(caFile, 'utf8');
    } catch {
      throw new UsageError(`FLUX_OVERLAYS_CA_FILE=${caFile}: cannot read the file`);
    }
  }
  const timeout = Number(process.env.FLUX_OVERLAYS_FETCH_TIMEOUT ?? '10');
  const tty = process.stderr.isTTY === true;
  return new ChartService({
    store: new DiskChartStore(chartCacheDir()),
    http: offline ? undefined : new NodeHttpClient(),
    offline,
    ca,
    timeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 10) * 1000,
    maxAgeMs: 3600_000,
    credentials: credentialsFrom(registryConfigTexts()),
    onProgress: tty ? (m) => err(`${m}...\n`) : undefined,
  });
}

export type EvalOptions = OverlayOptions & EffectiveValuesOptions & Pick<PipelineOptions, 'build'>;

/** The folder holding `.git` above `dir`, if any (GitRepository chart paths resolve there). */
function repositoryRoot(fs: FileSystem, dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.stat(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Engine options from the flags values, diff and promotion-diff share. Throws UsageError. */
export function evalOptions(
  args: ParsedArgs,
  fs: FileSystem,
  err: (s: string) => void,
  dirs: string[] = [],
): EvalOptions {
  const lr = (lastValue(args, 'load-restrictor') ?? 'rootonly')
    .toLowerCase()
    .replace(/^loadrestrictions/, '');
  if (lr !== 'rootonly' && lr !== 'none')
    throw new UsageError(
      `--load-restrictor must be rootonly or none (got ${lastValue(args, 'load-restrictor')})`,
    );
  const cache = new ParseCache();
  let variables: Variables | undefined;
  const profile = lastValue(args, 'profile');
  if (profile !== undefined) {
    const loaded = loadProfile(fs, path.resolve(profile));
    for (const p of loaded.problems) err(problemLine(p) + '\n');
    if (loaded.problems.some((p) => p.code === 'profile-missing'))
      throw new UsageError(`--profile ${profile}: no such file`);
    variables = loaded.variables;
  }
  const charts = chartFlags(args, fs);
  const extraRoots = (args.values.get('extra-root') ?? []).map((r) => {
    const abs = path.resolve(r);
    if (fs.stat(abs) !== 'dir') throw new UsageError(`--extra-root ${r}: no such folder`);
    return abs;
  });
  const sourceRoots = [
    ...new Set(
      dirs.map((d) => repositoryRoot(fs, path.resolve(d))).filter((d): d is string => !!d),
    ),
  ];
  return {
    cache,
    loadRestrictor: (lr === 'none' ? 'None' : 'RootOnly') as LoadRestrictor,
    variables,
    showSecrets: args.flags.has('show-secrets'),
    charts: charts.length ? charts : undefined,
    externalLookup: extraRoots.length ? externalLookupFor(fs, extraRoots, cache) : undefined,
    helmRepositoryCache: helmRepositoryCache(process.env, os.homedir(), process.platform),
    // not in a git repository: no root known (the repository is then found by name)
    sourceRoots: sourceRoots.length ? sourceRoots : undefined,
  };
}

/** `NS/NAME` (or `NAME`, any namespace) as a release filter. */
export function releaseFilter(
  spec: string | undefined,
): ((ns: string, name: string) => boolean) | undefined {
  if (spec === undefined) return undefined;
  const i = spec.indexOf('/');
  if (i < 0) return (_ns, name) => name === spec;
  const ns = spec.slice(0, i);
  const name = spec.slice(i + 1);
  return (n, m) => n === ns && m === name;
}

/**
 * Fetches (or finds in the cache) the chart of every HelmRelease the overlays in `dirs` render,
 * then points `options` at them (chartLookup) and at the builds made on the way (build), so the
 * values computed next neither fetch nor build again.
 */
export async function prepareCharts(
  charts: ChartService,
  fs: FileSystem,
  dirs: readonly string[],
  options: EvalOptions,
): Promise<void> {
  const builds = new Map<string, BuildResult>();
  const build = (dir: string): BuildResult => {
    let b = builds.get(dir);
    if (!b)
      builds.set(
        dir,
        (b = buildKustomization(fs, dir, {
          loadRestrictor: options.loadRestrictor,
          cache: options.cache,
        })),
      );
    return b;
  };
  for (const dir of dirs) {
    const abs = path.resolve(dir);
    if (fs.stat(abs) !== 'dir') continue;
    await charts.prepare(
      runOverlay(fs, abs, { ...options, manifestsOnly: true, build }).objects.map(
        (o) => o.node as YMap,
      ),
      isHelmRelease,
    );
  }
  options.build = build;
  options.chartLookup = (release, docs) => charts.lookup(release, docs);
}

/**
 * Whether a problem goes to stderr: not infos, except that a chart which could not be read is
 * always said (the values lack its defaults), once per chart rather than once per release or
 * folder (`said` remembers them across a run).
 */
export function shouldReport(p: Problem, said: Set<string>): boolean {
  if (p.code === 'chart-not-found' || p.code === 'chart-fetch' || p.code === 'chart-unreadable') {
    const chart = String(p.data?.chart ?? p.message);
    if (said.has(chart)) return false;
    said.add(chart);
    return true;
  }
  return p.severity !== 'info';
}

/** The first build error of an overlay as one line, or undefined when it built. */
export function buildError(r: OverlayRun): string | undefined {
  if (!r.failed) return undefined;
  return r.problems
    .filter((p) => p.severity === 'error')
    .map((p) => formatProblem(p))
    .join('\n');
}

export async function runValues(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError(VALUES_USAGE);
  const fs = new DiskFileSystem();
  const options: EvalOptions = {
    ...evalOptions(args, fs, err, args.positionals),
    releaseFilter: releaseFilter(lastValue(args, 'release')),
  };
  // charts: fetch (or find in the cache) every chart the overlays' releases ask for, then compute
  await prepareCharts(cliChartService(args, err), fs, args.positionals, options);
  const json = args.flags.has('json');
  const result: Record<string, unknown> = {};
  const texts: string[] = [];
  let failed = false;
  const chartsSaid = new Set<string>();
  for (const dir of args.positionals) {
    const abs = path.resolve(dir);
    if (fs.stat(abs) !== 'dir') {
      failed = true;
      const msg = `${dir}: no such folder`;
      result[dir] = { error: msg };
      err(`error: ${msg}\n`);
      continue;
    }
    const r = runOverlay(fs, abs, options);
    for (const p of r.problems) if (shouldReport(p, chartsSaid)) err(problemLine(p) + '\n');
    const be = buildError(r);
    if (be) {
      failed = true;
      result[dir] = { error: be };
      continue;
    }
    if (r.problems.some((p) => p.severity === 'error')) failed = true;
    if (!options.variables && r.references.length) {
      err(
        `info: ${dir}: no --profile, \${VAR} kept as written: ${[...new Set(r.references.map((v) => v.name))].sort().join(', ')}\n`,
      );
    }
    const rels = r.releases;
    const spec = lastValue(args, 'release');
    if (spec !== undefined && rels.length === 0) {
      failed = true;
      const msg = `no HelmRelease ${spec} in ${dir}`;
      result[dir] = { error: msg };
      err(`error: ${msg}\n`);
      continue;
    }
    const entry: Record<string, unknown> = {};
    for (const rel of rels) {
      entry[`${rel.namespace}/${rel.name}`] = emitJS(rel.values, {
        showSecrets: options.showSecrets,
      });
      texts.push(
        `# ${dir}: HelmRelease ${rel.namespace ? rel.namespace + '/' : ''}${rel.name}\n${emitYaml(rel.values, { showOrigin: args.flags.has('show-origin'), describeOrigin, showSecrets: options.showSecrets })}`,
      );
    }
    result[dir] = entry;
  }
  if (json) out(JSON.stringify(result, null, 2) + '\n');
  else out(texts.join('---\n'));
  return failed ? 1 : 0;
}

/** `--chart PATH`s (a chart folder or .tgz each), absolute; a missing one is a usage error. */
export function chartFlags(args: ParsedArgs, fs: FileSystem): { path: string }[] {
  return (args.values.get('chart') ?? []).map((c) => {
    const abs = path.resolve(c);
    if (!fs.stat(abs)) throw new UsageError(`--chart ${c}: no such file or folder`);
    return { path: abs };
  });
}

export const SHARED_VALUES = ['profile', 'chart', 'extra-root', 'load-restrictor'];

registerCommand('values', {
  flags: ['json', 'show-origin', 'show-secrets', 'offline', 'help'],
  values: ['release', ...SHARED_VALUES],
  usage: VALUES_USAGE,
  run: runValues,
});
