// Flux kustomize-controller's postBuild substitution on a build output, with the variables of
// a "cluster profile" (a YAML file of `key: value`, a ConfigMap such as d1's
// `flux-runtime-info`, or a Flux Kustomization's postBuild.substitute).
//
// Flux expands the YAML text of each object and parses it again; we expand each string scalar,
// which is the same thing as long as a value does not change the YAML structure. A plain
// (unquoted) scalar is typed again after expansion (`replicas: ${N}` becomes a number), as
// re-parsing the text does; quoted and block scalars stay strings.
// Without a profile nothing is replaced: `${VAR}` stays as written and the variables are listed.

import { parse as parseYamlValue } from 'yaml';
import { FileSystem } from '../fs';
import { Problem } from '../problem';
import { Origin, YMap, YNode, clone, get, getString } from '../yaml/node';
import { parseYaml } from '../yaml/parse';
import { remember, secretMark } from '../secrets';
import { expand } from './envsubst';

export interface Variable {
  value: string;
  origin?: Origin;
  /** Read from a Secret: what it substitutes is shown as a mark (engine/secrets.ts). */
  secret?: boolean;
}

export type Variables = Map<string, Variable>;

export interface VariableReference {
  name: string;
  /** Where the `${...}` is written (the scalar holding it). */
  origin?: Origin;
  defaultText?: string;
  resolved: boolean;
}

export interface SubstituteOptions {
  /** kustomize-controller's StrictPostBuildSubstitutions: an unset variable without default is an error. */
  strict?: boolean;
  /** postBuild.substituteStrategy Always: substitute even with no variables (for defaults). */
  always?: boolean;
}

export interface SubstituteResult {
  /** The documents after substitution: copies when variables are substituted, else the input documents (never modified). */
  documents: YMap[];
  references: VariableReference[];
  problems: Problem[];
}

const DISABLE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';
const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** Substitutes `variables` (undefined = no profile: only list the references) in `docs`. */
export function substituteDocuments(
  docs: readonly YMap[],
  fs: FileSystem,
  variables: Variables | undefined,
  options: SubstituteOptions = {},
): SubstituteResult {
  const references: VariableReference[] = [];
  const problems: Problem[] = [];
  if (variables) {
    for (const [name, v] of variables) {
      if (!VAR_NAME.test(name))
        problems.push({
          severity: 'error',
          message: `'${name}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'; Flux would fail the Kustomization`,
          ...place(v.origin),
          code: 'substitute-var-name',
        });
    }
  }
  const active = variables !== undefined && (variables.size > 0 || options.always === true);
  const documents = docs.map((doc) => {
    const meta = get(doc, 'metadata');
    if (
      getString(get(meta, 'annotations'), DISABLE_KEY) === 'disabled' ||
      getString(get(meta, 'labels'), DISABLE_KEY) === 'disabled'
    )
      return doc;
    // Without variables nothing is replaced (references and syntax are only listed): no copy.
    if (!active) {
      visit(doc, (n) => substituteScalar(n, fs, undefined, options, references, problems));
      return doc;
    }
    const copy = clone(doc);
    walk(copy, (n) => substituteScalar(n, fs, variables, options, references, problems));
    return copy;
  });
  return { documents, references, problems };
}

/** Substitution problems are placed at a line and column, step `substitute`. */
function place(o: Origin | undefined): Pick<Problem, 'span' | 'step'> {
  return o
    ? { span: { file: o.file, line: o.line, col: o.col }, step: 'substitute' }
    : { step: 'substitute' };
}

function visit(n: YNode, f: (n: YNode) => void): void {
  if (n.kind === 'map') for (const p of n.pairs) visit(p.value, f);
  else if (n.kind === 'seq') for (const i of n.items) visit(i, f);
  else f(n);
}

function walk(n: YNode, f: (n: YNode) => YNode): YNode {
  if (n.kind === 'map') for (const p of n.pairs) p.value = walk(p.value, f);
  else if (n.kind === 'seq') n.items = n.items.map((i) => walk(i, f));
  else return f(n);
  return n;
}

