// The types every diagnostics check shares: the diagnostic itself, the options of a run, and the
// small context a check reads (the index, the file, its parse). Positions are 1-based like the
// engine's origins.

import * as path from 'path';
import { PlacedProblem, Span } from '../../engine/problem';
import { Variables } from '../../engine/substitute/postBuild';
import { Origin, YNode } from '../../engine/yaml/node';
import { ParsedFile } from '../../engine/yaml/parse';
import { WorkspaceIndex } from '../workspaceIndex';

/**
 * A diagnostic is a Problem placed in the file it is reported for; `data` is for quick fixes:
 * `suggestion` (replace the range with it), `replacement` (apiVersion).
 */
export type FileDiagnostic = PlacedProblem & {
  data?: { suggestion?: string; replacement?: string; fieldsMap?: boolean };
};

export interface OverlayDiagnosticOptions {
  /** The selected cluster profile (fluxOverlays.clusterProfile) and its variables. */
  profile?: { name: string; variables: Variables };
}

export interface DiagnosticOptions {
  /** Schema validation on (fluxOverlays.validation.enable). YAML syntax is always reported. */
  validation: boolean;
  /** Build the overlays the file belongs to and report their errors in this file (default true). */
  buildErrors?: boolean;
  /** The selected cluster profile: `${VAR}` it does not set is reported. */
  profile?: OverlayDiagnosticOptions['profile'];
}

export type ParsedDocument = ParsedFile['documents'][number];

/** What a check reads: one file of the index, parsed, and what the YAML syntax check found. */
export interface CheckContext {
  index: WorkspaceIndex;
  file: string;
  parsed: ParsedFile;
  /** The parsed documents' roots, in order. */
  docs: readonly (YNode | undefined)[];
  /** The file is a kustomization file (kustomization.yaml, kustomization.yml, Kustomization). */
  isKust: boolean;
  options: DiagnosticOptions;
  /** Documents with a syntax error: what follows the error is its echo, not checked further. */
  broken: ReadonlySet<ParsedDocument>;
  /** The file has a YAML syntax error (so build errors repeating it are left out). */
  hasSyntaxError: boolean;
}

/**
 * One check: `document` runs on each document without a syntax error (when validation is on),
 * `file` once on the file (when validation and build errors are on). Checks run in list order.
 */
export interface DiagnosticCheck {
  name: string;
  document?: (ctx: CheckContext, root: YNode) => FileDiagnostic[];
  file?: (ctx: CheckContext) => FileDiagnostic[];
}

/** The range of an origin in `file` (line 1 when there is none). */
export function at(o: Origin | undefined, file: string): Pick<FileDiagnostic, 'span'> {
  if (!o) return { span: { file, line: 1, col: 1, endLine: 1, endCol: 1 } };
  return { span: { file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol } };
}

/** A problem's span as a full range (its own file when it names one; line 1 of `file` when it names none). */
export function placeIn(s: Span | undefined, file: string): FileDiagnostic['span'] {
  if (!s) return { file, line: 1, col: 1, endLine: 1, endCol: 1 };
  return {
    file: s.file,
    line: s.line,
    col: s.col,
    endLine: s.endLine ?? s.line,
    endCol: s.endCol ?? s.col,
  };
}

/** `f` relative to the workspace folder holding it. */
export function relToRoot(index: WorkspaceIndex, f: string): string {
  const root = index.roots.find((r) => f.startsWith(r + '/'));
  return root ? path.posix.relative(root, f) : f;
}
