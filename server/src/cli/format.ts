// How the CLI names places: paths relative to the current folder (problems: problems.ts).

import * as path from 'path';
import { Origin } from '../engine/core';

export function rel(file: string, cwd = process.cwd()): string {
  const r = path.relative(cwd, file);
  return r === ''
    ? '.'
    : r.startsWith('..') &&
        path.isAbsolute(file) &&
        r.split(path.sep).filter((s) => s === '..').length > 3
      ? file
      : r;
}

export function describeOrigin(o: Origin): string {
  return `${rel(o.file)}:${o.line}${o.by ? ` (${o.by})` : ''}`;
}
