// What kustomize-controller does to `spec.path` before building it (fluxcd/pkg/kustomize
// Generator): it reads the folder's kustomization file, or generates one listing every
// `.yaml`/`.yml` file below the folder (recursively, in lexical order; a sub-folder with its
// own kustomization file is listed as a folder and not entered), then writes into it the
// Flux Kustomization's `targetNamespace` (as `namespace`), `namePrefix`, `nameSuffix`
// (replacing the folder's own), appends `patches`, `components` (skipping missing ones with
// `ignoreMissingComponents`), `patchesStrategicMerge`/`patchesJson6902` (v1beta2), merges
// `images` by name and replaces `buildMetadata`. A kustomization file that lists no resources
// gets `buildMetadata: [originAnnotations]`, as the controller does. Fields kustomize does not
// know are dropped (the controller decodes into kustomize's struct).
//
// We never write into the repository: the result is text for an in-memory file at the same
// path, plus, for every line of that text, the origin it came from (the folder's kustomization
// file or the Flux Kustomization object), so that origins and problems point at real files.

import * as path from 'path';
import { Problem, pointAt } from '../problem';
import { FileSystem } from '../fs';
import { KNOWN_FIELDS } from '../kustomize/fields';
import { KUSTOMIZATION_FILE_NAMES } from '../kustomize/loader';
import { emitYaml } from '../yaml/emit';
import {
  Origin,
  YMap,
  YNode,
  clone,
  get,
  getString,
  isMap,
  isScalar,
  isSeq,
  map,
  scalar,
  seq,
  set,
} from '../yaml/node';
import { parseYaml } from '../yaml/parse';
import { ClusterProblem } from './types';

// kustomize-controller reads the kustomization into kustomize's own type and drops what it does
// not know: the fields kustomize knows are those the build knows (engine/kustomize/fields.ts).
const KUSTOMIZE_FIELDS = KNOWN_FIELDS;

export interface GeneratedKustomization {
  /** Path of the kustomization file the build must read (existing name, or kustomization.yaml). */
  file: string;
  text: string;
  /** True when the folder had no kustomization file. */
  created: boolean;
  /** For line i (0-based) of `text`: where it came from. */
  lineOrigins: (Origin | undefined)[];
  problems: ClusterProblem[];
}

function at(o: Origin | undefined): Pick<Problem, 'span'> {
  return pointAt(o);
}

/** Files and folders kustomize-controller lists for a folder without a kustomization file. */
export function scanManifests(fs: FileSystem, base: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 30) return;
    for (const name of fs.readDir(dir).sort()) {
      if (name === '.git') continue;
      const p = path.posix.join(dir, name);
      const t = fs.stat(p);
      if (t === 'dir') {
        if (KUSTOMIZATION_FILE_NAMES.some((k) => fs.stat(path.posix.join(p, k)) === 'file'))
          out.push(p);
        else walk(p, depth + 1);
      } else if (t === 'file' && (name.endsWith('.yaml') || name.endsWith('.yml'))) out.push(p);
    }
  };
  walk(base, 0);
  return out.map((p) => './' + path.posix.relative(base, p));
}

function kustomizationFileOf(fs: FileSystem, dir: string): string | undefined {
  return KUSTOMIZATION_FILE_NAMES.map((n) => path.posix.join(dir, n)).find(
    (p) => fs.stat(p) === 'file',
  );
}

function isLocalRelative(p: string): boolean {
  return !path.posix.isAbsolute(p) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !p.startsWith('git@');
}

