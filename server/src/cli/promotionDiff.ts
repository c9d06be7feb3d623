// `flux-overlays promotion-diff [--repo PATH] [--from main] [--to production] [--overlay NAME]
// [--format text|markdown|json] [--manifests]`: what merging `from` into `to` changes in each
// component's overlays (every overlay that differs, `production` first; `--overlay` limits it to
// one name; with --manifests, also the objects each HelmRelease's chart installs), read from git
// objects only (no checkout; working tree, index and refs untouched). Values include chart
// defaults as in `values` (fetched unless --offline).
// Exit 0 with a report (changes or not), 2 on error (unknown branch, not a repository...) and
// when an overlay fails to build after the merge (the report is printed first).

import {
  ComponentChange,
  GitRepository,
  PromotionDiff,
  isGitError,
  promotionDiff,
  DiskFileSystem,
  isHelmRelease,
  YMap,
} from '../engine';
import { ParsedArgs, UsageError, lastValue } from './args';
import { registerCommand } from './main';
import { CLUSTER_PROMOTION_USAGE, runClusterPromotion } from './cluster';
import { SHARED_VALUES, cliChartService, evalOptions } from './values';
import { problemLine } from './problems';

export const PROMOTION_USAGE = `usage: flux-overlays promotion-diff [--repo PATH] [--from main] [--to production] [--overlay NAME] [--format text|markdown|json] [--manifests] [--profile FILE] [--chart PATH] [--offline] [--show-secrets]`;

const STATUS_TEXT: Record<ComponentChange['status'], string> = {
  modified: 'changed',
  added: 'added',
  deleted: 'deleted',
  renamed: 'renamed',
  'overlay-added': 'overlay added',
  'overlay-deleted': 'overlay deleted',
};

function title(c: ComponentChange): string {
  return c.previousName ? `${c.previousName} -> ${c.component}` : c.component;
}

export function formatText(d: PromotionDiff): string {
  const lines = [
    `promotion ${d.from} (${d.fromCommit.slice(0, 12)}) -> ${d.to} (${d.toCommit.slice(0, 12)})${d.overlay ? `, overlay per component: ${d.overlay}` : ', every overlay that differs'}`,
  ];
  if (d.conflicts.length)
    lines.push(
      `merge conflicts (files carry conflict markers after the merge): ${d.conflicts.join(', ')}`,
    );
  if (d.failing.length) lines.push(`fails to build after the merge: ${d.failing.join(', ')}`);
  if (d.changes.length === 0) lines.push('no component changes');
  for (const c of d.changes)
    lines.push(
      `  ${STATUS_TEXT[c.status].padEnd(16)} ${title(c)} [${c.overlay}]${c.changed.length ? ` (${c.changed.join(', ')})` : ''}`,
    );
  if (d.unchanged.length) lines.push(`unchanged: ${d.unchanged.join(', ')}`);
  let out = lines.join('\n') + '\n';
  for (const c of d.changes) {
    out += `\n=== ${title(c)} [${c.overlay}] ${STATUS_TEXT[c.status]}\n`;
    for (const p of c.problems) out += problemLine(p) + '\n';
    if (c.valuesDiff) out += `--- values\n${c.valuesDiff}`;
    if (c.manifestsDiff) out += `--- manifests\n${c.manifestsDiff}`;
  }
  return out;
}

function fence(text: string): string {
  const ticks = /```/.test(text) ? '~~~~' : '```';
  return `${ticks}diff\n${text}${text.endsWith('\n') ? '' : '\n'}${ticks}\n`;
}

