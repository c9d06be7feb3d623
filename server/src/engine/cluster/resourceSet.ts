// Flux Operator ResourceSet expansion, as the operator's builder does it:
// - inputs: `spec.inputs` plus the exported inputs of the ResourceSetInputProviders that
//   `spec.inputsFrom` names (by name, or by label selector, in the ResourceSet's namespace;
//   sorted by group/version/kind, namespace, name). Only `Static` providers are known offline:
//   they export one input, `spec.defaultValues` plus `id`. Every input set gets `provider`
//   (apiVersion, kind, name, namespace of where it came from).
// - inputStrategy Flatten (default: concatenation) or Permute (Cartesian product, each set under
//   the normalized provider name, `id` = adler32 of `name=index/...`, at most 10000).
// - every `spec.resources` entry is printed as YAML and rendered once per input set with
//   Go text/template (`<<` `>>`, missingkey=error); `spec.resourcesTemplate` is one multi-document
//   template rendered per input set; `spec.steps` each hold the same two fields. Objects
//   annotated `fluxcd.controlplane.io/reconcile: disabled` are dropped; duplicates (same
//   group, kind, namespace, name) keep the first. `spec.commonMetadata` labels/annotations are
//   set on every object.
// Rendered nodes keep the origin of the template node at the same path (so a value points at
// the ResourceSet line that produced it), with `by: ResourceSet ns/name inputs[i]`.

import { Problem, pointAt } from '../problem';
import {
  Origin,
  YMap,
  YNode,
  clone,
  get,
  getPath,
  getString,
  isMap,
  isScalar,
  isSeq,
  map,
  scalar,
  set,
  toJS,
  setOwn,
} from '../yaml/node';
import { emitYaml } from '../yaml/emit';
import { parseYaml } from '../yaml/parse';
import { GoTemplate, TemplateError } from './gotemplate';
import { templateFunctions } from './templateFunctions';
import { ClusterProblem } from './types';

export const RESOURCESET_API_GROUP = 'fluxcd.controlplane.io';
const RECONCILE_ANNOTATION = 'fluxcd.controlplane.io/reconcile';
const MAX_PERMUTATIONS = 10000;

type Inputs = Record<string, unknown>;

export interface ExpandedObject {
  node: YMap;
  /** Which input set produced it (index into `inputs`), absent when there were none. */
  input?: number;
}

export interface ResourceSetExpansion {
  inputs: Inputs[];
  objects: ExpandedObject[];
  problems: ClusterProblem[];
}

export function isResourceSet(n: YMap): boolean {
  return (
    getString(n, 'kind') === 'ResourceSet' &&
    (getString(n, 'apiVersion') ?? '').startsWith(RESOURCESET_API_GROUP + '/')
  );
}

export function isInputProvider(n: YMap): boolean {
  return (
    getString(n, 'kind') === 'ResourceSetInputProvider' &&
    (getString(n, 'apiVersion') ?? '').startsWith(RESOURCESET_API_GROUP + '/')
  );
}

function at(o: Origin | undefined): Pick<Problem, 'span'> {
  return pointAt(o);
}

/** adler32 checksum as a decimal string (the operator's inputs.ID). */
export function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

/** The operator's NormalizeKeyForTemplate. */
export function normalizeKey(key: string): string {
  let s = '';
  for (const ch of key) {
    const r = ch.toLowerCase();
    if (/\s/u.test(r) || /\p{P}/u.test(r)) s += '_';
    else if (/[a-z0-9]/.test(r)) s += r;
  }
  return s
    .split('_')
    .filter((w) => w)
    .join('_');
}

function metaOf(n: YMap): { name: string; namespace: string } {
  const m = get(n, 'metadata');
  return { name: getString(m, 'name') ?? '', namespace: getString(m, 'namespace') ?? '' };
}

function matchesLabelSelector(labels: Record<string, string>, sel: YNode | undefined): boolean {
  if (!isMap(sel)) return false;
  const ml = get(sel, 'matchLabels');
  if (isMap(ml))
    for (const p of ml.pairs)
      if (labels[p.key] !== (isScalar(p.value) ? String(p.value.value) : undefined)) return false;
  const me = get(sel, 'matchExpressions');
  if (isSeq(me)) {
    for (const e of me.items) {
      const key = getString(e, 'key') ?? '';
      const op = getString(e, 'operator') ?? '';
      const vals = get(e, 'values');
      const values = isSeq(vals) ? vals.items.map((v) => (isScalar(v) ? String(v.value) : '')) : [];
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      if (op === 'In' && !(has && values.includes(labels[key]))) return false;
      if (op === 'NotIn' && has && values.includes(labels[key])) return false;
      if (op === 'Exists' && !has) return false;
      if (op === 'DoesNotExist' && has) return false;
    }
  }
  return true;
}

