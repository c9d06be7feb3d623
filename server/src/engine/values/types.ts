// Plain data shared by the values engine's modules and returned to its callers.

export type Severity = 'error' | 'warning' | 'info';

/** Something to tell the user about a release's values, placed where it comes from when known. */
export interface ValuesProblem {
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  /** Stable identifier for filtering and quick fixes, e.g. `values-ref-missing`. */
  code: string;
}
