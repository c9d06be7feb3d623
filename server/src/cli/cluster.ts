// `flux-overlays cluster DIR [--source URL[@REF]=PATH]... [--json] [--manifests] [--show-origin]
// [--show-secrets] [--chart PATH]... [--offline] [--assume-propagated] [--strict] [--release NS/NAME]`:
// what the cluster whose entry folder is DIR gets: the Kustomizations and ResourceSets that
// apply (with the folder each one built), every object with the chain that produced it, and the
// effective values of every HelmRelease, origins across repositories, with chart defaults as
// `values` has them (charts fetched from HelmRepository/OCI sources unless --offline). Problems
// go to stderr.
// Exit 0 when nothing failed, 1 when something did, 2 on usage errors.

import * as os from 'os';
import * as path from 'path';
import {
  ApplierRef,
  describeApplier,
  evaluateCluster,
  parseSourceArg,
  DiskFileSystem,
  clusterPromotionDiff,
  GitRepository,
  isGitError,
  helmRepositoryCache,
  emitDocuments,
  emitYaml,
  YMap,
  get,
  getString,
  toJS,
  isHelmRelease,
} from '../engine';
import { ParsedArgs, UsageError, lastValue } from './args';
import { describeOrigin, rel } from './format';
import { registerCommand } from './main';
import { clusterProblemLine, problemJson } from './problems';
import { chartFlags, cliChartService, releaseFilter } from './values';

export const CLUSTER_USAGE = `usage: flux-overlays cluster DIR [--source URL[@REF]=PATH | Kind/NS/NAME=PATH]... [--json] [--manifests] [--show-origin] [--show-secrets] [--release NS/NAME] [--chart PATH]... [--offline] [--assume-propagated] [--strict]`;

function chainText(chain: readonly ApplierRef[]): string {
  return chain.map(describeApplier).join(' > ');
}

