// configMapGenerator and secretGenerator: make ConfigMaps/Secrets from files, literals and env
// files, and absorb them into the accumulated resources (create, or merge/replace one from a base).

import * as path from 'path';
import { BuildError, fail } from './errors';
import { Loader } from './loader';
import { remember, secretMark } from '../secrets';
import {
  Origin,
  YMap,
  YNode,
  get,
  getString,
  isMap,
  isScalar,
  isSeq,
  map,
  scalar,
  set,
  setOwn,
} from '../yaml/node';
import { Resource, allIds, curId, describeId, idEquals } from './resource';

/** The generators: the kustomization field of each and the kind it makes. */
export const GENERATORS = [
  { field: 'configMapGenerator', kind: 'ConfigMap', originKind: 'ConfigMapGenerator' },
  { field: 'secretGenerator', kind: 'Secret', originKind: 'SecretGenerator' },
] as const;

/** The kustomization fields the generators read. */
export const GENERATOR_FIELDS: readonly string[] = [
  ...GENERATORS.map((g) => g.field),
  'generatorOptions',
];

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

function stringMap(n: YNode | undefined, what: string): Record<string, string> | undefined {
  if (n === undefined || (isScalar(n) && n.value === null)) return undefined;
  if (!isMap(n)) fail(`${what} must be a map of strings`, n.origin);
  const out: Record<string, string> = {};
  for (const p of n.pairs)
    setOwn(out, p.key, isScalar(p.value) && p.value.value !== null ? String(p.value.value) : '');
  return out;
}

export function readOptions(n: YNode | undefined): GeneratorOptions | undefined {
  if (!isMap(n)) return undefined;
  const o: GeneratorOptions = {};
  const labels = stringMap(get(n, 'labels'), 'labels');
  if (labels) o.labels = labels;
  const annotations = stringMap(get(n, 'annotations'), 'annotations');
  if (annotations) o.annotations = annotations;
  const d = get(n, 'disableNameSuffixHash');
  if (isScalar(d) && d.value === true) o.disableNameSuffixHash = true;
  const im = get(n, 'immutable');
  if (isScalar(im) && im.value === true) o.immutable = true;
  return o;
}

/** The kustomization-wide generatorOptions fill in what an entry's own options leave unset. */
export function mergeOptions(
  local: GeneratorOptions | undefined,
  global: GeneratorOptions | undefined,
): GeneratorOptions {
  const out: GeneratorOptions = { ...(local ?? {}) };
  if (!global) return out;
  if (global.labels) out.labels = { ...global.labels, ...(out.labels ?? {}) };
  if (global.annotations) out.annotations = { ...global.annotations, ...(out.annotations ?? {}) };
  if (global.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global.immutable) out.immutable = true;
  return out;
}

function strings(n: YNode | undefined, what: string): { value: string; origin?: Origin }[] {
  if (n === undefined || (isScalar(n) && n.value === null)) return [];
  if (!isSeq(n)) fail(`${what} must be a list`, n.origin);
  return n.items.map((i) => {
    if (!isScalar(i) || i.value === null) fail(`${what} entries must be strings`, i.origin);
    return { value: String(i.value), origin: i.origin };
  });
}

interface Entry {
  key: string;
  value: string;
  binary?: boolean;
  origin?: Origin;
}

function parseLiteral(s: string, origin: Origin | undefined, secret: boolean): Entry {
  const i = s.indexOf('=');
  // kubectl quotes the literal; a secretGenerator's may hold the secret itself.
  if (i <= 0)
    fail(
      `invalid literal source ${secret ? `${secretMark(s)} (not shown: a secretGenerator literal)` : s}, expected key=value`,
      origin,
    );
  const key = s.slice(0, i);
  let value = s.slice(i + 1);
  if (
    value.length >= 2 &&
    value[0] === value[value.length - 1] &&
    (value[0] === '"' || value[0] === "'")
  )
    value = value.slice(1, -1);
  return { key, value, origin };
}

