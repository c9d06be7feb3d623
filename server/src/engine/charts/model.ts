// A Helm chart as the values engine needs it: metadata, defaults (values.yaml with origins),
// values.schema.json, the dependencies Chart.yaml (or a v1 chart's requirements.yaml) declares
// and the subcharts vendored under charts/ (folders or .tgz), recursively. Plain data.

import { YMap } from '../yaml/node';
import { Problem } from '../problem';

export type ImportValue = string | { child: string; parent: string };

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags: string[];
  alias?: string;
  importValues: ImportValue[];
}

export interface Chart {
  name: string;
  version?: string;
  /** `application` (default) or `library`. */
  type?: string;
  /** Folder or .tgz (for a subchart inside a .tgz: `outer.tgz!/name/charts/sub.tgz`). */
  source: string;
  /** The file values.yaml was read from (origins point there). */
  valuesFile: string;
  /** Defaults, every node stamped `chart default` (subcharts: `chart default parent:sub`). */
  values: YMap;
  /** The raw text of values.yaml (helm-docs comments for hover and completion). */
  valuesText: string;
  schema?: unknown;
  schemaFile?: string;
  /** Undefined when Chart.yaml declares no dependencies (Helm then processes none). */
  dependencies?: ChartDependency[];
  subcharts: Chart[];
  problems: Problem[];
}
