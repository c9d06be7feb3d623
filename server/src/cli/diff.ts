// `flux-overlays diff DIR_A DIR_B [--manifests] [--offline]`: what differs between two overlays,
// as a unified diff: the effective values of each HelmRelease, chart defaults included as in
// `values` (fetched unless --offline); with --manifests, every object of the overlay and every
// object each HelmRelease's chart installs, post-rendered as helm-controller does. Exit 0 when
// equal, 1 when they differ, 2 on error, like diff(1).

import * as path from 'path';
import {
  DiskFileSystem,
  FileSystem,
  Chart,
  diffPairs,
  manifestTexts,
  runOverlay,
  pairTexts,
  releaseManifestTexts,
  releaseTexts,
  renderReleaseManifests,
} from '../engine';
import { ParsedArgs, UsageError } from './args';
import { registerCommand } from './main';
import {
  SHARED_VALUES,
  buildError,
  cliChartService,
  evalOptions,
  prepareCharts,
  shouldReport,
} from './values';
import { problemLine } from './problems';

export const DIFF_USAGE = `usage: flux-overlays diff DIR_A DIR_B [--manifests] [--profile FILE] [--chart PATH] [--extra-root DIR] [--offline] [--show-secrets]`;

export async function runDiff(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (args.positionals.length !== 2) throw new UsageError(DIFF_USAGE);
  const fs = new DiskFileSystem();
  const options = evalOptions(args, fs, err, args.positionals);
  // chart defaults on both sides, as `values` has them (fetched unless --offline)
  const charts = cliChartService(args, err);
  await prepareCharts(charts, fs, args.positionals, options);
  const chartsSaid = new Set<string>();
  const sides = args.positionals.map((dir) => {
    if (fs.stat(path.resolve(dir)) !== 'dir') return { dir, error: `${dir}: no such folder` };
    const r = runOverlay(fs, path.resolve(dir), options);
    for (const p of r.problems) if (shouldReport(p, chartsSaid)) err(problemLine(p) + '\n');
    const e = buildError(r);
    return e ? { dir, error: e } : { dir, r };
  });
  let failed = false;
  for (const s of sides) {
    if ('error' in s) {
      err(`flux-overlays diff: ${s.dir} does not build:\n${s.error}\n`);
      failed = true;
    }
  }
  if (failed) return 2;
  const [a, b] = sides.map((s) => ('r' in s ? s.r! : undefined)!);
  const manifests = args.flags.has('manifests');
  // With --manifests, the objects each HelmRelease installs (its chart rendered and post-rendered) too.
  const chartCache = new WeakMap<FileSystem, Map<string, Chart>>();
  const objectTexts = (r: typeof a) =>
    new Map([
      ...manifestTexts(r, options.showSecrets),
      ...releaseManifestTexts(
        renderReleaseManifests(fs, r, {
          ...options,
          showSecrets: true,
          chartCache,
          // fetched charts render from their archive in the chart cache
          chartArchive: (source) => charts.archive(source),
        }),
        options.showSecrets,
      ),
    ]);
  const pairs = manifests
    ? pairTexts(objectTexts(a), objectTexts(b))
    : pairTexts(releaseTexts(a, options.showSecrets), releaseTexts(b, options.showSecrets));
  const text = diffPairs(pairs, args.positionals[0], args.positionals[1]);
  out(text);
  return text ? 1 : 0;
}

registerCommand('diff', {
  flags: ['manifests', 'show-secrets', 'offline', 'help'],
  values: SHARED_VALUES,
  usage: DIFF_USAGE,
  run: runDiff,
});
