// JSON patch (RFC 6902) applied to an origin-carrying tree. Values added or replaced keep the
// origin of where they were written in the patch, stamped with the patch's label.

import { BuildError } from '../errors';
import {
  YNode,
  YMap,
  YSeq,
  clone,
  equal,
  get,
  getString,
  isMap,
  isSeq,
  stamp,
  toJS,
} from '../../yaml/node';

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: YNode;
  /** Where the operation was written, for error messages. */
  node: YNode;
}

/** Reads the operations of a JSON6902 patch document (a list of maps). */
export function readJsonPatch(doc: YNode): JsonPatchOp[] {
  if (!isSeq(doc))
    throw new BuildError('a JSON6902 patch must be a list of operations', doc.origin);
  return doc.items.map((item) => {
    if (!isMap(item))
      throw new BuildError('a JSON6902 operation must be a map with op and path', item.origin);
    const op = getString(item, 'op');
    const path = getString(item, 'path');
    if (!op) throw new BuildError('JSON6902 operation without `op`', item.origin);
    if (path === undefined)
      throw new BuildError(`JSON6902 ${op} operation without \`path\``, item.origin);
    const res: JsonPatchOp = { op, path, node: item };
    const from = getString(item, 'from');
    if (from !== undefined) res.from = from;
    const value = get(item, 'value');
    if (value !== undefined) res.value = value;
    return res;
  });
}

