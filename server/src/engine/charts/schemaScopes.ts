// Which values each values.schema.json of a release's chart checks, as Helm's
// ValidateAgainstSchema (pkg/chartutil/jsonschema.go) does before rendering: the chart's schema
// against all the values, then every subchart that stays after the dependencies were processed
// (conditions, tags; under its alias) against the values under its name, recursively. Those are
// the coalesced values, so a subchart's scope holds its defaults, what the parent and the user
// set for it, and the globals copied down: a value keeps the origin of the line that set it.

import { YMap, YNode, getPath, isMap } from '../yaml/node';
import { Chart } from './model';

export interface SchemaScope {
  /** The chart whose schema applies (a subchart: its own name). */
  chart: string;
  /** Where its values sit in the release's values: [] for the chart, ['redis'], ['a', 'b'] below. */
  path: string[];
  schema: object;
  schemaFile?: string;
  values: YMap;
}

/** The chart and each enabled subchart that has a values.schema.json, with the values it checks. */
export function schemaScopes(
  tree: Chart,
  subcharts: readonly { path: string; chart: Chart }[],
  values: YMap,
): SchemaScope[] {
  const out: SchemaScope[] = [];
  const add = (c: Chart, p: string[], v: YNode | undefined) => {
    if (c.schema && typeof c.schema === 'object' && v && isMap(v))
      out.push({ chart: c.name, path: p, schema: c.schema, schemaFile: c.schemaFile, values: v });
  };
  add(tree, [], values);
  for (const s of subcharts) {
    const p = s.path.split('.');
    add(s.chart, p, getPath(values, p));
  }
  return out;
}