export async function runCluster(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError(CLUSTER_USAGE);
  const fs = new DiskFileSystem();
  const dir = args.positionals[0];
  const abs = path.resolve(dir).split(path.sep).join('/');
  if (fs.stat(abs) !== 'dir') {
    err(`error: ${dir}: no such folder\n`);
    return 1;
  }
  const sources = (args.values.get('source') ?? []).map((s) => {
    const m = parseSourceArg(s, process.cwd());
    if (!m) throw new UsageError(`--source ${s}: expected URL=PATH or Kind/namespace/name=PATH`);
    if (fs.stat(m.path) !== 'dir') throw new UsageError(`--source ${s}: ${m.path} is not a folder`);
    return m;
  });
  const charts = chartFlags(args, fs);
  const showSecrets = args.flags.has('show-secrets');
  // Chart defaults as `values` has them: the releases are known once the cluster is evaluated,
  // so a first run collects the objects they were found among, their charts are fetched (or read
  // from the cache, --offline: the cache only), and a second run uses them.
  const service = cliChartService(args, err);
  const asked = new Set<readonly YMap[]>();
  const evaluate = () =>
    evaluateCluster(fs, abs, {
      sources,
      showSecrets,
      strict: args.flags.has('strict'),
      assumePropagated: args.flags.has('assume-propagated'),
      values: {
        charts: charts.length ? charts : undefined,
        helmRepositoryCache: helmRepositoryCache(process.env, os.homedir(), process.platform),
        releaseFilter: releaseFilter(lastValue(args, 'release')),
        chartLookup: (release, docs) => {
          const found = service.lookup(release, docs);
          if (found === undefined) asked.add(docs);
          return found;
        },
      },
    });
  let r = evaluate();
  if (asked.size) {
    for (const docs of [...asked]) await service.prepare(docs, isHelmRelease);
    asked.clear();
    if (service.summary().length) r = evaluate();
  }
  const chartsSaid = new Set<string>();
  for (const p of r.problems) {
    if (p.code === 'chart-not-found' || p.code === 'chart-fetch' || p.code === 'chart-unreadable') {
      const chart = String(p.data?.chart ?? p.message);
      if (chartsSaid.has(chart)) continue;
      chartsSaid.add(chart);
    }
    err(clusterProblemLine(p) + '\n');
  }
  const failed = r.problems.some((p) => p.severity === 'error');
  const showOrigin = args.flags.has('show-origin');
  if (args.flags.has('json')) {
    out(
      JSON.stringify(
        {
          entry: dir,
          appliers: r.appliers.map((a) => ({
            kind: a.ref.kind,
            namespace: a.ref.namespace,
            name: a.ref.name,
            status: a.status,
            chain: a.chain.map(describeApplier),
            dir: a.dir && rel(a.dir),
            source: a.source && { ...a.source, path: a.source.path && rel(a.source.path) },
            objects: a.objectCount,
            dependsOn: a.dependsOn,
          })),
          objects: r.objects.map((o) => ({
            apiVersion: getString(o.node, 'apiVersion'),
            kind: getString(o.node, 'kind'),
            namespace: getString(get(o.node, 'metadata'), 'namespace'),
            name: getString(get(o.node, 'metadata'), 'name'),
            chain: o.chain.map(describeApplier),
            ...(o.node.origin
              ? { origin: `${rel(o.node.origin.file)}:${o.node.origin.line}` }
              : {}),
            object: toJS(o.node),
          })),
          releases: r.releases.map((x) => ({
            namespace: x.namespace,
            name: x.name,
            chain: x.chain.map(describeApplier),
            chart: { name: x.chart.name, version: x.chart.version, found: x.chart.found },
            values: toJS(x.values),
          })),
          problems: r.problems.map(problemJson),
        },
        null,
        2,
      ) + '\n',
    );
    return failed ? 1 : 0;
  }
  if (args.flags.has('manifests')) {
    out(
      emitDocuments(
        r.objects.map((o) => o.node),
        { showOrigin, describeOrigin },
      ),
    );
    return failed ? 1 : 0;
  }
  const lines: string[] = [
    `# Cluster ${dir}: ${r.objects.length} objects, ${r.releases.length} HelmReleases`,
    '',
    '## Appliers',
  ];
  for (const a of r.appliers) {
    const depth = '  '.repeat(a.chain.length);
    const where = a.dir
      ? ` -> ${rel(a.dir)}${a.source?.mappedBy ? ` (${a.source.kind} ${a.source.url ?? a.source.name}${a.source.ref ? ` ${a.source.ref}` : ''}: ${a.source.mappedBy})` : ''}`
      : '';
    lines.push(
      `${depth}- ${describeApplier(a.ref)} [${a.status}] ${a.objectCount} objects${where}`,
    );
  }
  lines.push('', '## Objects');
  for (const o of r.objects) {
    const meta = get(o.node, 'metadata');
    const ns = getString(meta, 'namespace');
    lines.push(
      `- ${getString(o.node, 'kind')} ${ns ? ns + '/' : ''}${getString(meta, 'name')}  <- ${chainText(o.chain)}${o.node.origin ? `  (${rel(o.node.origin.file)}:${o.node.origin.line})` : ''}`,
    );
  }
  out(lines.join('\n') + '\n');
  for (const x of r.releases) {
    out(
      `\n## HelmRelease ${x.namespace ? x.namespace + '/' : ''}${x.name}  <- ${chainText(x.chain)}\n`,
    );
    out(emitYaml(x.values, { showOrigin, describeOrigin }));
  }
  return failed ? 1 : 0;
}

registerCommand('cluster', {
  flags: [
    'json',
    'manifests',
    'show-origin',
    'show-secrets',
    'assume-propagated',
    'strict',
    'offline',
    'help',
  ],
  values: ['source', 'chart', 'release'],
  usage: CLUSTER_USAGE,
  run: runCluster,
});

export const CLUSTER_PROMOTION_USAGE = `usage: flux-overlays promotion-diff --cluster DIR [--repo PATH] [--from main] [--to production] [--source URL[@REF]=PATH]... [--assume-propagated] [--chart PATH]... [--offline] [--format text|json] [--show-secrets]`;