export function formatMarkdown(d: PromotionDiff): string {
  let out = `### Promotion \`${d.from}\` → \`${d.to}\`\n\n`;
  out += `Merging \`${d.from}\` (${d.fromCommit.slice(0, 12)}) into \`${d.to}\` (${d.toCommit.slice(0, 12)}).\n\n`;
  if (d.conflicts.length)
    out += `> **Merge conflicts:** ${d.conflicts.map((c) => `\`${c}\``).join(', ')}\n\n`;
  if (d.failing.length)
    out += `> **Fails to build after the merge:** ${d.failing.map((c) => `\`${c}\``).join(', ')}\n\n`;
  if (d.changes.length === 0) out += 'No component changes.\n';
  else {
    out += '| Component | Overlay | Change | Releases |\n|---|---|---|---|\n';
    for (const c of d.changes)
      out += `| \`${title(c)}\` | ${c.overlay} | ${STATUS_TEXT[c.status]}${c.changed.length ? ` (${c.changed.join(', ')})` : ''} | ${c.releases.map((r) => `\`${r}\``).join(', ')} |\n`;
  }
  if (d.unchanged.length) out += `\nUnchanged: ${d.unchanged.map((u) => `\`${u}\``).join(', ')}\n`;
  for (const c of d.changes) {
    out += `\n<details><summary><code>${title(c)}</code> (${c.overlay}): ${STATUS_TEXT[c.status]}</summary>\n\n`;
    for (const p of c.problems) out += `- ${problemLine(p).replace(/\n/g, ' ')}\n`;
    if (c.valuesDiff) out += `**Values**\n\n${fence(c.valuesDiff)}\n`;
    if (c.manifestsDiff) out += `**Manifests**\n\n${fence(c.manifestsDiff)}\n`;
    out += '</details>\n';
  }
  return out;
}

export async function runPromotionDiff(
  args: ParsedArgs,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (args.positionals.length) throw new UsageError(PROMOTION_USAGE);
  if (args.values.has('cluster')) return runClusterPromotion(args, out, err);
  const format = lastValue(args, 'format') ?? 'text';
  if (!['text', 'markdown', 'json'].includes(format))
    throw new UsageError(`--format must be text, markdown or json (got ${format})`);
  const repoDir = lastValue(args, 'repo') ?? '.';
  const repo = GitRepository.open(repoDir);
  if (isGitError(repo)) {
    err(`flux-overlays promotion-diff: ${repo.error}\n`);
    return 2;
  }
  const fs = new DiskFileSystem();
  const tty = process.stderr.isTTY === true;
  // Chart defaults as `values` has them (fetched unless --offline). The overlays are built from
  // git objects inside promotionDiff, so the releases are known only once it ran: a first run
  // collects them, their charts are fetched (or read from the cache), and a second run uses them.
  const charts = cliChartService(args, err);
  const asked: YMap[][] = [];
  const run = (progress: boolean) =>
    promotionDiff(repo, {
      ...evalOptions(args, fs, err),
      from: lastValue(args, 'from') ?? 'main',
      to: lastValue(args, 'to') ?? 'production',
      overlay: lastValue(args, 'overlay'),
      chartLookup: (release, docs) => {
        const found = charts.lookup(release, docs);
        if (found === undefined) asked.push(docs as YMap[]);
        return found;
      },
      manifests: args.flags.has('manifests'),
      chartArchive: (source) => charts.archive(source),
      chartFs: fs,
      onProgress:
        progress && tty
          ? (done, total, name) =>
              err(`\r\x1b[K${done}/${total} ${name}${done === total ? '\n' : ''}`)
          : undefined,
    });
  let result = run(asked.length === 0);
  if (!isGitError(result) && asked.length) {
    const found = () => charts.summary().filter((x) => !('error' in x.result)).length;
    const known = found();
    for (const docs of asked.splice(0)) await charts.prepare(docs, isHelmRelease);
    // charts that could not be read change nothing the report keeps (it keeps errors only)
    if (found() > known) result = run(true);
  }
  if (isGitError(result)) {
    err(`flux-overlays promotion-diff: ${result.error}\n`);
    return 2;
  }
  for (const c of result.changes)
    for (const p of c.problems) err(`${c.component}: ${problemLine(p)}\n`);
  // the report keeps errors only; a chart that could not be read is said here (its defaults are missing)
  for (const { result: r } of charts.summary())
    if ('error' in r)
      err(
        `${r.offline ? 'info' : 'warning'}: chart ${r.error}; values shown without the chart's defaults\n`,
      );
  if (result.conflicts.length)
    err(
      `warning: merging ${result.from} into ${result.to} conflicts in ${result.conflicts.join(', ')}\n`,
    );
  if (format === 'json') out(JSON.stringify(result, null, 2) + '\n');
  else if (format === 'markdown') out(formatMarkdown(result));
  else out(formatText(result));
  if (result.failing.length) {
    err(
      `flux-overlays promotion-diff: after merging ${result.from} into ${result.to}, the ${result.changes[0]?.overlay ?? 'production'} overlay of ${result.failing.join(', ')} fails to build${result.conflicts.length ? ' (the merge conflicts)' : ''}\n`,
    );
    return 2;
  }
  return 0;
}

registerCommand('promotion-diff', {
  flags: ['show-secrets', 'assume-propagated', 'offline', 'manifests', 'help'],
  values: ['repo', 'from', 'to', 'overlay', 'format', 'cluster', 'source', ...SHARED_VALUES],
  usage: `${PROMOTION_USAGE}\n${CLUSTER_PROMOTION_USAGE}`,
  run: runPromotionDiff,
});