function parseEnvFile(text: string, file: string): Entry[] {
  const out: Entry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, idx) => {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const origin: Origin = {
      file,
      line: idx + 1,
      col: 1,
      endLine: idx + 1,
      endCol: raw.length + 1,
    };
    const i = line.indexOf('=');
    if (i < 0) {
      out.push({ key: line, value: '', origin });
      return;
    }
    out.push({ key: line.slice(0, i), value: line.slice(i + 1), origin });
  });
  return out;
}

/** kustomize writes Secret values as base64 broken into 70-character lines once they are that long. */
function wrapBase64(b64: string): string {
  if (b64.length < 70) return b64;
  let out = '';
  for (let i = 0; i < b64.length; i += 70) out += b64.slice(i, i + 70) + '\n';
  return out;
}

function isUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** Builds one generated ConfigMap or Secret from its generator entry. */
export function generate(
  kind: 'ConfigMap' | 'Secret',
  entry: YMap,
  dir: string,
  loader: Loader,
  global: GeneratorOptions | undefined,
  kustFile: string,
): Resource {
  const name = getString(entry, 'name');
  const where = entry.origin;
  if (!name)
    fail(
      `a ${kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'} entry has no name`,
      where,
    );
  const ns = getString(entry, 'namespace');
  const behaviorText = getString(entry, 'behavior') ?? 'create';
  if (!['create', 'merge', 'replace', ''].includes(behaviorText))
    fail(
      `invalid generator behavior "${behaviorText}": use create, merge or replace`,
      get(entry, 'behavior')?.origin,
    );
  const behavior = (behaviorText || 'create') as 'create' | 'merge' | 'replace';
  const options = mergeOptions(readOptions(get(entry, 'options')), global);
  const by = `${kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'} ${name} (${kustFile})`;

  const entries: Entry[] = [];
  const envs = [
    ...strings(get(entry, 'envs'), 'envs'),
    ...strings(get(entry, 'env'), 'env').slice(0, 1),
  ];
  for (const env of envs) {
    const file = loader.resolve(dir, env.value, env.origin);
    const text = loader.readText(file, env.origin);
    entries.push(...parseEnvFile(text, file));
  }
  // kustomize's order: env files, then literals, then files.
  for (const lit of strings(get(entry, 'literals'), 'literals'))
    entries.push(parseLiteral(lit.value, lit.origin, kind === 'Secret'));
  for (const f of strings(get(entry, 'files'), 'files')) {
    let key: string;
    let rel: string;
    const eq = f.value.indexOf('=');
    if (eq >= 0) {
      key = f.value.slice(0, eq);
      rel = f.value.slice(eq + 1);
      if (!key) fail(`key name for file ${rel} is empty`, f.origin);
    } else {
      rel = f.value;
      key = path.basename(rel);
    }
    const file = loader.resolve(dir, rel, f.origin);
    const buf = loader.readBytes(file, f.origin);
    const fileOrigin: Origin = { file, line: 1, col: 1, endLine: 1, endCol: 1 };
    if (isUtf8(buf)) entries.push({ key, value: buf.toString('utf8'), origin: fileOrigin });
    else entries.push({ key, value: buf.toString('base64'), binary: true, origin: fileOrigin });
  }

  const data = map();
  const binaryData = map();
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.key === '') fail(`empty key name in ${kind} ${name}`, e.origin);
    if (seen.has(e.key))
      fail(
        `cannot add key ${e.key}, another key by that name already exists in ${kind} ${name}`,
        e.origin,
      );
    seen.add(e.key);
    const origin = e.origin ? { ...e.origin, by } : undefined;
    if (kind === 'Secret' && !e.binary) remember(e.value);
    if (kind === 'Secret')
      set(
        data,
        e.key,
        scalar(
          wrapBase64(e.binary ? e.value : Buffer.from(e.value, 'utf8').toString('base64')),
          origin,
        ),
      );
    else if (e.binary) set(binaryData, e.key, scalar(e.value, origin));
    else set(data, e.key, scalar(e.value, origin));
  }

  const genOrigin = where ? { ...where, by } : undefined;
  const meta = map([], genOrigin);
  set(meta, 'name', scalar(name, genOrigin));
  if (ns) set(meta, 'namespace', scalar(ns, genOrigin));
  if (options.labels && Object.keys(options.labels).length)
    set(
      meta,
      'labels',
      map(
        Object.entries(options.labels).map(([k, v]) => ({ key: k, value: scalar(v, genOrigin) })),
        genOrigin,
      ),
    );
  if (options.annotations && Object.keys(options.annotations).length)
    set(
      meta,
      'annotations',
      map(
        Object.entries(options.annotations).map(([k, v]) => ({
          key: k,
          value: scalar(v, genOrigin),
        })),
        genOrigin,
      ),
    );
  const obj = map([], genOrigin);
  set(obj, 'apiVersion', scalar('v1', genOrigin));
  set(obj, 'kind', scalar(kind, genOrigin));
  set(obj, 'metadata', meta);
  if (data.pairs.length) set(obj, 'data', data);
  if (binaryData.pairs.length) set(obj, 'binaryData', binaryData);
  if (kind === 'Secret') set(obj, 'type', scalar(getString(entry, 'type') ?? 'Opaque', genOrigin));
  if (options.immutable) set(obj, 'immutable', scalar(true, genOrigin));
  return {
    node: obj,
    prevIds: [],
    generator: { behavior, needsHash: !options.disableNameSuffixHash, by },
  };
}

