// Reading a kustomization file: find it, parse it, check its fields as strictly as kustomize
// (an unknown field is an error; the known ones are derived from the steps, fields.ts), and
// offer typed accessors that keep each entry's origin.

import * as path from 'path';
import { Origin, YMap, YNode, get, getString, isMap, isScalar, isSeq } from '../yaml/node';
import { fail } from './errors';
import { KUSTOMIZATION_FILE_NAMES, Loader } from './loader';

export interface KustomizationFile {
  dir: string;
  file: string;
  root: YMap;
  isComponent: boolean;
}

/** Loads the kustomization of `dir`; a field outside `knownFields` fails, as in kustomize. */
export function loadKustomization(
  loader: Loader,
  dir: string,
  knownFields: ReadonlySet<string>,
  origin?: Origin,
): KustomizationFile {
  const file = loader.findKustomization(dir, origin);
  if (!file) {
    // One exists but the restrictor refused it: say why it is not found.
    const linked = KUSTOMIZATION_FILE_NAMES.find((n) => loader.stat(path.join(dir, n)) === 'file');
    // Or restricted mode hides it (it links out of the workspace).
    const hidden = linked
      ? undefined
      : KUSTOMIZATION_FILE_NAMES.map((n) => loader.hiddenBecause(path.join(dir, n))).find(
          (h) => h !== undefined,
        );
    const why = linked
      ? `: ${linked} is a symbolic link out of it (kustomize's default load restrictor RootOnly)`
      : hidden
        ? `: security: ${hidden}`
        : '';
    fail(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'${why}`,
      origin,
      'missing-kustomization',
    );
  }
  const parsed = loader.parse(file, origin);
  const syntax = parsed.problems.find((p) => p.severity === 'error');
  if (syntax) fail(syntax.message, { ...syntax.span, file }, syntax.code);
  const docs = parsed.documents.filter((d) => d.root !== undefined);
  if (docs.length === 0)
    fail(
      `kustomization file is empty: ${file}`,
      { file, line: 1, col: 1, endLine: 1, endCol: 1 },
      'empty-kustomization',
    );
  const root = docs[0].root!;
  if (!isMap(root)) fail(`kustomization file must be a map of fields: ${file}`, root.origin);
  for (const p of root.pairs) {
    if (!knownFields.has(p.key))
      fail(
        `invalid Kustomization: unknown field "${p.key}"`,
        p.keyOrigin ?? p.value.origin,
        'unknown-field',
      );
  }
  const kind = getString(root, 'kind') ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component')
    fail(`kind "${kind}" is not Kustomization or Component`, get(root, 'kind')?.origin);
  return { dir, file, root, isComponent: kind === 'Component' };
}

export interface StringEntry {
  value: string;
  origin?: Origin;
  node: YNode;
}

/** A list of strings field; a scalar where a list belongs is an error naming the field. */
export function stringList(k: KustomizationFile, field: string): StringEntry[] {
  const n = get(k.root, field);
  if (n === undefined || (isScalar(n) && n.value === null)) return [];
  if (!isSeq(n)) fail(`${field} must be a list of strings in ${path.basename(k.file)}`, n.origin);
  return n.items.map((i) => {
    if (!isScalar(i) || i.value === null) fail(`${field} entries must be strings`, i.origin);
    return { value: String(i.value), origin: i.origin, node: i };
  });
}

export function mapList(k: KustomizationFile, field: string): YMap[] {
  const n = get(k.root, field);
  if (n === undefined || (isScalar(n) && n.value === null)) return [];
  if (!isSeq(n)) fail(`${field} must be a list in ${path.basename(k.file)}`, n.origin);
  return n.items.map((i) => {
    if (!isMap(i)) fail(`${field} entries must be maps`, i.origin);
    return i;
  });
}

export function stringMapField(k: KustomizationFile, field: string): [string, string][] {
  const n = get(k.root, field);
  if (n === undefined || (isScalar(n) && n.value === null)) return [];
  if (!isMap(n)) fail(`${field} must be a map in ${path.basename(k.file)}`, n.origin);
  return n.pairs.map((p) => [
    p.key,
    isScalar(p.value) && p.value.value !== null ? String(p.value.value) : '',
  ]);
}

export function stringField(k: KustomizationFile, field: string): string | undefined {
  const n = get(k.root, field);
  if (n === undefined || (isScalar(n) && n.value === null)) return undefined;
  if (!isScalar(n)) fail(`${field} must be a string`, n.origin);
  return String(n.value);
}
