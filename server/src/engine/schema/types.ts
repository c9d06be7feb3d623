// Types shared by the schema engine: the subset of JSON Schema we understand, and the problems
// validation reports. Problems carry the same position fields as YAML problems (yaml/parse.ts),
// so the language server and the CLI convert both the same way.

import type { PlacedProblem } from '../problem';
import type { Origin } from '../yaml/node';

/**
 * A JSON Schema (draft 2019-09 subset) or a CRD's OpenAPI v3 schema. After loading (store.ts)
 * every `$ref` has been replaced by the schema it points at, so walkers never resolve references.
 */
export interface JsonSchema {
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  /** Ours: how to describe the expected format of a `pattern` to a user. */
  'x-format-hint'?: string;
  /** Ours: the message to show when a `const` does not match. */
  'x-message'?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

export type SchemaProblemCode =
  | 'schema-unknown-field'
  | 'schema-type'
  | 'schema-enum'
  | 'schema-const'
  | 'schema-pattern'
  | 'schema-length'
  | 'schema-range'
  | 'schema-required'
  | 'schema-no-match'
  | 'deprecated-api-version'
  | 'crd-invalid';

/**
 * A schema problem: a placed Problem (step `schema`) with the path of the offending node and,
 * for quick fixes, `data`: `suggestion` (the field or value the user probably meant),
 * `replacement` (the current apiVersion) and `fieldsMap` (true when the document is valid under it).
 */
export type SchemaProblem = PlacedProblem & {
  code: SchemaProblemCode;
  path: (string | number)[];
  data?: SchemaProblemData;
};

export interface SchemaProblemData {
  suggestion?: string;
  replacement?: string;
  fieldsMap?: boolean;
  removedFields?: string[];
}

export function problemAt(
  origin: Origin | undefined,
  fallbackFile: string,
  p: Omit<SchemaProblem, 'span' | 'step'>,
): SchemaProblem {
  const o = origin ?? { file: fallbackFile, line: 1, col: 1, endLine: 1, endCol: 1 };
  return {
    ...p,
    step: 'schema',
    span: { file: o.file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol },
  };
}