function stringPairs(n: YNode | undefined): Map<string, YNode> {
  const out = new Map<string, YNode>();
  if (isMap(n)) for (const p of n.pairs) out.set(p.key, p.value);
  return out;
}

function mergedMap(older: YNode | undefined, newer: YNode | undefined): YMap | undefined {
  const m = new Map([...stringPairs(older), ...stringPairs(newer)]);
  if (m.size === 0) return undefined;
  return map([...m].map(([key, value]) => ({ key, value })));
}

/** Adds a generated resource to the list, or merges/replaces the one it names, as its behavior says. */
export function absorbGenerated(resources: Resource[], res: Resource): void {
  const id = curId(res);
  const matches = resources.filter((r) => allIds(r).some((x) => idEquals(x, id)));
  const behavior = res.generator?.behavior ?? 'create';
  if (matches.length === 0) {
    if (behavior !== 'create')
      throw new BuildError(
        `${describeId(id)} does not exist; cannot ${behavior} (generator behavior ${behavior} needs a ${id.gvk.kind} of that name from a base)`,
        res.node.origin,
      );
    resources.push(res);
    return;
  }
  if (matches.length > 1)
    throw new BuildError(
      `found multiple objects that could accept the ${behavior} of ${describeId(id)}`,
      res.node.origin,
    );
  const old = matches[0];
  if (behavior === 'create')
    throw new BuildError(
      `${describeId(id)} already exists; behavior must be merge or replace`,
      res.node.origin,
    );
  const oldMeta = get(old.node, 'metadata');
  const newMeta = get(res.node, 'metadata') as YMap;
  const labels = mergedMap(get(oldMeta, 'labels'), get(newMeta, 'labels'));
  if (labels) set(newMeta, 'labels', labels);
  const annotations = mergedMap(get(oldMeta, 'annotations'), get(newMeta, 'annotations'));
  if (annotations) set(newMeta, 'annotations', annotations);
  const oldName = get(oldMeta, 'name');
  if (oldName) set(newMeta, 'name', oldName);
  const oldNs = get(oldMeta, 'namespace');
  if (oldNs) set(newMeta, 'namespace', oldNs);
  if (behavior === 'merge') {
    for (const field of ['data', 'binaryData']) {
      const merged = mergedMap(get(old.node, field), get(res.node, field));
      if (merged) set(res.node, field, merged);
    }
  }
  res.prevIds = old.prevIds.slice();
  res.generator = {
    ...res.generator!,
    needsHash: !!old.generator?.needsHash && !!res.generator?.needsHash,
  };
  res.originPath = old.originPath;
  resources[resources.indexOf(old)] = res;
}
