// Where a file sits in a Helm chart kept in the workspace (`charts/<name>/`, a GitRepository or
// Bucket chart): files under the chart's `templates/` (manifests, `_helpers.tpl`, `NOTES.txt`,
// tests) are Go templates, not YAML documents, and are neither parsed nor validated; CRDs under
// `crds/` are plain YAML unless they carry template actions. `Chart.yaml`, `values.yaml` and
// `values.schema.json` are the chart's own files and get chart-aware treatment.

import * as path from 'path';
import { FileSystem } from '../fs';

export type ChartFileRole =
  'template' | 'chart-yaml' | 'values' | 'ci-values' | 'values-schema' | 'other';

/** The chart folder holding `file` (nearest folder above with a Chart.yaml), or undefined. */
export function chartRootOf(fs: FileSystem, file: string, maxDepth = 12): string | undefined {
  let d = path.posix.dirname(file);
  for (let i = 0; i < maxDepth; i++) {
    if (fs.stat(path.posix.join(d, 'Chart.yaml')) === 'file') return d;
    const up = path.posix.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
  return undefined;
}

/** What `file` is to the chart holding it; undefined when it is in no chart. */
export function chartFileRole(
  fs: FileSystem,
  file: string,
): { root: string; role: ChartFileRole } | undefined {
  // Fast path: most files of a workspace are not in a chart, and template files are recognised
  // by a `templates` folder whose parent holds Chart.yaml (charts nest: the innermost wins).
  const parts = file.split('/');
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] !== 'templates') continue;
    const root = parts.slice(0, i).join('/');
    if (fs.stat(`${root}/Chart.yaml`) === 'file') return { root, role: 'template' };
  }
  const root = chartRootOf(fs, file);
  if (!root) return undefined;
  const rel = path.posix.relative(root, file);
  if (rel === 'Chart.yaml') return { root, role: 'chart-yaml' };
  if (rel === 'values.yaml' || rel === 'values.yml') return { root, role: 'values' };
  if (rel === 'values.schema.json') return { root, role: 'values-schema' };
  if (/^ci\/[^/]+\.ya?ml$/.test(rel)) return { root, role: 'ci-values' };
  if (/^crds\//.test(rel) && (fs.readFile(file) ?? '').includes('{{'))
    return { root, role: 'template' };
  return { root, role: 'other' };
}

/** True for a file Helm renders as a template: not a YAML document of the repository. */
export function isChartTemplate(fs: FileSystem, file: string): boolean {
  // A template sits below a `templates` or `crds` folder of its chart: any other file needs no
  // look for a Chart.yaml in every folder above it (check asks this of every file, twice).
  if (!file.includes('/templates/') && !file.includes('/crds/')) return false;
  return chartFileRole(fs, file)?.role === 'template';
}