/** The kustomization kustomize-controller builds for `dir` under Flux Kustomization `fk`. */
export function generateKustomization(
  fs: FileSystem,
  dir: string,
  fk: YMap,
): GeneratedKustomization {
  const problems: ClusterProblem[] = [];
  const spec = get(fk, 'spec');
  const existing = kustomizationFileOf(fs, dir);
  let root: YMap;
  let created = false;
  // Whether anything differs from the folder's own file (else it is built as it is).
  let changed = false;
  const file = existing ?? path.posix.join(dir, 'kustomization.yaml');
  if (existing) {
    const parsed = parseYaml(fs.readFile(existing) ?? '', existing);
    const err = parsed.problems.find((p) => p.severity === 'error');
    const doc = parsed.documents.find((d) => d.root !== undefined)?.root;
    if (err || !isMap(doc)) {
      // Leave the file as it is: the build reports the error with its position.
      return { file, text: fs.readFile(existing) ?? '', created, lineOrigins: [], problems };
    }
    root = clone(doc);
    const dropped = root.pairs.filter((p) => !KUSTOMIZE_FIELDS.has(p.key));
    for (const p of dropped)
      problems.push({
        severity: 'warning',
        code: 'flux-dropped-field',
        message: `"${p.key}" is not a kustomize field: kustomize-controller drops it from the kustomization`,
        ...at(p.keyOrigin ?? p.value.origin),
      });
    root.pairs = root.pairs.filter((p) => KUSTOMIZE_FIELDS.has(p.key));
    if (dropped.length) changed = true;
    const res = get(root, 'resources');
    if (!isSeq(res) || res.items.length === 0) {
      set(root, 'buildMetadata', seq([scalar('originAnnotations', fk.origin)]));
      changed = true;
    }
  } else {
    created = true;
    const entries = scanManifests(fs, dir);
    const o = get(spec, 'path')?.origin ?? fk.origin;
    root = map(
      [
        { key: 'apiVersion', value: scalar('kustomize.config.k8s.io/v1beta1', o) },
        { key: 'kind', value: scalar('Kustomization', o) },
      ],
      o,
    );
    if (entries.length)
      set(
        root,
        'resources',
        seq(
          entries.map((e) => scalar(e, o)),
          o,
        ),
      );
    else set(root, 'namespace', scalar('_placeholder', o));
  }

  for (const [field, target] of [
    ['targetNamespace', 'namespace'],
    ['namePrefix', 'namePrefix'],
    ['nameSuffix', 'nameSuffix'],
  ] as const) {
    const v = get(spec, field);
    if (isScalar(v) && typeof v.value === 'string') {
      set(root, target, clone(v));
      changed = true;
    }
  }
  const appendTo = (field: string, items: YNode[]) => {
    if (!items.length) return;
    changed = true;
    const cur = get(root, field);
    if (isSeq(cur)) cur.items.push(...items);
    else set(root, field, seq(items));
  };
  const patches = get(spec, 'patches');
  if (isSeq(patches)) {
    appendTo(
      'patches',
      patches.items.filter(isMap).map((p) => {
        const out = map([], p.origin);
        const text = get(p, 'patch');
        if (text) set(out, 'patch', clone(text));
        const target = get(p, 'target');
        if (isMap(target)) {
          const t = map([], target.origin);
          for (const k of [
            'group',
            'version',
            'kind',
            'name',
            'namespace',
            'labelSelector',
            'annotationSelector',
          ]) {
            const v = get(target, k);
            if (v) set(t, k, clone(v));
          }
          set(out, 'target', t);
        }
        return out;
      }),
    );
  }
  const components = get(spec, 'components');
  if (isSeq(components)) {
    const ignoreMissing = get(spec, 'ignoreMissingComponents');
    const items: YNode[] = [];
    for (const c of components.items) {
      const v = isScalar(c) ? String(c.value ?? '') : '';
      if (!isLocalRelative(v)) {
        problems.push({
          severity: 'error',
          code: 'flux-component-path',
          message: `component path '${v}' must be local and relative; kustomize-controller fails the Kustomization`,
          ...at(c.origin),
        });
        continue;
      }
      if (
        isScalar(ignoreMissing) &&
        ignoreMissing.value === true &&
        !fs.stat(path.posix.join(dir, v))
      )
        continue;
      items.push(clone(c));
    }
    appendTo('components', items);
  }
  const psm = get(spec, 'patchesStrategicMerge');
  if (isSeq(psm))
    appendTo(
      'patchesStrategicMerge',
      psm.items.map((i) => clone(i)),
    );
  const pj = get(spec, 'patchesJson6902');
  if (isSeq(pj))
    appendTo(
      'patchesJson6902',
      pj.items.filter(isMap).map((p) => {
        const out = map([], p.origin);
        const patch = get(p, 'patch');
        if (patch) set(out, 'patch', scalar(JSON.stringify(toPlain(patch)), patch.origin));
        const t = get(p, 'target');
        if (t) set(out, 'target', clone(t));
        return out;
      }),
    );
  const images = get(spec, 'images');
  if (isSeq(images)) {
    let list = get(root, 'images');
    if (!isSeq(list)) {
      list = seq([], images.origin);
      set(root, 'images', list);
    }
    for (const img of images.items.filter(isMap)) {
      changed = true;
      const name = getString(img, 'name');
      const prev = (list as { items: YNode[] }).items.find(
        (x) => isMap(x) && getString(x, 'name') === name,
      ) as YMap | undefined;
      if (prev) {
        const nn = get(img, 'newName');
        if (getString(img, 'newName')) set(prev, 'newName', clone(nn!));
        if (getString(img, 'newTag') || getString(img, 'digest')) {
          for (const k of ['newTag', 'digest']) {
            const v = get(img, k);
            if (v && getString(img, k)) set(prev, k, clone(v));
            else prev.pairs = prev.pairs.filter((p) => p.key !== k);
          }
        }
      } else (list as { items: YNode[] }).items.push(clone(img));
    }
  }
  const bm = get(spec, 'buildMetadata');
  if (isSeq(bm) && bm.items.length) {
    set(root, 'buildMetadata', clone(bm));
    changed = true;
  }
  if (existing && !changed)
    return { file, text: fs.readFile(existing) ?? '', created, lineOrigins: [], problems };

  return { file, created, problems, ...emitWithOrigins(root, fs) };
}

