// Where the lines of a literal block scalar (`key: |`) sit in their file. YAML embedded in one
// (an inline kustomize patch, a ConfigMap's `values.yaml: |`) is parsed on its own; this gives
// the shift that makes that parse's origins point at the real file.

import { Origin } from './node';

/**
 * The `shift` for parseYaml of `text`, the value of the block scalar whose node starts at
 * `origin` (the `|` indicator) in a file whose text is `fileText`; undefined when the file does
 * not show that text line for line (folded `>` or explicit-indentation scalars, or a file changed
 * since). Lines holding `${VAR}` may differ: Flux substitutes after kustomize has read the file.
 */
export function blockScalarShift(
  fileText: string,
  origin: Origin,
  text: string,
): { line: number; col: number } | undefined {
  const lines = fileText.split(/\r?\n/);
  const header = lines[origin.line - 1];
  if (header === undefined) return undefined;
  const indicator = header.slice(origin.col - 1);
  if (!/^\|[-+]?\s*(#.*)?$/.test(indicator)) return undefined;
  const content = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  let indent = -1;
  for (let i = origin.line; i < lines.length && indent < 0; i++)
    if (lines[i].trim() !== '') indent = lines[i].length - lines[i].trimStart().length;
  if (indent <= 0) return undefined;
  for (let k = 0; k < content.length; k++) {
    const fileLine = lines[origin.line + k];
    if (fileLine === undefined) return undefined;
    const expected = fileLine.trim() === '' ? '' : fileLine.slice(indent);
    if (
      expected !== content[k].replace(/\s+$/, '') &&
      expected.replace(/\s+$/, '') !== content[k] &&
      !fileLine.includes('${')
    )
      return undefined;
  }
  return { line: origin.line, col: indent };
}
