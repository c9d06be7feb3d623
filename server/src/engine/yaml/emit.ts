// Writing nodes back as YAML, in the layout kubectl/kustomize print (keys sorted, lists flush
// with their key, block literals for multi-line strings), optionally with a trailing
// `# file:line` comment on each line saying where its value came from.

import type * as YamlPackage from 'yaml';
import { redactTree } from '../secrets';
import { Origin, YNode, toJS } from './node';
import { resolvePlainScalar } from './resolve';

export interface EmitOptions {
  /** Sort map keys like kustomize's output does (default true). */
  sortKeys?: boolean;
  /** Append `# path:line (by)` to each line that holds a value. */
  showOrigin?: boolean;
  /** Turns an origin into the comment text (default: file:line, plus `by`). */
  describeOrigin?: (o: Origin) => string;
  /** Print secret values in clear (`--show-secrets`); by default engine/secrets.ts redacts them. */
  showSecrets?: boolean;
}

const PLAIN_UNSAFE =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

let yamlPackage: typeof YamlPackage | undefined;
/** The `yaml` package, loaded when a string first needs its quoting (JSON output never does). */
function yaml(): typeof YamlPackage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, above
  return (yamlPackage ??= require('yaml') as typeof YamlPackage);
}

function scalarText(v: null | boolean | number | string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v === '') return '""';
  // Quote whatever would read back as something other than this string (by kustomize's rules
  // or by YAML 1.1 readers such as Helm's).
  if (PLAIN_UNSAFE.test(v) || resolvePlainScalar(v) !== v) return JSON.stringify(v);
  // Most strings are names, versions, paths: plain as they are unless a YAML 1.1 type would
  // claim them (`E7` is a float there). Asking the yaml package for each one (a Document and
  // a Schema per call) was a third of printing a 10,000-object build.
  if (SAFE_PLAIN.test(v) && !yaml11Types().some((re) => re.test(v))) return v;
  const s = yaml()
    .stringify(v, { lineWidth: 0, minContentWidth: 0, version: '1.1' })
    .replace(/\n$/, '');
  return s;
}

/** Characters that never need quoting in a plain scalar (no indicator, space or colon). */
const SAFE_PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
let yaml11Tests: RegExp[] | undefined;

/** The tests by which the yaml package's YAML 1.1 schema types a plain scalar other than a string. */
function yaml11Types(): RegExp[] {
  return (yaml11Tests ??= new (yaml().Document)(null, { version: '1.1' }).schema.tags
    .filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp)
    .map((t) => t.test as RegExp));
}

function originComment(o: Origin | undefined, opts: EmitOptions): string {
  if (!opts.showOrigin || !o) return '';
  const d = opts.describeOrigin
    ? opts.describeOrigin(o)
    : `${o.file}:${o.line}${o.by ? ` (${o.by})` : ''}`;
  return ` # ${d}`;
}

function keyText(k: string): string {
  return scalarText(k);
}

function emitNode(n: YNode, indent: string, lines: string[], opts: EmitOptions): void {
  if (n.kind === 'map') {
    const pairs =
      opts.sortKeys === false
        ? n.pairs
        : n.pairs.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const p of pairs)
      emitEntry(`${indent}${keyText(p.key)}:`, p.value, indent, lines, opts, true);
  } else if (n.kind === 'seq') {
    for (const item of n.items) emitEntry(`${indent}-`, item, indent, lines, opts, false);
  } else {
    lines.push(indent + scalarText(n.value) + originComment(n.origin, opts));
  }
}

function emitEntry(
  head: string,
  v: YNode,
  indent: string,
  lines: string[],
  opts: EmitOptions,
  isMapKey: boolean,
): void {
  if (v.kind === 'map' || v.kind === 'seq') {
    if ((v.kind === 'map' ? v.pairs.length : v.items.length) === 0) {
      lines.push(`${head} ${v.kind === 'map' ? '{}' : '[]'}${originComment(v.origin, opts)}`);
      return;
    }
    if (!isMapKey) {
      // A list item holding a collection: `- key: value` / `- - item`, the rest indented under
      // the first line.
      const sub: string[] = [];
      emitNode(v, indent + '  ', sub, opts);
      sub[0] = `${head} ${sub[0].slice(indent.length + 2)}`;
      lines.push(...sub);
      return;
    }
    lines.push(head);
    // kubectl prints a list flush with its key, a map indented under it.
    emitNode(v, v.kind === 'map' ? indent + '  ' : indent, lines, opts);
    return;
  }
  if (
    typeof v.value === 'string' &&
    v.value.includes('\n') &&
    !/[^\S\n]\n|\t/.test(v.value) &&
    !/^\s/.test(v.value)
  ) {
    const chomp = v.value.endsWith('\n') ? (v.value.endsWith('\n\n') ? '+' : '') : '-';
    const body = v.value.endsWith('\n')
      ? v.value.replace(/\n+$/, chomp === '+' ? '' : '')
      : v.value;
    const bodyLines = (chomp === '+' ? v.value.slice(0, -1) : body).split('\n');
    lines.push(`${head} |${chomp}${originComment(v.origin, opts)}`);
    const pad = indent + '  ';
    for (const l of bodyLines) lines.push(l === '' ? '' : pad + l);
    return;
  }
  lines.push(`${head} ${scalarText(v.value)}${originComment(v.origin, opts)}`);
}

/** One YAML document's text (no `---`), secrets redacted unless `showSecrets`. */
export function emitYaml(n: YNode, opts: EmitOptions = {}): string {
  if (!opts.showSecrets) n = redactTree(n);
  const lines: string[] = [];
  if (n.kind === 'scalar') lines.push(scalarText(n.value));
  else emitNode(n, '', lines, opts);
  return lines.join('\n') + '\n';
}

/** A tree as plain JavaScript for JSON output, secrets redacted unless `showSecrets` (internal logic uses node.ts toJS). */
export function emitJS(n: YNode, opts: { showSecrets?: boolean } = {}): unknown {
  return toJS(opts.showSecrets ? n : redactTree(n));
}

/** Several documents separated by `---`, as `kustomize build` prints them. */
export function emitDocuments(nodes: YNode[], opts: EmitOptions = {}): string {
  return nodes.map((n) => emitYaml(n, opts)).join('---\n');
}