function labelsOf(n: YMap): Record<string, string> {
  const l = get(get(n, 'metadata'), 'labels');
  const out: Record<string, string> = {};
  if (isMap(l))
    for (const p of l.pairs)
      if (isScalar(p.value))
        setOwn(out, p.key, p.value.value === null ? '' : String(p.value.value));
  return out;
}

function providerField(
  apiVersion: string,
  kind: string,
  m: { name: string; namespace: string },
): Inputs {
  return { apiVersion, kind, name: m.name, namespace: m.namespace };
}

/**
 * The combined input sets of `rset`; `providers` are the ResourceSetInputProviders the cluster
 * has (any namespace).
 */
export function combineInputs(
  rset: YMap,
  providers: readonly YMap[],
  problems: ClusterProblem[],
): Inputs[] {
  const spec = get(rset, 'spec');
  const m = metaOf(rset);
  const ownInputs: Inputs[] = [];
  const inputsNode = get(spec, 'inputs');
  if (inputsNode && !isSeq(inputsNode) && !(isScalar(inputsNode) && inputsNode.value === null)) {
    problems.push({
      severity: 'error',
      code: 'resourceset-inputs',
      message: 'spec.inputs must be a list of maps',
      ...at(inputsNode.origin),
    });
  }
  if (isSeq(inputsNode)) {
    inputsNode.items.forEach((item, i) => {
      if (!isMap(item)) {
        problems.push({
          severity: 'error',
          code: 'resourceset-inputs',
          message: `spec.inputs[${i}] must be a map`,
          ...at(item.origin),
        });
        return;
      }
      ownInputs.push({
        ...(toJS(item) as Inputs),
        provider: providerField(
          getString(rset, 'apiVersion') ?? 'fluxcd.controlplane.io/v1',
          'ResourceSet',
          m,
        ),
      });
    });
  }
  // Providers from inputsFrom, deduplicated and sorted as the operator does.
  const chosen = new Map<string, YMap>();
  const from = get(spec, 'inputsFrom');
  if (isSeq(from)) {
    for (const ref of from.items) {
      const name = getString(ref, 'name');
      const selector = get(ref, 'selector');
      const candidates = providers.filter((p) => metaOf(p).namespace === m.namespace);
      if (name) {
        const p = candidates.find((c) => metaOf(c).name === name);
        if (!p) {
          problems.push({
            severity: 'error',
            code: 'resourceset-provider-missing',
            message: `ResourceSetInputProvider ${m.namespace}/${name} is not among the objects this cluster gets; the operator would fail the ResourceSet`,
            ...at(ref.origin),
          });
          continue;
        }
        chosen.set(`${m.namespace}/${name}`, p);
      } else if (selector) {
        for (const p of candidates)
          if (matchesLabelSelector(labelsOf(p), selector))
            chosen.set(`${m.namespace}/${metaOf(p).name}`, p);
      } else {
        problems.push({
          severity: 'error',
          code: 'resourceset-inputs-from',
          message: 'input provider reference must have either name or selector set',
          ...at(ref.origin),
        });
      }
    }
  }
  const sorted = [...chosen.values()].sort((a, b) => {
    const ka = `${getString(a, 'apiVersion')}/${metaOf(a).namespace}/${metaOf(a).name}`;
    const kb = `${getString(b, 'apiVersion')}/${metaOf(b).namespace}/${metaOf(b).name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const sources: { name: string; inputs: Inputs[] }[] = [{ name: m.name, inputs: ownInputs }];
  for (const p of sorted)
    sources.push({ name: metaOf(p).name, inputs: providerInputs(p, problems) });

  const strategy = getString(get(spec, 'inputStrategy'), 'name') ?? 'Flatten';
  if (strategy === 'Flatten') return sources.flatMap((s) => s.inputs);
  if (strategy !== 'Permute') {
    problems.push({
      severity: 'error',
      code: 'resourceset-strategy',
      message: `unknown input strategy: '${strategy}'`,
      ...at(get(spec, 'inputStrategy')?.origin),
    });
    return [];
  }
  const includeEmpty = getPath(spec, ['inputStrategy', 'includeEmptyProviders']);
  const keepEmpty = isScalar(includeEmpty) && includeEmpty.value === true;
  const scoped: { key: string; sets: Inputs[] }[] = [];
  let total = 1;
  for (const s of sources) {
    if (!keepEmpty && s.inputs.length === 0) continue;
    total *= s.inputs.length;
    if (total > MAX_PERMUTATIONS) {
      problems.push({
        severity: 'error',
        code: 'resourceset-permutations',
        message: `adding provider '${s.name}' with ${s.inputs.length} inputs would exceed the maximum allowed permutations. max: ${MAX_PERMUTATIONS}, got: ${total}`,
        ...at(get(spec, 'inputStrategy')?.origin),
      });
      return [];
    }
    const key = normalizeKey(s.name);
    if (!key) {
      problems.push({
        severity: 'error',
        code: 'resourceset-provider-name',
        message: `normalized provider name is empty: '${s.name}'`,
        ...at(rset.origin),
      });
      return [];
    }
    scoped.push({ key, sets: s.inputs });
  }
  if (scoped.length === 0 || scoped.some((s) => s.sets.length === 0)) return [];
  const out: Inputs[] = [];
  const pick = (i: number, acc: Inputs, ids: string[]) => {
    if (i === scoped.length) {
      out.push({ ...acc, id: adler32(ids.join('/')) });
      return;
    }
    scoped[i].sets.forEach((set, j) =>
      pick(i + 1, { ...acc, [scoped[i].key]: set }, [...ids, `${scoped[i].key}=${j}`]),
    );
  };
  pick(0, {}, []);
  return out;
}

/** Exported inputs of one provider; only Static providers are known without the cluster. */
function providerInputs(p: YMap, problems: ClusterProblem[]): Inputs[] {
  const spec = get(p, 'spec');
  const type = getString(spec, 'type') ?? '';
  const m = metaOf(p);
  const provider = providerField(
    getString(p, 'apiVersion') ?? 'fluxcd.controlplane.io/v1',
    'ResourceSetInputProvider',
    m,
  );
  if (type !== 'Static') {
    problems.push({
      severity: 'warning',
      code: 'resourceset-provider-external',
      message: `ResourceSetInputProvider ${m.namespace}/${m.name} is of type ${type || '(none)'}: its inputs come from an external service at run time and are not known offline (no objects generated from it)`,
      ...at(get(spec, 'type')?.origin ?? p.origin),
    });
    return [];
  }
  const defaults = get(spec, 'defaultValues');
  const values = isMap(defaults) ? (toJS(defaults) as Inputs) : {};
  // The operator's id is adler32 of the provider's UID, which only the cluster knows.
  return [{ ...values, id: UNKNOWN_ID, provider }];
}

export const UNKNOWN_ID = 'static-provider-id-unknown-offline';

/** Copies `origin`s of the template tree onto the rendered tree, path by path. */
function placeOrigins(
  rendered: YNode,
  template: YNode | undefined,
  fallback: Origin | undefined,
  by: string,
): void {
  const o = template?.origin ?? fallback;
  if (o) rendered.origin = { ...o, by };
  else delete rendered.origin;
  if (rendered.kind === 'map') {
    for (const p of rendered.pairs) {
      const t = isMap(template) ? template.pairs.find((x) => x.key === p.key) : undefined;
      if (t?.keyOrigin) p.keyOrigin = t.keyOrigin;
      else delete p.keyOrigin;
      placeOrigins(p.value, t?.value, o, by);
    }
  } else if (rendered.kind === 'seq') {
    rendered.items.forEach((item, i) =>
      placeOrigins(item, isSeq(template) ? template.items[i] : undefined, o, by),
    );
  }
}

function renderText(
  text: string,
  input: Inputs | undefined,
  where: Origin | undefined,
  what: string,
  problems: ClusterProblem[],
): YNode[] | undefined {
  let out: string;
  try {
    out = new GoTemplate(text, templateFunctions(input ?? null)).execute(null);
  } catch (e) {
    if (e instanceof TemplateError) {
      problems.push({
        severity: 'error',
        code: 'resourceset-template',
        message: `${what}: template: ${e.message}${e.line ? ` (template line ${e.line})` : ''}; the operator would fail the ResourceSet`,
        ...at(where),
      });
      return undefined;
    }
    throw e;
  }
  // The operator reads the output with sigs.k8s.io/yaml (go-yaml v2 typing).
  const parsed = parseYaml(out, where?.file ?? '<resourceset>', undefined, 'helm');
  const err = parsed.problems.find((p) => p.severity === 'error');
  if (err) {
    problems.push({
      severity: 'error',
      code: 'resourceset-yaml',
      message: `${what}: the rendered template is not valid YAML: ${err.message}`,
      ...at(where),
    });
    return undefined;
  }
  return parsed.documents
    .map((d) => d.root)
    .filter((r): r is YNode => r !== undefined && !(isScalar(r) && r.value === null));
}

/** Expands one ResourceSet (already substituted by the Kustomization that applied it). Never throws. */
export function expandResourceSet(rset: YMap, providers: readonly YMap[]): ResourceSetExpansion {
  const problems: ClusterProblem[] = [];
  const spec = get(rset, 'spec');
  const m = metaOf(rset);
  const inputs = combineInputs(rset, providers, problems);
  const objects: ExpandedObject[] = [];
  const seen = new Set<string>();
  const add = (n: YNode, input: number | undefined, dedup: boolean, where: Origin | undefined) => {
    if (!isMap(n) || !getString(n, 'kind')) {
      problems.push({
        severity: 'error',
        code: 'resourceset-object',
        message: `ResourceSet ${m.namespace}/${m.name}: a rendered resource is not an object with a kind`,
        ...at(where),
      });
      return;
    }
    const key = objectKey(n);
    if (dedup && seen.has(key)) return;
    seen.add(key);
    objects.push(input === undefined ? { node: n } : { node: n, input });
  };
  const disabled = (n: YNode) =>
    isMap(n) &&
    (
      getString(get(get(n, 'metadata'), 'annotations'), RECONCILE_ANNOTATION) ?? ''
    ).toLowerCase() === 'disabled';

  const buildGroup = (holder: YNode | undefined) => {
    const resources = get(holder, 'resources');
    if (isSeq(resources)) {
      resources.items.forEach((tmpl, i) => {
        if (!isMap(tmpl)) {
          problems.push({
            severity: 'error',
            code: 'resourceset-object',
            message: `resources[${i}] must be an object`,
            ...at(tmpl.origin),
          });
          return;
        }
        const text = emitYaml(tmpl);
        if (inputs.length === 0) {
          for (const r of renderText(text, undefined, tmpl.origin, `resources[${i}]`, problems) ??
            []) {
            placeOrigins(r, tmpl, tmpl.origin, `ResourceSet ${m.namespace}/${m.name}`);
            add(r, undefined, false, tmpl.origin);
          }
          return;
        }
        inputs.forEach((input, k) => {
          for (const r of renderText(
            text,
            input,
            tmpl.origin,
            `resources[${i}] with inputs[${k}]`,
            problems,
          ) ?? []) {
            if (disabled(r)) continue;
            placeOrigins(r, tmpl, tmpl.origin, `ResourceSet ${m.namespace}/${m.name} inputs[${k}]`);
            add(r, k, true, tmpl.origin);
          }
        });
      });
    }
    const tmplNode = get(holder, 'resourcesTemplate');
    const text =
      isScalar(tmplNode) && typeof tmplNode.value === 'string' ? tmplNode.value : undefined;
    if (text) {
      const runs: (number | undefined)[] = inputs.length ? inputs.map((_, k) => k) : [undefined];
      for (const k of runs) {
        for (const r of renderText(
          text,
          k === undefined ? undefined : inputs[k],
          tmplNode!.origin,
          `resourcesTemplate${k === undefined ? '' : ` with inputs[${k}]`}`,
          problems,
        ) ?? []) {
          if (disabled(r)) continue;
          placeOrigins(
            r,
            undefined,
            tmplNode!.origin,
            `ResourceSet ${m.namespace}/${m.name}${k === undefined ? '' : ` inputs[${k}]`} (resourcesTemplate)`,
          );
          add(r, k, true, tmplNode!.origin);
        }
      }
    }
  };

  const steps = get(spec, 'steps');
  if (isSeq(steps) && steps.items.length) {
    if (get(spec, 'resources') || get(spec, 'resourcesTemplate')) {
      problems.push({
        severity: 'error',
        code: 'resourceset-steps',
        message: 'spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate',
        ...at(steps.origin),
      });
      return { inputs, objects: [], problems };
    }
    for (const step of steps.items) buildGroup(step);
  } else buildGroup(spec);

  const cm = get(spec, 'commonMetadata');
  if (isMap(cm)) for (const o of objects) applyCommonMetadata(o.node, cm);
  return { inputs, objects, problems };
}

export function objectKey(n: YMap): string {
  const api = getString(n, 'apiVersion') ?? '';
  const group = api.includes('/') ? api.slice(0, api.indexOf('/')) : '';
  const meta = get(n, 'metadata');
  return `${group}/${getString(n, 'kind') ?? ''}/${getString(meta, 'namespace') ?? ''}/${getString(meta, 'name') ?? ''}`;
}

/** ssautil.SetCommonMetadata: labels and annotations set on metadata (not on selectors/templates). */
export function applyCommonMetadata(n: YMap, cm: YMap): void {
  for (const field of ['labels', 'annotations']) {
    const src = get(cm, field);
    if (!isMap(src) || src.pairs.length === 0) continue;
    let meta = get(n, 'metadata');
    if (!isMap(meta)) {
      meta = map();
      set(n, 'metadata', meta);
    }
    let dst = get(meta, field);
    if (!isMap(dst)) {
      dst = map();
      set(meta as YMap, field, dst);
    }
    for (const p of src.pairs) {
      const v = clone(p.value);
      const value = isScalar(v)
        ? scalar(
            v.value === null ? '' : String(v.value),
            v.origin ? { ...v.origin, by: 'commonMetadata' } : undefined,
          )
        : v;
      set(dst as YMap, p.key, value, p.keyOrigin);
    }
  }
}
