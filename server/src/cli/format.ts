// How the CLI names places: paths relative to the current folder, `file:line:col`.

import * as path from 'path';
import { BuildProblem } from '../engine/kustomize/build';
import { Origin } from '../engine/yaml/node';

export function rel(file: string, cwd = process.cwd()): string {
  const r = path.relative(cwd, file);
  return r === '' ? '.' : r.startsWith('..') && path.isAbsolute(file) && r.split(path.sep).filter((s) => s === '..').length > 3 ? file : r;
}

export function describeOrigin(o: Origin): string {
  return `${rel(o.file)}:${o.line}${o.by ? ` (${o.by})` : ''}`;
}

/** `file:line:col: message` plus the kustomizations that pulled the file in. */
export function formatProblem(p: BuildProblem): string {
  const where = p.file ? `${rel(p.file)}:${p.line ?? 1}:${p.col ?? 1}: ` : '';
  const chain = p.chain.filter((c) => c !== p.file);
  const via = chain.length ? `\n  (included via ${chain.map((c) => rel(c)).join(' -> ')})` : '';
  return `${where}${p.message}${via}`;
}