/**
 * `promotion-diff --cluster DIR`: what merging --from into --to of --repo changes for one
 * cluster. Values include chart defaults as `promotion-diff` has them (fetched unless --offline).
 */
export async function runClusterPromotion(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const dir = lastValue(args, 'cluster')!;
  const abs = path.resolve(dir).split(path.sep).join('/');
  const fs = new DiskFileSystem();
  if (fs.stat(abs) !== 'dir') {
    err(`flux-overlays promotion-diff: --cluster ${dir}: no such folder\n`);
    return 2;
  }
  const repo = GitRepository.open(path.resolve(lastValue(args, 'repo') ?? '.'));
  if (isGitError(repo)) {
    err(`flux-overlays promotion-diff: ${repo.error}\n`);
    return 2;
  }
  const format = lastValue(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json with --cluster (got ${format})`);
  const sources = (args.values.get('source') ?? []).map((s) => {
    const m = parseSourceArg(s, process.cwd());
    if (!m) throw new UsageError(`--source ${s}: expected URL=PATH or Kind/namespace/name=PATH`);
    return m;
  });
  const from = lastValue(args, 'from') ?? 'main';
  const to = lastValue(args, 'to') ?? 'production';
  const chartPaths = chartFlags(args, fs);
  // Chart defaults as promotion-diff has them: the releases are known once both sides are
  // evaluated, so a first run collects them, their charts are fetched (or read from the cache,
  // --offline: the cache only), and a second run uses them.
  const charts = cliChartService(args, err);
  const asked: YMap[][] = [];
  const run = () =>
    clusterPromotionDiff(repo, fs, abs, {
      from,
      to,
      sources,
      showSecrets: args.flags.has('show-secrets'),
      assumePropagated: args.flags.has('assume-propagated'),
      values: {
        charts: chartPaths.length ? chartPaths : undefined,
        helmRepositoryCache: helmRepositoryCache(process.env, os.homedir(), process.platform),
        chartFs: fs,
        chartLookup: (release, docs) => {
          const found = charts.lookup(release, docs);
          if (found === undefined) asked.push(docs as YMap[]);
          return found;
        },
      },
    });
  let d = run();
  if (!isGitError(d) && asked.length) {
    const found = () => charts.summary().filter((x) => !('error' in x.result)).length;
    const known = found();
    for (const docs of asked.splice(0)) await charts.prepare(docs, isHelmRelease);
    if (found() > known) d = run();
  }
  if (isGitError(d)) {
    err(`flux-overlays promotion-diff: ${d.error}\n`);
    return 2;
  }
  for (const p of d.problems)
    if (p.severity !== 'info' && p.code !== 'chart-fetch') err(clusterProblemLine(p) + '\n');
  // a chart that could not be fetched is said once, here (the values lack its defaults)
  for (const { result: r } of charts.summary())
    if ('error' in r)
      err(
        `${r.offline ? 'info' : 'warning'}: chart ${r.error}; values shown without the chart's defaults\n`,
      );
  if (d.conflicts.length)
    err(`warning: merging ${from} into ${to} conflicts in ${d.conflicts.join(', ')}\n`);
  if (format === 'json') {
    out(JSON.stringify(d, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `promotion ${from} (${d.fromCommit.slice(0, 12)}) -> ${to} (${d.toCommit.slice(0, 12)}) on cluster ${dir}`,
  ];
  if (d.changes.length === 0) lines.push('no changes for this cluster');
  for (const c of d.changes)
    lines.push(`  ${c.status.padEnd(8)} ${c.kind === 'values' ? `values of ${c.what}` : c.what}`);
  let text = lines.join('\n') + '\n';
  for (const c of d.changes)
    text += `\n=== ${c.kind === 'values' ? `values of ${c.what}` : c.what} ${c.status}\n${c.diff}`;
  out(text);
  return 0;
}
