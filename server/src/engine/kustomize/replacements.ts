// kustomize `replacements`: copy a value from one object's field into fields of others, with
// optional delimiter/index to take or set one part of a string, and `create` to add missing
// fields. Paths are kustomize's dotted paths: `spec.containers.[name=web].image`, `items.0`,
// `metadata.labels.[app.kubernetes.io/name]`.

import {
  YMap,
  YNode,
  YSeq,
  clone,
  get,
  getString,
  isMap,
  isScalar,
  isSeq,
  map,
  scalar,
  set,
  seq,
} from '../yaml/node';
import { fail } from './errors';
import { splitOutside } from './split';
import { gvkSelected } from './fieldspec';
import { KustomizationFile, mapList } from './kustomizationFile';
import { Loader } from './loader';
import { Selector, matchesSelector, readSelector } from './selector';
import { Resource, ResId, allIds, nsEquals } from './resource';

type IdSelector = Selector;

function readIdSelector(n: YNode | undefined): IdSelector {
  return readSelector(n) ?? {};
}

function idSelected(id: ResId, s: IdSelector): boolean {
  return (
    (!s.name || s.name === id.name) &&
    (!s.namespace || nsEquals(s.namespace, id.namespace)) &&
    gvkSelected(s, id.gvk)
  );
}

function labelsAndAnnotationsMatch(r: Resource, s: IdSelector): boolean {
  const meta = get(r.node, 'metadata');
  return (
    matchesSelector(get(meta, 'labels'), s.labelSelector, 'labelSelector') &&
    matchesSelector(get(meta, 'annotations'), s.annotationSelector, 'annotationSelector')
  );
}

/** Splits on `.` except inside `[...]`. */
export function splitFieldPath(p: string): string[] {
  return splitOutside(p, '.', '[', ']');
}

type Slot = { get(): YNode | undefined; set(v: YNode): void };

/** Finds (and with `create`, makes) the fields a path names; several when a step matches several list items. */
function lookup(node: YNode, path: string[], create: YNode['kind'] | undefined): Slot[] {
  let slots: Slot[] = [{ get: () => node, set: () => undefined }];
  path.forEach((seg, idx) => {
    const last = idx === path.length - 1;
    const next: Slot[] = [];
    for (const slot of slots) {
      let cur = slot.get();
      const elem = /^\[([^=\]]*)=(.*)\]$/.exec(seg);
      if (elem) {
        if (cur === undefined && create) {
          cur = seq();
          slot.set(cur);
        }
        if (!isSeq(cur)) continue;
        const [, k, v] = elem;
        let found = cur.items.filter((i) =>
          k === ''
            ? isScalar(i) && String(i.value) === v
            : isScalar(get(i, k)) && String((get(i, k) as { value: unknown }).value) === v,
        );
        if (found.length === 0 && create) {
          const item = k === '' ? scalar(v) : map([{ key: k, value: scalar(v) }]);
          cur.items.push(item);
          found = [item];
        }
        const list = cur;
        for (const f of found)
          next.push({
            get: () => list.items[list.items.indexOf(f)],
            set: (n) => (list.items[list.items.indexOf(f)] = n),
          });
        continue;
      }
      const key = seg.startsWith('[') && seg.endsWith(']') ? seg.slice(1, -1) : seg;
      if (isSeq(cur) && /^\d+$/.test(key)) {
        const list: YSeq = cur;
        const i = Number(key);
        if (i < list.items.length)
          next.push({ get: () => list.items[i], set: (n) => (list.items[i] = n) });
        continue;
      }
      if (cur === undefined || (isScalar(cur) && cur.value === null)) {
        if (!create) continue;
        cur = map();
        slot.set(cur);
      }
      if (!isMap(cur)) continue;
      const m: YMap = cur;
      if (get(m, key) === undefined) {
        if (!create) continue;
        set(
          m,
          key,
          last ? (create === 'seq' ? seq() : create === 'map' ? map() : scalar('')) : map(),
        );
      }
      next.push({ get: () => get(m, key), set: (n) => set(m, key, n) });
    }
    slots = next;
  });
  return slots;
}

function options(n: YNode | undefined): { delimiter?: string; index: number; create: boolean } {
  const d = getString(n, 'delimiter');
  const i = get(n, 'index');
  const c = get(n, 'create');
  return {
    delimiter: d || undefined,
    index: isScalar(i) && typeof i.value === 'number' ? i.value : 0,
    create: isScalar(c) && c.value === true,
  };
}