function toPlain(n: YNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toPlain);
  return Object.fromEntries(n.pairs.map((p) => [p.key, toPlain(p.value)]));
}

/** The tree as YAML text, and the origin of every line (block scalar lines map line for line). */
function emitWithOrigins(
  root: YMap,
  fs: FileSystem,
): { text: string; lineOrigins: (Origin | undefined)[] } {
  const origins: Origin[] = [];
  const marked = emitYaml(root, {
    sortKeys: false,
    showOrigin: true,
    describeOrigin: (o) => `@@${origins.push(o) - 1}`,
  });
  const lines = marked.replace(/\n$/, '').split('\n');
  const lineOrigins: (Origin | undefined)[] = [];
  let block: { origin: Origin; indent: number; srcIndent: number; start: number } | undefined;
  const text: string[] = [];
  lines.forEach((raw, i) => {
    const m = / # @@(\d+)$/.exec(raw);
    const line = m ? raw.slice(0, m.index) : raw;
    text.push(line);
    const indent = line.length - line.trimStart().length;
    if (block && (line.trim() === '' || indent >= block.indent)) {
      const k = i - block.start;
      lineOrigins.push({
        ...block.origin,
        line: block.origin.line + k,
        endLine: block.origin.line + k,
        col: Math.max(1, indent - block.indent + block.srcIndent + 1),
      });
      return;
    }
    block = undefined;
    const o = m ? origins[Number(m[1])] : lineOrigins[i - 1];
    lineOrigins.push(o);
    if (m && /: \|[-+]?$|^\s*- \|[-+]?$/.test(line) && o) {
      // A block scalar: its content lines follow its origin line for line when the source
      // wrote it as a literal block too.
      const src = fs.readFile(o.file)?.split(/\r?\n/);
      const header = src?.[o.line - 1];
      if (header !== undefined && /\|[-+0-9]*\s*(#.*)?$/.test(header)) {
        const next = src!.slice(o.line).find((l) => l.trim() !== '') ?? '';
        const contentIndent = (lines[i + 1] ?? '').length - (lines[i + 1] ?? '').trimStart().length;
        block = {
          origin: o,
          indent: contentIndent || indent + 2,
          srcIndent: next.length - next.trimStart().length,
          start: i,
        };
      }
    }
  });
  return { text: text.join('\n') + '\n', lineOrigins };
}

/** Rewrites origins that point into the generated file to the lines they came from. */
export function remapOrigins(
  n: YNode,
  file: string,
  lineOrigins: readonly (Origin | undefined)[],
): void {
  const fix = (o: Origin | undefined): Origin | undefined => {
    if (!o || o.file !== file) return o;
    const src = lineOrigins[o.line - 1];
    if (!src) return o;
    const lines = o.endLine - o.line;
    const out: Origin = {
      ...src,
      endLine: src.line + Math.max(0, lines),
      endCol: src.line === src.endLine && lines === 0 ? src.col + (o.endCol - o.col) : o.endCol,
    };
    if (o.by) out.by = o.by;
    else delete out.by;
    return out;
  };
  const walk = (x: YNode) => {
    x.origin = fix(x.origin);
    if (!x.origin) delete x.origin;
    if (x.overrides) for (const y of x.overrides) walk(y);
    if (x.kind === 'map') {
      for (const p of x.pairs) {
        if (p.keyOrigin) p.keyOrigin = fix(p.keyOrigin);
        walk(p.value);
      }
    } else if (x.kind === 'seq') for (const i of x.items) walk(i);
  };
  walk(n);
}
