// Values text as Helm 3.18 decodes it into template data: go-yaml v2 typing (`yes` is true),
// maps with string keys, and numbers either json.Number (a chart's values.yaml, read with
// UseNumber) or float64 (user values files, helm-controller's spec.values).

import { Problem } from '../problem';
import { parseYaml } from '../yaml/parse';
import { fastParseYaml } from '../yaml/fastParse';
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

/** Decodes a values document; `numbers: 'json'` for chart defaults, 'float' for user values. */
export function readChartValues(
  text: string,
  file: string,
  numbers: 'json' | 'float' = 'json',
): DecodedValues {
  // Only values are kept: the fast reader may read comments whose effect on origins it cannot say.
  const fast = fastParseYaml(text, file, 'helm', 0, 0, true);
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
