// The schema that applies at a path inside a document, for completion and hover. Alternatives
// (allOf/anyOf/oneOf, if/then/else) are folded together: completion offers every field any of
// them allows, hover shows the first description found.

import type { JsonSchema } from './types';

export interface SchemaAtResult {
  /** The schemas that apply at the path (several when alternatives or allOf branches do). */
  schemas: JsonSchema[];
  /** The first of `schemas`, for callers that want one. */
  schema: JsonSchema;
  description?: string;
  markdownDescription?: string;
  /** Fields a map at this path may have, with their schemas. */
  properties: Record<string, JsonSchema>;
  /** Allowed scalar values, when the schema lists them (enum or const). */
  enum?: unknown[];
  required: string[];
  /** True when keys other than `properties` are accepted (free-form maps such as Helm values). */
  open: boolean;
}

/** Expands a schema into the list of schemas that apply together or as alternatives. */
function flatten(
  s: JsonSchema,
  out: JsonSchema[] = [],
  seen = new Set<JsonSchema>(),
): JsonSchema[] {
  if (seen.has(s)) return out;
  seen.add(s);
  out.push(s);
  for (const sub of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])])
    flatten(sub, out, seen);
  if (s.then) flatten(s.then, out, seen);
  if (s.else) flatten(s.else, out, seen);
  return out;
}

function childSchemas(s: JsonSchema, seg: string | number): JsonSchema[] {
  if (typeof seg === 'number') {
    if (Array.isArray(s.items)) return s.items[seg] ? [s.items[seg]] : [];
    return s.items ? [s.items] : [];
  }
  const own =
    s.properties && Object.prototype.hasOwnProperty.call(s.properties, seg)
      ? s.properties[seg]
      : undefined;
  if (own) return [own];
  const out: JsonSchema[] = [];
  for (const [p, sub] of Object.entries(s.patternProperties ?? {})) {
    try {
      if (new RegExp(p, 'u').test(seg)) out.push(sub);
    } catch {
      /* a pattern JavaScript cannot read matches nothing */
    }
  }
  if (out.length === 0 && typeof s.additionalProperties === 'object')
    out.push(s.additionalProperties);
  if (out.length === 0 && s['x-kubernetes-preserve-unknown-fields'])
    out.push({ 'x-kubernetes-preserve-unknown-fields': true });
  return out;
}

/** The schema at `path` (map keys and list indexes) below `schema`, or undefined when nothing applies there. */
export function schemaAt(
  schema: JsonSchema,
  path: readonly (string | number)[],
): SchemaAtResult | undefined {
  let current = flatten(schema);
  for (const seg of path) {
    const next: JsonSchema[] = [];
    for (const s of current) for (const c of childSchemas(s, seg)) flatten(c, next);
    if (next.length === 0) return undefined;
    current = [...new Set(next)];
  }
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  let enumValues: unknown[] | undefined;
  let open = false;
  for (const s of current) {
    for (const [k, v] of Object.entries(s.properties ?? {}))
      if (!(k in properties)) properties[k] = v;
    for (const r of s.required ?? []) required.add(r);
    if (s.enum)
      enumValues = [
        ...(enumValues ?? []),
        ...s.enum.filter((e) => !(enumValues ?? []).includes(e)),
      ];
    if (s.const !== undefined && !(enumValues ?? []).includes(s.const))
      enumValues = [...(enumValues ?? []), s.const];
    if (
      s['x-kubernetes-preserve-unknown-fields'] ||
      typeof s.additionalProperties === 'object' ||
      (s.additionalProperties === undefined && s.properties === undefined && s.type === 'object')
    )
      open = true;
  }
  const documented = current.find(
    (s) => s.description !== undefined || s.markdownDescription !== undefined,
  );
  const result: SchemaAtResult = {
    schemas: current,
    schema: current[0],
    properties,
    required: [...required],
    open,
  };
  if (documented?.description !== undefined) result.description = documented.description;
  if (documented?.markdownDescription !== undefined)
    result.markdownDescription = documented.markdownDescription;
  if (enumValues) result.enum = enumValues;
  return result;
}
