// The objects a valuesFrom entry points at (ConfigMap/Secret from the build output or, for
// values kept in another repository, from an external lookup) and the values text under one
// of their keys, parsed with origins that point into the real file: YAML embedded in a
// `values.yaml: |` block gets the lines and columns of the block's content.

import { FileSystem } from '../fs';
import { Origin, YMap, YNode, get, getString } from '../yaml/node';
import { blockScalarShift } from '../yaml/blockScalar';
import { parseYaml } from '../yaml/parse';
import { stampLayer } from './provenance';
import { Problem } from '../problem';

/** Finds an object by kind, namespace and name; a missing namespace only matches a missing namespace. */
export function findObject(
  docs: readonly YMap[],
  kind: string,
  namespace: string | undefined,
  name: string,
): YMap | undefined {
  return docs.find((d) => {
    const meta = get(d, 'metadata');
    return (
      getString(d, 'kind') === kind &&
      getString(meta, 'name') === name &&
      (getString(meta, 'namespace') ?? '') === (namespace ?? '')
    );
  });
}

export interface DataEntry {
  text: string;
  /** The node holding the text (its origin places the entry in a file). */
  node: YNode;
  /** True when the text was base64-decoded from a Secret's `data`. */
  decoded: boolean;
}

/**
 * The text under `key` of a ConfigMap (`data`) or Secret (`stringData`, else base64 `data`),
 * or undefined when the key is absent. A Secret's `stringData` wins, as the API server does.
 */
export function dataEntry(obj: YMap, key: string): DataEntry | undefined {
  const kind = getString(obj, 'kind');
  if (kind === 'Secret') {
    const s = get(get(obj, 'stringData'), key);
    if (s && s.kind === 'scalar')
      return { text: s.value === null ? '' : String(s.value), node: s, decoded: false };
    const d = get(get(obj, 'data'), key);
    if (d && d.kind === 'scalar')
      return {
        text: Buffer.from(d.value === null ? '' : String(d.value), 'base64').toString('utf8'),
        node: d,
        decoded: true,
      };
    return undefined;
  }
  const v = get(get(obj, 'data'), key);
  if (v && v.kind === 'scalar')
    return { text: v.value === null ? '' : String(v.value), node: v, decoded: false };
  return v ? { text: '', node: v, decoded: false } : undefined;
}

export interface ParsedValues {
  values?: YMap;
  problems: Problem[];
}

/**
 * Parses values text from a data entry like Helm's ReadValues: empty text is `{}`, the first
 * document must be a map. Origins point into the file when the text can be placed there, else
 * at the data entry; every node gets `by`.
 */
export function parseValuesText(
  entry: DataEntry,
  fs: FileSystem,
  by: string,
  what: string,
): ParsedValues {
  const origin = entry.node.origin;
  const fileText = origin ? fs.readFile(origin.file) : undefined;
  let placed = false;
  let parsed;
  if (origin && fileText !== undefined && !entry.decoded) {
    if (fileText === entry.text) {
      parsed = parseYaml(entry.text, origin.file, undefined, 'helm');
      placed = true;
    } else {
      const shift = blockScalarShift(fileText, origin, entry.text);
      if (shift) {
        parsed = parseYaml(entry.text, origin.file, shift, 'helm');
        placed = true;
      }
    }
  }
  // Helm (and helm-controller, through Helm's ReadValues) read values text with YAML 1.1
  // typing: `enabled: yes` is a boolean there, unlike in the manifests kustomize reads.
  if (!parsed) parsed = parseYaml(entry.text, origin?.file ?? what, undefined, 'helm');
  const problems: Problem[] = [];
  for (const p of parsed.problems) {
    const at = placed || !origin ? p.span : origin;
    problems.push({
      severity: 'error',
      message: `${what}: invalid values YAML: ${p.message}${placed ? '' : ` (line ${p.span.line} of the value)`}; Flux would fail the release`,
      span: { file: at.file, line: at.line, col: at.col },
      step: 'values',
      code: 'values-yaml-invalid',
    });
  }
  if (problems.length > 0) return { problems };
  const root = parsed.documents.find((d) => d.root)?.root;
  if (root && root.kind !== 'map') {
    return {
      problems: [
        {
          severity: 'error',
          message: `${what}: values must be a YAML map, found ${root.kind === 'seq' ? 'a list' : 'a scalar'}; Flux would fail the release`,
          ...pointAt(root.origin ?? origin),
          step: 'values',
          code: 'values-not-a-map',
        },
      ],
    };
  }
  const values: YMap = root ?? { kind: 'map', pairs: [] };
  if (!placed && origin) overwriteOrigins(values, origin);
  stampLayer(values, by, origin);
  const shown = entry.node.kind === 'scalar' ? entry.node.shown : undefined;
  if (typeof shown === 'string') {
    // The text had `${VAR}`s from a Secret-backed profile: each leaf shows as in the text with
    // marks; where the two texts do not line up, the whole layer counts as secret.
    const other = parseYaml(shown, origin?.file ?? what, undefined, 'helm').documents.find(
      (d) => d.root,
    )?.root;
    if (!other || !pairShown(values, other)) markSecret(values);
  }
  return { values, problems };
}

/** Copies the leaves of `shown` that differ from `n`'s as their `shown` text; false when the shapes differ. */
function pairShown(n: YNode, shown: YNode): boolean {
  if (n.kind !== shown.kind) return false;
  if (n.kind === 'scalar') {
    const s = (shown as typeof n).value;
    if (s !== n.value) n.shown = s;
    return true;
  }
  if (n.kind === 'seq') {
    const items = (shown as typeof n).items;
    return items.length === n.items.length && n.items.every((x, i) => pairShown(x, items[i]));
  }
  const pairs = (shown as typeof n).pairs;
  return (
    pairs.length === n.pairs.length &&
    n.pairs.every((p, i) => pairs[i].key === p.key && pairShown(p.value, pairs[i].value))
  );
}

function markSecret(n: YNode): void {
  if (n.origin) n.origin = { ...n.origin, secret: true };
  if (n.kind === 'map') n.pairs.forEach((p) => markSecret(p.value));
  else if (n.kind === 'seq') n.items.forEach(markSecret);
}

function overwriteOrigins(n: YNode, origin: Origin): void {
  n.origin = origin;
  if (n.kind === 'map') {
    for (const p of n.pairs) {
      if (p.keyOrigin) p.keyOrigin = origin;
      overwriteOrigins(p.value, origin);
    }
  } else if (n.kind === 'seq') n.items.forEach((i) => overwriteOrigins(i, origin));
}

/** A problem's place at a line and column (values problems underline no range). */
function pointAt(o: Origin | undefined): Pick<Problem, 'span'> {
  return o ? { span: { file: o.file, line: o.line, col: o.col } } : {};
}
