// kustomize-*: the build errors of the overlays a file belongs to, placed on the line of this
// file that caused them; and (buildErrorsOutside, for `check PATH`) the build errors of the
// overlays among the checked files that lie in files outside them. Filtered by the problem's
// code, never by its message: a YAML syntax error the file already shows (`yaml-syntax`), and a
// missing path missingFiles already reports on its entry (`missing-file`, `missing-resource` on
// a line it flagged).

import * as path from 'path';
import { KUSTOMIZATION_FILE_NAMES } from '../../engine/kustomize/loader';
import { Problem } from '../../engine/problem';
import { getString } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { missingFiles } from './missingFiles';
import { SYNTAX } from './yamlSyntax';
import { CheckContext, FileDiagnostic, placeIn } from './types';

/** Build problem codes of a path that does not exist (engine/kustomize loader and build). */
const MISSING_PATH_CODES = new Set(['missing-file', 'missing-resource']);

function asDiagnostic(p: Problem, dir: string, file: string): FileDiagnostic {
  return {
    span: placeIn(p.span, file),
    severity: 'error',
    code: `kustomize-${p.code}`,
    step: p.step,
    message: `kustomize build ${path.posix.basename(dir)}: ${p.message}`,
  };
}

/** Build errors of the overlays this file belongs to, placed in this file. */
export function buildErrors(ctx: CheckContext): FileDiagnostic[] {
  const { index, file, isKust } = ctx;
  const out: FileDiagnostic[] = [];
  // the lines where missingFiles reports a path that does not exist
  const reported = new Set<number>();
  if (isKust)
    for (const d of ctx.parsed.documents)
      if (d.root && !ctx.broken.has(d))
        for (const m of missingFiles(index, d.root, file)) reported.add(m.span.line);
  const dirs = new Set<string>(index.readersOf(file));
  if (isKust) dirs.add(path.posix.dirname(file));
  for (const dir of dirs) {
    if (!isBuildable(index, dir)) continue;
    const b = index.build(dir);
    for (const p of b.problems) {
      if (p.severity !== 'error') continue;
      if (p.span?.file !== file) continue;
      // a YAML syntax error of this file: already shown by the yaml-syntax check
      if (ctx.hasSyntaxError && p.code === SYNTAX) continue;
      // missing files are reported on their entry by missingFiles
      if (isKust && MISSING_PATH_CODES.has(p.code) && reported.has(p.span.line)) continue;
      out.push(asDiagnostic(p, dir, file));
    }
  }
  return out;
}

/**
 * Build errors of the overlays among `files` that lie in files outside `files` (a component
 * cycle in a component folder next to the overlay, a broken base): `check PATH` reports each
 * file's own diagnostics, so without these it would pass an overlay whose build fails. Each
 * error is placed at its own file and line (the kustomization file when it names none).
 */
export function buildErrorsOutside(
  index: WorkspaceIndex,
  files: readonly string[],
): FileDiagnostic[] {
  const checked = new Set(files);
  const out: FileDiagnostic[] = [];
  for (const file of files) {
    if (!KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file))) continue;
    const dir = path.posix.dirname(file);
    if (!isBuildable(index, dir)) continue;
    try {
      for (const p of index.build(dir).problems) {
        if (p.severity !== 'error' || (p.span !== undefined && checked.has(p.span.file))) continue;
        out.push(asDiagnostic(p, dir, file));
      }
    } catch (e) {
      out.push({
        span: { file, line: 1, col: 1, endLine: 1, endCol: 1 },
        severity: 'warning',
        message: `internal error while building ${dir}: ${(e as Error).message}`,
        code: 'internal',
      });
    }
  }
  const seen = new Set<string>();
  return out.filter((d) => {
    const k = `${d.span.file}:${d.span.line}:${d.span.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Components (kind: Component) are not built on their own; neither are folders without a kustomization. */
export function isBuildable(index: WorkspaceIndex, dir: string): boolean {
  if (!index.kustomizationDirs.has(dir)) return false;
  for (const n of KUSTOMIZATION_FILE_NAMES) {
    const parsed = index.parse(path.posix.join(dir, n));
    if (parsed) return getString(parsed.documents[0]?.root, 'kind') !== 'Component';
  }
  return false;
}