export function applyReplacements(
  resources: Resource[],
  k: KustomizationFile,
  _loader: Loader,
): void {
  for (const entry of mapList(k, 'replacements')) {
    if (get(entry, 'path') !== undefined)
      fail(
        'replacements from files (path:) are not supported yet; write them inline',
        entry.origin,
        'unsupported',
      );
    const sourceNode = get(entry, 'source');
    if (!isMap(sourceNode)) fail('a replacement needs a source', entry.origin);
    const src = readIdSelector(sourceNode);
    const matches = resources.filter(
      (r) => allIds(r).some((id) => idSelected(id, src)) && labelsAndAnnotationsMatch(r, src),
    );
    if (matches.length === 0)
      fail(
        `nothing selected by the replacement source ${src.kind ?? ''}/${src.name ?? ''}`,
        sourceNode.origin,
      );
    if (matches.length > 1)
      fail(
        `multiple matches for the replacement source ${src.kind ?? ''}/${src.name ?? ''}`,
        sourceNode.origin,
      );
    const fieldPath = getString(sourceNode, 'fieldPath') || 'metadata.name';
    const found = lookup(matches[0].node, splitFieldPath(fieldPath), undefined)[0]?.get();
    if (
      found === undefined ||
      (isScalar(found) && (found.value === null || found.value === '')) ||
      (isMap(found) && found.pairs.length === 0)
    ) {
      fail(
        `fieldPath \`${fieldPath}\` is missing for the replacement source ${src.kind ?? ''}/${src.name ?? ''}`,
        sourceNode.origin,
      );
    }
    let value: YNode = clone(found);
    const so = options(get(sourceNode, 'options'));
    if (so.delimiter !== undefined) {
      if (!isScalar(value))
        fail('delimiter option can only be used with scalar nodes', sourceNode.origin);
      const parts = String(value.value).split(so.delimiter);
      if (so.index >= parts.length || so.index < 0)
        fail(
          `options.index ${so.index} is out of bounds for value ${String(value.value)}`,
          sourceNode.origin,
        );
      value = scalar(parts[so.index], value.origin);
    }
    const by = `replacement from ${src.kind ?? ''}/${src.name ?? ''} ${fieldPath}`;
    if (value.origin) value.origin = { ...value.origin, by };
    const targets = get(entry, 'targets');
    for (const t of isSeq(targets) ? targets.items : []) {
      const selectNode = get(t, 'select');
      if (!isMap(selectNode)) fail('target must specify resources to select', t.origin);
      const sel = readIdSelector(selectNode);
      const rejects = isSeq(get(t, 'reject'))
        ? (get(t, 'reject') as YSeq).items.map(readIdSelector)
        : [];
      const fpNode = get(t, 'fieldPaths');
      const fieldPaths = isSeq(fpNode)
        ? fpNode.items.map((i) => String((i as { value: unknown }).value))
        : ['metadata.name'];
      const to = options(get(t, 'options'));
      for (const r of resources) {
        if (!labelsAndAnnotationsMatch(r, sel)) continue;
        if (
          rejects.some(
            (rj) => (rj.labelSelector || rj.annotationSelector) && labelsAndAnnotationsMatch(r, rj),
          )
        )
          continue;
        const ids = allIds(r);
        if (!ids.some((id) => idSelected(id, sel))) continue;
        if (
          rejects.some(
            (rj) =>
              (rj.kind || rj.name || rj.namespace || rj.group || rj.version) &&
              ids.some((id) => idSelected(id, rj)),
          )
        )
          continue;
        for (const fp of fieldPaths) {
          const slots = lookup(r.node, splitFieldPath(fp), to.create ? value.kind : undefined);
          if (slots.length === 0)
            fail(
              to.create
                ? `unable to find or create field "${fp}" in replacement target`
                : `unable to find field "${fp}" in replacement target`,
              t.origin,
            );
          for (const slot of slots) {
            const current = slot.get();
            let v: YNode = clone(value);
            if (to.delimiter !== undefined) {
              if (!isScalar(current))
                fail('delimiter option can only be used with scalar nodes', t.origin);
              const parts = current.value === null ? [] : String(current.value).split(to.delimiter);
              const s = isScalar(v) ? String(v.value) : '';
              if (to.index < 0) parts.unshift(s);
              else if (to.index >= parts.length) parts.push(s);
              else parts[to.index] = s;
              v = scalar(parts.join(to.delimiter), v.origin);
            }
            // kustomize replaces a scalar's text but keeps its type: a string field stays a string.
            if (
              isScalar(current) &&
              isScalar(v) &&
              typeof current.value === 'string' &&
              current.value !== '' &&
              v.value !== null
            )
              v = scalar(String(v.value), v.origin);
            slot.set(v);
          }
        }
      }
    }
  }
}