function substituteScalar(
  n: YNode,
  fs: FileSystem,
  variables: Variables | undefined,
  options: SubstituteOptions,
  refs: VariableReference[],
  problems: Problem[],
): YNode {
  if (n.kind !== 'scalar' || typeof n.value !== 'string' || !n.value.includes('$')) return n;
  const lookup = (name: string) => variables?.get(name)?.value;
  const r = expand(n.value, lookup, variables === undefined);
  for (const u of r.uses)
    refs.push({
      name: u.name,
      origin: n.origin,
      defaultText: u.defaultText,
      resolved: variables?.has(u.name) ?? false,
    });
  if (r.error) {
    problems.push({
      severity: variables ? 'error' : 'warning',
      message: `${r.error}; Flux would fail the Kustomization`,
      ...place(n.origin),
      code: 'substitute-syntax',
    });
    return n;
  }
  if (!variables) return n;
  const unresolved = r.uses
    .filter((u) => !variables.has(u.name) && u.defaultText === undefined)
    .map((u) => u.name);
  for (const name of new Set(unresolved)) {
    problems.push({
      severity: options.strict ? 'error' : 'warning',
      message: `\${${name}} is not set by the cluster profile${options.strict ? '; Flux (strict) would fail the Kustomization' : ' and becomes an empty string'}`,
      ...place(n.origin),
      code: 'substitute-unresolved',
    });
  }
  if (r.output === n.value) return n;
  const names = [...new Set(r.uses.map((u) => `\${${u.name}}`))].join(' ');
  const origin = n.origin ? { ...n.origin, by: `substitution ${names}` } : undefined;
  const out: YNode = {
    kind: 'scalar',
    value: isPlain(n, fs) ? retype(r.output) : r.output,
    overrides: [{ kind: 'scalar', value: n.value, origin: n.origin }, ...(n.overrides ?? [])],
  };
  if (origin) out.origin = origin;
  if (r.uses.some((u) => variables.get(u.name)?.secret)) {
    // What this scalar looks like with the secret variables as marks: shown unless --show-secrets.
    out.shown = expand(n.value, (name) => {
      const v = variables.get(name);
      return v?.secret ? secretMark(v.value) : v?.value;
    }).output;
  }
  return out;
}

/** True when the scalar is written unquoted in its file (so Flux's re-parse types it). */
function isPlain(n: YNode, fs: FileSystem): boolean {
  const o = n.origin;
  if (!o) return true;
  const line = fs.readFile(o.file)?.split(/\r?\n/)[o.line - 1];
  const c = line?.[o.col - 1];
  return c !== undefined && !`'"|>`.includes(c);
}

/** Types a plain scalar's text as sigs.k8s.io/yaml (YAML 1.1) would; anything structured stays a string. */
function retype(text: string): string | number | boolean | null {
  try {
    const v: unknown = parseYamlValue(text, { version: '1.1' });
    if (v === null || typeof v === 'number' || typeof v === 'boolean')
      return v as null | number | boolean;
  } catch {
    // not a scalar on its own: keep the text
  }
  return text;
}

/**
 * Variables from a cluster profile file: a ConfigMap or Secret (`data`/`stringData`), a Flux
 * Kustomization (`spec.postBuild.substitute`), or a plain map of `key: value`. Several documents
 * merge, later ones winning. Newlines are removed from values, as Flux does.
 */
export function loadProfile(
  fs: FileSystem,
  file: string,
): { variables: Variables; problems: Problem[] } {
  const text = fs.readFile(file);
  const variables: Variables = new Map();
  if (text === undefined)
    return {
      variables,
      problems: [
        {
          severity: 'error',
          message: `cluster profile ${file} not found`,
          step: 'substitute',
          code: 'profile-missing',
        },
      ],
    };
  const parsed = parseYaml(text, file);
  const problems: Problem[] = parsed.problems.map((p) => ({
    severity: p.severity,
    message: p.message,
    span: { file: p.span.file, line: p.span.line, col: p.span.col },
    step: 'substitute',
    code: 'profile-yaml',
  }));
  for (const d of parsed.documents)
    if (d.root && d.root.kind === 'map') addVariables(variables, d.root);
  return { variables, problems };
}

/** Adds the variables one profile document defines (see loadProfile). */
export function addVariables(variables: Variables, doc: YMap): void {
  const kind = getString(doc, 'kind');
  let source: YNode | undefined = doc;
  const base64 = false;
  if (kind === 'ConfigMap') source = get(doc, 'data');
  else if (kind === 'Secret') {
    const data = get(doc, 'data');
    if (data && data.kind === 'map') addFrom(variables, data, true, true);
    source = get(doc, 'stringData');
  } else if (kind === 'Kustomization')
    source = get(get(get(doc, 'spec'), 'postBuild'), 'substitute');
  if (source && source.kind === 'map') addFrom(variables, source, base64, kind === 'Secret');
}

function addFrom(variables: Variables, m: YMap, base64: boolean, secret = false): void {
  for (const p of m.pairs) {
    if (p.value.kind !== 'scalar') continue;
    const raw = p.value.value === null ? '' : String(p.value.value);
    const value = (base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw).replace(/\n/g, '');
    const origin = p.value.origin ?? p.keyOrigin;
    if (secret) remember(value);
    variables.set(p.key, secret ? { value, origin, secret } : { value, origin });
  }
}
