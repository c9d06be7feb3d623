// Values text as Helm 3.18 decodes it into template data: go-yaml v2 typing (`yes` is true),
// maps with string keys, and numbers either json.Number (a chart's values.yaml, read with
// UseNumber) or float64 (user values files, helm-controller's spec.values).

import { Problem } from '../problem';
import { parseYaml } from '../yaml/parse';
import { FastDocument, fastParseYaml } from '../yaml/fastParse';
import { rememberDocument } from '../secrets';
import { YNode } from '../yaml/node';
import { jsonNumber } from './json';
import { GoMap, GoValue, JsonNumber, newMap } from './value';

export interface DecodedValues {
  value: GoMap;
  /** YAML errors of the values text (step `yaml`). */
  problems: Problem[];
}

function fromNode(n: YNode, numbers: 'json' | 'float'): GoValue {
  if (n.kind === 'map') return newMap(n.pairs.map((p) => [p.key, fromNode(p.value, numbers)]));
  if (n.kind === 'seq') return n.items.map((x) => fromNode(x, numbers));
  const v = n.value;
  if (typeof v === 'number') {
    if (numbers === 'float') return v;
    return new JsonNumber(jsonNumber(v));
  }
  return v;
}

/**
 * The fast reader over a text whose values alone are kept (values files, fromYaml), also when it
 * starts with a `---` line or lacks its last line break, which the reader leaves to the general
 * one: the marker becomes spaces (every offset stays) and a line break is added. Neither changes a
 * value, except the break for a literal block scalar that runs to the end of the text (it would
 * gain a line break): then the general reader reads it.
 */
export function fastValuesDocument(text: string, file: string): FastDocument | null | undefined {
  let t = text;
  if (t.startsWith('---\n')) t = '   ' + t.slice(3);
  if (t.length === 0 || t.charCodeAt(t.length - 1) === 10)
    return fastParseYaml(t, file, 'helm', 0, 0, true);
  let lines = 1;
  for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) lines++;
  const doc = fastParseYaml(t + '\n', file, 'helm', 0, 0, true);
  return doc && endsOnLine(doc.root, lines + 1) ? undefined : doc;
}

/** Whether a string scalar of the tree ends on line `line` (a block scalar running to the end). */
function endsOnLine(n: YNode, line: number): boolean {
  if (n.kind === 'map') return n.pairs.some((p) => endsOnLine(p.value, line));
  if (n.kind === 'seq') return n.items.some((x) => endsOnLine(x, line));
  return typeof n.value === 'string' && (n.origin?.endLine ?? 0) >= line;
}

/** Decodes a values document; `numbers: 'json'` for chart defaults, 'float' for user values. */
export function readChartValues(
  text: string,
  file: string,
  numbers: 'json' | 'float' = 'json',
): DecodedValues {
  // Only values are kept: the fast reader may read comments whose effect on origins it cannot say.
  const fast = fastValuesDocument(text, file);
  if (fast !== undefined) {
    if (fast) rememberDocument(fast.root);
    const root = fast?.root;
    const value = root && root.kind === 'map' ? (fromNode(root, numbers) as GoMap) : newMap();
    return { value, problems: [] };
  }
  const parsed = parseYaml(text, file, undefined, 'helm');
  const problems = parsed.problems.filter((p) => p.severity === 'error');
  const root = parsed.documents[0]?.root;
  const value = root && root.kind === 'map' ? (fromNode(root, numbers) as GoMap) : newMap();
  return { value, problems };
}

export function valuesFromNode(n: YNode, numbers: 'json' | 'float'): GoValue {
  return fromNode(n, numbers);
}

/**
 * Effective values from the values engine (user layers coalesced over chart defaults) as
 * template data: leaves that came from the chart's values.yaml (origin `chart default`) keep
 * json.Number typing, user leaves are float64, as Helm would have them.
 */
export function effectiveValuesToGo(n: YNode): GoValue {
  if (n.kind === 'map') return newMap(n.pairs.map((p) => [p.key, effectiveValuesToGo(p.value)]));
  if (n.kind === 'seq') return n.items.map(effectiveValuesToGo);
  if (typeof n.value === 'number' && n.origin?.by === 'chart default')
    return new JsonNumber(jsonNumber(n.value));
  return n.value;
}
