// Shared lookups for completion, hover and navigation: which schema applies to the document
// under the cursor, whether the cursor is in Helm values (and at which values path, of which
// release), and the effective values of a release in every overlay of its component.

import * as path from 'path';
import { KUSTOMIZATION_FILE_NAMES } from '../engine/kustomize/loader';
import { SchemaChoice } from '../engine/schema';
import { EffectiveRelease } from '../engine/values/effective';
import { Origin, YNode, fromJS, get, getPath, getString } from '../engine/yaml/node';
import { PathSeg, documentAt } from './yamlText';
import { WorkspaceIndex } from './workspaceIndex';

/** A line of a rendered preview document and where it came from (the layer that set it). */
export interface PlainLineOrigin {
  line: number;
  origin: Origin;
  layer: string;
  overridden?: { value: string; origin: Origin; layer: string }[];
}

/** A place to go to (Go to Definition, links): a file, and a range in it when known. */
export interface Target {
  file: string;
  /** 1-based; whole file when absent. */
  origin?: Origin;
}

export interface DocHeader {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

/** apiVersion, kind and metadata.name of the document holding `line`, read from the text. */
export function docHeader(text: string, line: number): DocHeader {
  const lines = text.split(/\r?\n/);
  const d = documentAt(lines, line);
  const h: DocHeader = {};
  let inMeta = false;
  for (let i = d.start; i <= d.end; i++) {
    const l = lines[i];
    let m: RegExpExecArray | null;
    if ((m = /^apiVersion:\s*["']?([^\s"'#]+)/.exec(l))) h.apiVersion = m[1];
    else if ((m = /^kind:\s*["']?([^\s"'#]+)/.exec(l))) h.kind = m[1];
    else if (/^metadata:\s*$/.test(l)) inMeta = true;
    else if (/^\S/.test(l)) inMeta = false;
    else if (inMeta && (m = /^ {1,4}name:\s*["']?([^\s"'#]+)/.exec(l)) && h.name === undefined)
      h.name = m[1];
  }
  return h;
}

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file));
}

/** The schema of the document under the cursor (from its header, so it works mid-edit). */
export function schemaOf(
  index: WorkspaceIndex,
  file: string,
  header: DocHeader,
): SchemaChoice | undefined {
  const root = fromJS({
    ...(header.apiVersion ? { apiVersion: header.apiVersion } : {}),
    ...(header.kind ? { kind: header.kind } : {}),
  });
  return index.registry.schemaFor(root, file);
}

export interface ValuesPlace {
  /** Path inside the Helm values. */
  valuesPath: PathSeg[];
  /** HelmRelease name when the document is the release itself. */
  release?: string;
}

/** Whether a document path is inside Helm values: spec.values of a HelmRelease, a ConfigMap/Secret data block, or a plain values file. */
export function valuesPlace(
  file: string,
  header: DocHeader,
  docPath: PathSeg[],
): ValuesPlace | undefined {
  if (header.kind === 'HelmRelease') {
    if (docPath[0] === 'spec' && docPath[1] === 'values')
      return { valuesPath: docPath.slice(2), ...(header.name ? { release: header.name } : {}) };
    return undefined;
  }
  if (
    (header.kind === 'ConfigMap' || header.kind === 'Secret') &&
    (docPath[0] === 'data' || docPath[0] === 'stringData') &&
    docPath.length >= 2
  )
    return { valuesPath: docPath.slice(2) };
  if (!header.kind && !header.apiVersion && !isKustomizationFile(file))
    return { valuesPath: docPath };
  return undefined;
}

function mentions(n: YNode | undefined, file: string, depth = 0): boolean {
  if (!n || depth > 60) return false;
  if (n.origin?.file === file) return true;
  for (const o of n.overrides ?? []) if (mentions(o, file, depth + 1)) return true;
  if (n.kind === 'map') return n.pairs.some((p) => mentions(p.value, file, depth + 1));
  if (n.kind === 'seq') return n.items.some((i) => mentions(i, file, depth + 1));
  return false;
}

export interface OverlayRelease {
  overlay: string;
  dir: string;
  release: EffectiveRelease;
}

/** The release(s) a values place feeds, in every overlay of the component that builds them. */
export function releasesFor(
  index: WorkspaceIndex,
  file: string,
  place: ValuesPlace,
): OverlayRelease[] {
  const c = index.componentOf(file);
  const overlays = c ? c.overlays : index.overlaysOf(file);
  const out: OverlayRelease[] = [];
  let names: Set<string> | undefined = place.release ? new Set([place.release]) : undefined;
  if (!names) {
    names = new Set();
    for (const o of overlays)
      for (const r of index.effectiveValues(o.dir))
        if (mentions(r.values, file) || mentions(r.release, file)) names.add(r.name);
  }
  // The same release under another name (namePrefix `staging-`): paired through where its
  // `kind` is in the base, as the commands pair releases (ReleaseInfo.key).
  const keys = new Set<string>();
  for (const o of overlays)
    for (const r of index.effectiveValues(o.dir))
      if (names.has(r.name) || mentions(r.release, file)) {
        const k = releaseKey(r);
        if (k) keys.add(k);
      }
  for (const o of overlays)
    for (const r of index.effectiveValues(o.dir)) {
      const k = releaseKey(r);
      if (names.has(r.name) || (k && keys.has(k)))
        out.push({ overlay: o.name, dir: o.dir, release: r });
    }
  return out;
}

/** Where a release's `kind` is written (the same in every overlay built from that base file). */
export function releaseKey(r: EffectiveRelease): string | undefined {
  const o = get(r.release, 'kind')?.origin;
  return o ? `${o.file}:${o.line}` : undefined;
}

export function valueAt(values: YNode, p: PathSeg[]): YNode | undefined {
  return getPath(values, p);
}

/** A short one-line rendering of a value for hover. */
export function shortValue(n: YNode | undefined): string {
  if (!n) return '(not set)';
  if (n.kind === 'scalar')
    return n.value === null
      ? 'null'
      : typeof n.value === 'string'
        ? JSON.stringify(n.value).length > 60
          ? JSON.stringify(n.value).slice(0, 57) + '…"'
          : JSON.stringify(n.value)
        : String(n.value);
  if (n.kind === 'seq') return `[${n.items.length} item${n.items.length === 1 ? '' : 's'}]`;
  const keys = n.pairs.map((p) => p.key);
  return `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`;
}

export function describeWhere(o: Origin | undefined, root: string): string {
  if (!o) return 'chart default';
  const rel = path.posix.relative(root, o.file);
  return `${rel}:${o.line}`;
}

export function nameOf(n: YNode | undefined): string | undefined {
  return getString(get(n, 'metadata'), 'name');
}
