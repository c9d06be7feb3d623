// Values keys against the chart templates that read them (engine/render/valueReads.ts): the
// template lines a hover lists, the places Go to Definition goes, and the reads behind the hint
// on a key no template reads (diagnostics/unreadValues.ts). Keys below a value
// the templates read as a whole (`toYaml .Values.x`, `range $k, $v := .Values.x`, `index` with a
// computed key, a map handed to a function or helper) count as read: the chart may use any of
// them, so no hint there. Pure: charts are read through the index's FileSystem.

import { Chart as ValuesChart } from '../engine/charts/model';
import { Chart, loadChartDir } from '../engine/render/chart';
import { ValueRead, readsOf, valueReads } from '../engine/render/valueReads';
import { Origin } from '../engine/yaml/node';
import { chartsOf } from './completion';
import { Target, ValuesPlace } from './context';
import { WorkspaceIndex } from './workspaceIndex';

/** Template charts per values-side chart object (a new object when the chart changes). */
const templateCharts = new WeakMap<ValuesChart, Chart | null>();

function templateChart(index: WorkspaceIndex, c: ValuesChart): Chart | undefined {
  if (templateCharts.has(c)) return templateCharts.get(c) ?? undefined;
  let t: Chart | null;
  try {
    t = loadChartDir(index.fs, c.source);
  } catch {
    t = null;
  }
  templateCharts.set(c, t);
  return t ?? undefined;
}

/** The charts behind a values place with their reads. */
export function chartReads(
  index: WorkspaceIndex,
  file: string,
  place: ValuesPlace,
): { chart: ValuesChart; reads: ValueRead[] }[] {
  const out: { chart: ValuesChart; reads: ValueRead[] }[] = [];
  // Each overlay has its chart object; the same chart folder is listed once.
  const seen = new Set<string>();
  for (const c of chartsOf(index, file, place)) {
    if (seen.has(c.source)) continue;
    seen.add(c.source);
    const t = templateChart(index, c);
    if (t && t.templates.length) out.push({ chart: c, reads: valueReads(t) });
  }
  return out;
}

const MAX_LINES = 12;

/** Markdown listing the template lines that read the key at `place` (empty when no chart is at hand). */
export function templateReadsMarkdown(
  index: WorkspaceIndex,
  file: string,
  place: ValuesPlace,
): string {
  const parts: string[] = [];
  for (const { chart, reads } of chartReads(index, file, place)) {
    const found = readsOf(reads, place.valuesPath);
    const key = place.valuesPath.join('.');
    if (found.length === 0) {
      parts.push(`**${key}**: no template of chart \`${chart.name}\` reads it`);
      continue;
    }
    const lines = [...new Map(found.map((r) => [`${r.template}:${r.line}`, r])).values()];
    const shown = lines
      .slice(0, MAX_LINES)
      .map(
        (r) =>
          `- \`${r.template}:${r.line}\`${r.whole && r.path.length < place.valuesPath.length ? ` (reads \`${r.path.join('.') || '.Values'}\` as a whole)` : ''}`,
      );
    if (lines.length > MAX_LINES) shown.push(`- … ${lines.length - MAX_LINES} more`);
    parts.push(`**${key}** is read by chart \`${chart.name}\` at:\n\n${shown.join('\n')}`);
  }
  return parts.join('\n\n');
}

/** The template lines reading the key (with a file on disk), for Go to Definition. */
export function templateReadTargets(
  index: WorkspaceIndex,
  file: string,
  place: ValuesPlace,
): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const { reads } of chartReads(index, file, place)) {
    for (const r of readsOf(reads, place.valuesPath)) {
      if (!r.file || seen.has(`${r.file}:${r.line}`)) continue;
      // Whole reads of a parent are not where this key is read; list them only when nothing else is.
      seen.add(`${r.file}:${r.line}`);
      const origin: Origin = {
        file: r.file,
        line: r.line,
        col: r.col,
        endLine: r.line,
        endCol: r.col,
      };
      out.push({
        file: r.file,
        origin,
        ...(r.whole && r.path.length < place.valuesPath.length ? { whole: true } : {}),
      } as Target);
    }
  }
  const exact = out.filter((t) => !(t as { whole?: boolean }).whole);
  return (exact.length ? exact : out).map((t) => ({ file: t.file, origin: t.origin }));
}