function parsePointer(p: string, op: JsonPatchOp): string[] {
  if (p === '') return [];
  if (!p.startsWith('/'))
    throw new BuildError(`JSON6902 ${op.op}: path "${p}" must start with /`, op.node.origin);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function childOf(n: YNode, seg: string): YNode | undefined {
  if (isMap(n)) return get(n, seg);
  if (isSeq(n) && /^(0|[1-9][0-9]*)$/.test(seg)) return n.items[Number(seg)];
  return undefined;
}

/** Resolves the parent container and last segment; throws when a parent is missing. */
function locate(
  root: YNode,
  segs: string[],
  op: JsonPatchOp,
  pathText: string,
  create = false,
): { parent: YNode; last: string } {
  let cur: YNode = root;
  for (let i = 0; i < segs.length - 1; i++) {
    let next = childOf(cur, segs[i]);
    // kustomize applies JSON patches with "ensure path exists on add": missing parents of an
    // `add` are created as maps. A missing list (the next step an index or `-`) is not created:
    // kubectl fails there ("doc is missing path"), so do we.
    if (next === undefined && create && isMap(cur) && !/^(0|[1-9][0-9]*|-)$/.test(segs[i + 1])) {
      next = { kind: 'map', pairs: [] };
      cur.pairs.push({ key: segs[i], value: next });
    }
    if (next === undefined)
      throw new BuildError(
        `JSON6902 ${op.op} ${pathText}: missing path element "${segs.slice(0, i + 1).join('/')}" in the target`,
        op.node.origin,
      );
    cur = next;
  }
  return { parent: cur, last: segs[segs.length - 1] };
}

function index(
  seq: YSeq,
  seg: string,
  op: JsonPatchOp,
  pathText: string,
  forInsert: boolean,
): number {
  if (seg === '-' && forInsert) return seq.items.length;
  if (!/^(0|[1-9][0-9]*)$/.test(seg))
    throw new BuildError(
      `JSON6902 ${op.op} ${pathText}: "${seg}" is not a list index`,
      op.node.origin,
    );
  const i = Number(seg);
  if (forInsert ? i > seq.items.length : i >= seq.items.length)
    throw new BuildError(
      `JSON6902 ${op.op} ${pathText}: index ${i} is out of range (the list has ${seq.items.length} items)`,
      op.node.origin,
    );
  return i;
}

function getAt(root: YNode, p: string, op: JsonPatchOp): YNode {
  const segs = parsePointer(p, op);
  let cur: YNode | undefined = root;
  for (const s of segs) {
    cur = cur === undefined ? undefined : childOf(cur, s);
    if (cur === undefined)
      throw new BuildError(
        `JSON6902 ${op.op}: path ${p} does not exist in the target`,
        op.node.origin,
      );
  }
  return cur!;
}

function removeAt(root: YNode, p: string, op: JsonPatchOp): YNode {
  const segs = parsePointer(p, op);
  if (segs.length === 0)
    throw new BuildError(`JSON6902 ${op.op}: cannot remove the whole object`, op.node.origin);
  const { parent, last } = locate(root, segs, op, p);
  if (isMap(parent)) {
    const i = parent.pairs.findIndex((x) => x.key === last);
    if (i < 0)
      throw new BuildError(
        `JSON6902 ${op.op}: path ${p} does not exist in the target`,
        op.node.origin,
      );
    return parent.pairs.splice(i, 1)[0].value;
  }
  if (isSeq(parent)) return parent.items.splice(index(parent, last, op, p, false), 1)[0];
  throw new BuildError(`JSON6902 ${op.op}: path ${p} does not exist in the target`, op.node.origin);
}

function addAt(root: YNode, p: string, value: YNode, op: JsonPatchOp, replace: boolean): YNode {
  const segs = parsePointer(p, op);
  if (segs.length === 0) return value;
  const { parent, last } = locate(root, segs, op, p, !replace);
  if (isMap(parent)) {
    const i = parent.pairs.findIndex((x) => x.key === last);
    // kustomize's JSON patch library lets `replace` set a missing key of an existing map (only a
    // missing parent or list index is an error), so neither do we.
    if (i >= 0) parent.pairs[i] = { ...parent.pairs[i], value };
    else parent.pairs.push({ key: last, value });
    return root;
  }
  if (isSeq(parent)) {
    const i = index(parent, last, op, p, !replace);
    if (replace) parent.items[i] = value;
    else parent.items.splice(i, 0, value);
    return root;
  }
  throw new BuildError(
    `JSON6902 ${op.op}: cannot add ${p}: its parent is a scalar`,
    op.node.origin,
  );
}

/** Applies the operations to a copy of `target` and returns it. */
export function applyJsonPatch(target: YMap, ops: JsonPatchOp[], by: string): YNode {
  let root: YNode = clone(target);
  for (const op of ops) {
    const valueOf = (): YNode => {
      if (op.value === undefined)
        throw new BuildError(`JSON6902 ${op.op} ${op.path}: missing \`value\``, op.node.origin);
      const v = clone(op.value);
      stamp(v, by);
      return v;
    };
    switch (op.op) {
      case 'add':
        root = addAt(root, op.path, valueOf(), op, false);
        break;
      case 'replace':
        root = addAt(root, op.path, valueOf(), op, true);
        break;
      case 'remove':
        removeAt(root, op.path, op);
        break;
      case 'move': {
        if (op.from === undefined)
          throw new BuildError(`JSON6902 move ${op.path}: missing \`from\``, op.node.origin);
        const v = removeAt(root, op.from, op);
        root = addAt(root, op.path, v, op, false);
        break;
      }
      case 'copy': {
        if (op.from === undefined)
          throw new BuildError(`JSON6902 copy ${op.path}: missing \`from\``, op.node.origin);
        root = addAt(root, op.path, clone(getAt(root, op.from, op)), op, false);
        break;
      }
      case 'test': {
        const actual = getAt(root, op.path, op);
        if (
          !equal(actual, valueOf()) &&
          JSON.stringify(toJS(actual)) !== JSON.stringify(toJS(op.value))
        ) {
          throw new BuildError(
            `JSON6902 test failed: ${op.path} is ${JSON.stringify(toJS(actual))}, not ${JSON.stringify(toJS(op.value))}`,
            op.node.origin,
          );
        }
        break;
      }
      default:
        throw new BuildError(`JSON6902: unknown operation "${op.op}"`, op.node.origin);
    }
  }
  if (!isMap(root))
    throw new BuildError('JSON6902 patch turned the object into something that is not a map');
  return root;
}
