// values-unread: a hint on a key in a HelmRelease's spec.values that no template of its chart
// (or subcharts) reads (see ide/valueReads.ts for what counts as read).

import { isRead } from '../../engine/render/valueReads';
import { YNode, get, isMap } from '../../engine/yaml/node';
import { valuesPlace } from '../context';
import { chartReads } from '../valueReads';
import { PathSeg } from '../yamlText';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic } from './types';

export function unreadValuesCheck(ctx: CheckContext): FileDiagnostic[] {
  return unreadValuesDiagnostics(ctx.index, ctx.file, ctx.docs);
}

/** Hints on keys of a HelmRelease's spec.values that no template of its chart reads. */
export function unreadValuesDiagnostics(
  index: WorkspaceIndex,
  file: string,
  docs: readonly (YNode | undefined)[],
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  for (const root of docs) {
    if (!isMap(root)) continue;
    const kind = get(root, 'kind');
    if (kind?.kind !== 'scalar' || kind.value !== 'HelmRelease') continue;
    const name = get(get(root, 'metadata'), 'name');
    const values = get(get(root, 'spec'), 'values');
    if (!isMap(values)) continue;
    const header = {
      kind: 'HelmRelease',
      ...(name?.kind === 'scalar' && typeof name.value === 'string' ? { name: name.value } : {}),
    };
    const place = valuesPlace(file, header as never, ['spec', 'values']);
    if (!place) continue;
    const charts = chartReads(index, file, place);
    if (charts.length === 0) continue;
    const visit = (n: YNode, at: PathSeg[]) => {
      if (!isMap(n)) return;
      for (const p of n.pairs) {
        const key = [...at, p.key];
        const readBy = charts.filter((c) => isRead(c.reads, key));
        if (readBy.length === 0) {
          const o = p.keyOrigin ?? p.value.origin;
          if (!o || o.file !== file) continue;
          out.push({
            span: { file, line: o.line, col: o.col, endLine: o.line, endCol: o.col + p.key.length },
            severity: 'hint',
            code: 'values-unread',
            message: `\`${key.join('.')}\`: no template of chart ${charts.map((c) => `\`${c.chart.name}\``).join(', ')} (or its subcharts) reads this key, so it changes nothing`,
          });
          continue;
        }
        visit(p.value, key);
      }
    };
    visit(values, []);
  }
  return out;
}
