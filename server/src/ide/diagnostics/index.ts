// The diagnostics of one file, shared by the language server and `flux-overlays check`: one file
// per check (as rust-analyzer's ide-diagnostics), run in the order of CHECKS below.
// - yamlSyntax.ts: YAML syntax and duplicate keys, always (validation on or off)
// - per document (validation on): schema.ts (schema per document, patch files in partial mode),
//   missingFiles.ts (kustomization entries naming nothing), references.ts (valuesFrom,
//   sourceRef, chartRef, dependsOn to objects the overlay does not build)
// - per file (validation and build errors on): buildErrors.ts (kustomize build errors placed on
//   lines), patchTargets.ts, valuesKeyTypos.ts, valuesSchema.ts, unknownValuesKeys.ts,
//   substitution.ts (${VAR} against the cluster profile), unreadValues.ts
// Positions are 1-based like the engine's origins. Pure: reads through the index's FileSystem.

import * as path from 'path';
import { isChartTemplate } from '../../engine/charts/layout';
import { KUSTOMIZATION_FILE_NAMES } from '../../engine/kustomize/loader';
import { WorkspaceIndex } from '../workspaceIndex';
import { buildErrors } from './buildErrors';
import { missingFilesCheck } from './missingFiles';
import { patchTargetsCheck } from './patchTargets';
import { referencesCheck } from './references';
import { schemaDiagnostics } from './schema';
import { substitutionCheck } from './substitution';
import { CheckContext, DiagnosticCheck, DiagnosticOptions, FileDiagnostic } from './types';
import { unknownValuesKeysCheck } from './unknownValuesKeys';
import { unreadValuesCheck } from './unreadValues';
import { valuesKeyTyposCheck } from './valuesKeyTypos';
import { valuesSchemaCheck } from './valuesSchema';
import { SYNTAX, yamlSyntax } from './yamlSyntax';

export { buildErrorsOutside } from './buildErrors';
export { nearKey } from './valuesKeyTypos';
export type {
  CheckContext,
  DiagnosticCheck,
  DiagnosticOptions,
  FileDiagnostic,
  OverlayDiagnosticOptions,
} from './types';

/** The checks after YAML syntax, in the order they report. */
export const CHECKS: readonly DiagnosticCheck[] = [
  { name: 'schema', document: schemaDiagnostics },
  { name: 'missing-files', document: missingFilesCheck },
  { name: 'references', document: referencesCheck },
  { name: 'build-errors', file: buildErrors },
  { name: 'patch-targets', file: patchTargetsCheck },
  { name: 'values-key-typos', file: valuesKeyTyposCheck },
  { name: 'values-schema', file: valuesSchemaCheck },
  { name: 'unknown-values-keys', file: unknownValuesKeysCheck },
  { name: 'substitution', file: substitutionCheck },
  { name: 'unread-values', file: unreadValuesCheck },
];

/** Every diagnostic of `file` as the workspace stands. Never throws. */
export function computeDiagnostics(
  index: WorkspaceIndex,
  file: string,
  options: DiagnosticOptions,
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  try {
    // Go templates of a chart (templates/, templated crds/) are not YAML documents
    if (isChartTemplate(index.fs, file)) return out;
    const parsed = index.parse(file);
    if (!parsed) return out;
    const syntax = yamlSyntax(parsed, file);
    out.push(...syntax.diagnostics);
    if (!options.validation) return out;
    const ctx: CheckContext = {
      index,
      file,
      parsed,
      docs: parsed.documents.map((d) => d.root),
      isKust: KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file)),
      options,
      broken: syntax.broken,
      hasSyntaxError: out.some((d) => d.code === SYNTAX),
    };
    for (const d of parsed.documents) {
      if (!d.root || syntax.broken.has(d)) continue;
      for (const c of CHECKS) if (c.document) out.push(...c.document(ctx, d.root));
    }
    if (options.buildErrors !== false) for (const c of CHECKS) if (c.file) out.push(...c.file(ctx));
  } catch (e) {
    out.push({
      span: { file, line: 1, col: 1, endLine: 1, endCol: 1 },
      severity: 'warning',
      message: `internal error while checking this file: ${(e as Error).message}`,
      code: 'internal',
    });
  }
  return dedupe(out);
}

function dedupe(list: FileDiagnostic[]): FileDiagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.span.line}:${d.span.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
