// The one problem type of the engine and the analysis layer. Every step (YAML parse, kustomize
// build and its transformer steps, postBuild substitution, values, charts, schema, render,
// cluster, git) reports what went wrong or what the user should know as a Problem; the LSP
// (features/convert.ts) and the CLI (cli/output) each convert it once. `step` says which step
// produced it, so consumers filter by step and code, never by message text.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A place in a file; 1-based lines and columns (engine origins), end inclusive of the last line. */
export interface Span {
  /** Absolute path (or a `git:<ref>:<path>`-style path for git trees). */
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

/**
 * The step that reported a problem: `yaml`, `kustomize` (loading, resources, generators) or
 * `kustomize/<transformer>` (`kustomize/patches`, `kustomize/namePrefix`...), `substitute`,
 * `values`, `chart`, `schema`, `render`, `cluster`, `git`, `workspace`.
 */
export type Step = string;

export interface Problem {
  message: string;
  severity: Severity;
  /** Stable identifier for filtering and quick fixes, e.g. `values-ref-missing`. */
  code: string;
  /** Where it is; absent only when nothing in a file is to blame. */
  span?: Span;
  /** Absent for a problem about the request itself (no such overlay, no such release): such a
   *  problem has no file to blame, while every step's problem comes from a file. */
  step?: Step;
  /** Kustomization files that pulled the failing file in, outermost first. */
  chain?: string[];
  /** Path of the offending node in its document (keys and list indexes), when known. */
  path?: (string | number)[];
  /** `namespace/name` of the HelmRelease a values problem of an overlay belongs to. */
  release?: string;
  /** Data for consumers: quick fixes (a suggested key, a replacement apiVersion...), the chart a
   *  chart problem is about (`chart`, so a run says it once). */
  data?: Record<string, unknown>;
}

/** A problem that is always in a file (YAML parsing, the diagnostics of one file). */
export type PlacedProblem = Problem & { span: Required<Span> };

/** The span of an engine origin (the `by` of a patched node is provenance, not place). */
export function spanOf(o: Span | undefined): Span | undefined {
  if (!o) return undefined;
  const s: Span = { file: o.file, line: o.line, col: o.col };
  if (o.endLine !== undefined) s.endLine = o.endLine;
  if (o.endCol !== undefined) s.endCol = o.endCol;
  return s;
}

/** The range of an origin (start and end), without its provenance. */
export function rangeOf(o: Required<Span>): Required<Span> {
  return { file: o.file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol };
}

/** A line-and-column place (no range): the span of a problem that underlines no range. */
export function pointAt(o: Span | undefined): Pick<Problem, 'span'> {
  return o ? { span: { file: o.file, line: o.line, col: o.col } } : {};
}

/** Whether any problem of the list is an error (the step failed). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
