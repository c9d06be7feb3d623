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
  step?: Step;
  /** Kustomization files that pulled the failing file in, outermost first. */
  chain?: string[];
  /** Path of the offending node in its document (keys and list indexes), when known. */
  path?: (string | number)[];
  /** Data for quick fixes (a suggested key, a replacement apiVersion...). */
  data?: Record<string, unknown>;
}
