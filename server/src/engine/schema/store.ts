// Loads JSON Schemas and replaces every `$ref` by the schema it points at, once, so that
// validation, completion and hover walk plain objects. References are resolved against the
// `$id` of the document they appear in (`common.json#/$defs/duration`, `#/$defs/spec`).

import type { Problem } from '../problem';
import type { JsonSchema } from './types';

const ANNOTATIONS = new Set([
  'description',
  'markdownDescription',
  'title',
  'default',
  'x-format-hint',
]);
/** Keywords whose values are data, not schemas: never walked for references. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required']);

/**
 * Resolves a set of schema documents that refer to each other. Returns the resolved documents
 * by `$id`; unresolvable references become `{}` (anything goes) and are reported.
 */
export function resolveSchemas(documents: JsonSchema[]): {
  schemas: Map<string, JsonSchema>;
  problems: Problem[];
} {
  const raw = new Map<string, JsonSchema>();
  for (const d of documents) raw.set(d.$id ?? '', d);
  const problems: Problem[] = [];
  const done = new Map<object, JsonSchema>();

  const lookup = (ref: string, baseId: string): { schema: JsonSchema; id: string } | undefined => {
    const hash = ref.indexOf('#');
    const id = hash < 0 ? ref : ref.slice(0, hash) || baseId;
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    let cur: unknown = raw.get(id);
    for (const seg of pointer.split('/').slice(1)) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return cur && typeof cur === 'object' ? { schema: cur as JsonSchema, id } : undefined;
  };

  const resolve = (s: JsonSchema, baseId: string): JsonSchema => {
    const seen = done.get(s);
    if (seen) return seen;
    if (typeof s.$ref === 'string') {
      const target = lookup(s.$ref, baseId);
      if (!target) {
        problems.push({
          severity: 'warning',
          code: 'schema-unresolved-ref',
          step: 'schema',
          message: `${baseId}: unresolved reference ${s.$ref}`,
          data: { schemaId: baseId },
        });
        return {};
      }
      const resolvedTarget = resolve(target.schema, target.id);
      const siblings = Object.keys(s).filter((k) => k !== '$ref');
      let out: JsonSchema;
      if (siblings.every((k) => ANNOTATIONS.has(k))) {
        // Documentation written at the place of use wins over the referenced definition's.
        out = siblings.length === 0 ? resolvedTarget : { ...resolvedTarget };
        for (const k of siblings) out[k] = s[k];
      } else {
        const rest: JsonSchema = {};
        for (const k of siblings) rest[k] = s[k];
        out = { allOf: [resolvedTarget, resolve(rest, baseId)] };
        for (const k of siblings) if (ANNOTATIONS.has(k)) out[k] = s[k];
      }
      done.set(s, out);
      return out;
    }
    const out: JsonSchema = {};
    done.set(s, out);
    for (const [k, v] of Object.entries(s)) {
      if (DATA_KEYWORDS.has(k) || v === null || typeof v !== 'object') out[k] = v;
      else if (Array.isArray(v))
        out[k] = v.map((x) => (x && typeof x === 'object' ? resolve(x as JsonSchema, baseId) : x));
      else if (
        k === 'properties' ||
        k === 'patternProperties' ||
        k === '$defs' ||
        k === 'definitions'
      ) {
        const m: Record<string, JsonSchema> = {};
        for (const [pk, pv] of Object.entries(v as Record<string, JsonSchema>))
          m[pk] = resolve(pv, baseId);
        out[k] = m;
      } else out[k] = resolve(v as JsonSchema, baseId);
    }
    return out;
  };

  const schemas = new Map<string, JsonSchema>();
  for (const [id, d] of raw) schemas.set(id, resolve(d, id));
  return { schemas, problems };
}
