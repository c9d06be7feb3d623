// The one place the CLI turns engine Problems into text and JSON (features/convert.ts does it
// for the LSP). Paths relative to the current folder; places as `file:line:col`.

import { Problem } from '../engine/core';
import { rel } from './format';

function where(p: Problem): string {
  return p.span ? `${rel(p.span.file)}:${p.span.line}:${p.span.col}: ` : '';
}

/**
 * `file:line:col: [ns/release] message` plus the kustomizations that pulled the file in, for
 * build and overlay problems (`build`, `values`, `diff`, `template`, `promotion-diff`).
 */
export function formatProblem(p: Problem): string {
  const chain = (p.chain ?? []).filter((c) => c !== p.span?.file);
  const via = chain.length ? `\n  (included via ${chain.map((c) => rel(c)).join(' -> ')})` : '';
  const release = p.release ? `[${p.release}] ` : '';
  return `${where(p)}${release}${p.message}${via}`;
}

/** `severity: file:line:col: message`, the line `build`, `values` and the others print on stderr. */
export function problemLine(p: Problem): string {
  return `${p.severity}: ${formatProblem(p)}`;
}

/** A cluster problem: its chain is the appliers (Kustomizations, ResourceSets) that led there. */
export function clusterProblemLine(p: Problem): string {
  const via = p.chain?.length ? `\n  (applied via ${p.chain.join(' > ')})` : '';
  return `${p.severity}: ${where(p)}${p.message}${via}`;
}

/** `file:line:col: severity: message [code]`, the format of `check`. */
export function diagnosticLine(p: Problem): string {
  return `${where(p)}${p.severity}: ${p.message} [${p.code}]`;
}

/**
 * A problem in `--json` output (`check`, `cluster`): severity, code, message, then a flat `file`
 * (relative), `line`, `col` (`endLine`, `endCol`) instead of a span; no step.
 */
export function problemJson(p: Problem): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: p.severity, code: p.code, message: p.message };
  if (p.span) Object.assign(out, { file: rel(p.span.file), line: p.span.line, col: p.span.col });
  if (p.span?.endLine !== undefined) out.endLine = p.span.endLine;
  if (p.span?.endCol !== undefined) out.endCol = p.span.endCol;
  if (p.chain) out.chain = p.chain;
  if (p.release) out.release = p.release;
  if (p.data) out.data = p.data;
  return out;
}
