// CustomResourceDefinitions (apiextensions.k8s.io/v1) found in YAML documents become schemas,
// one per served version, so custom resources (a PgCluster, a ResourceSet...) are validated,
// completed and documented with no network.

import type { YNode } from '../yaml/node';
import { get, getString, isMap, isSeq, toJS } from '../yaml/node';
import { JsonSchema, SchemaProblem, problemAt } from './types';

export interface CrdVersionSchema {
  apiVersion: string;
  kind: string;
  schema: JsonSchema;
  /** Set when the CRD marks this version deprecated: the apiVersion to move to. */
  replacement?: string;
  deprecationWarning?: string;
}

/**
 * Kubernetes structural schemas differ from JSON Schema in two ways that matter here: an object
 * with `properties` rejects other fields (the API server prunes or, with strict field
 * validation, refuses them) unless `x-kubernetes-preserve-unknown-fields` says otherwise, and
 * an embedded resource implicitly has apiVersion, kind and metadata.
 */
export function structuralToJsonSchema(s: unknown, depth = 0): JsonSchema {
  if (!s || typeof s !== 'object' || Array.isArray(s) || depth > 200) return {};
  const src = s as Record<string, unknown>;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'properties' && v && typeof v === 'object') {
      const props: Record<string, JsonSchema> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, unknown>))
        props[pk] = structuralToJsonSchema(pv, depth + 1);
      out.properties = props;
    } else if (k === 'items' || k === 'not') {
      out[k] = structuralToJsonSchema(v, depth + 1);
    } else if (k === 'additionalProperties') {
      out.additionalProperties = typeof v === 'boolean' ? v : structuralToJsonSchema(v, depth + 1);
    } else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out[k] = v.map((x) => structuralToJsonSchema(x, depth + 1));
    } else {
      out[k] = v;
    }
  }
  if (out['x-kubernetes-embedded-resource'] && out.properties) {
    for (const k of ['apiVersion', 'kind']) out.properties[k] ??= { type: 'string' };
    out.properties.metadata ??= { type: 'object' };
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  )
    out.additionalProperties = false;
  return out;
}

/** Every served version of a CRD document as a schema; problems when the document is not a usable CRD. */
export function crdSchemas(
  root: YNode | undefined,
  objectMeta: JsonSchema,
  file: string,
): { schemas: CrdVersionSchema[]; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const schemas: CrdVersionSchema[] = [];
  if (
    !isMap(root) ||
    getString(root, 'kind') !== 'CustomResourceDefinition' ||
    getString(root, 'apiVersion') !== 'apiextensions.k8s.io/v1'
  )
    return { schemas, problems };
  const spec = get(root, 'spec');
  const group = getString(spec, 'group');
  const kind = getString(get(spec, 'names'), 'kind');
  const versions = get(spec, 'versions');
  if (!group || !kind || !isSeq(versions)) {
    problems.push(
      problemAt(spec?.origin ?? root.origin, file, {
        severity: 'warning',
        code: 'crd-invalid',
        path: ['spec'],
        message:
          'CustomResourceDefinition without spec.group, spec.names.kind or spec.versions: no schema taken from it',
      }),
    );
    return { schemas, problems };
  }
  const served = versions.items.filter(
    (v) => isMap(v) && toJS(get(v, 'served')) !== false && getString(v, 'name'),
  );
  const storage = served.find(
    (v) => toJS(get(v, 'storage')) === true && toJS(get(v, 'deprecated')) !== true,
  );
  for (const v of served) {
    const name = getString(v, 'name') as string;
    const openApi = toJS(get(get(v, 'schema'), 'openAPIV3Schema'));
    const schema: JsonSchema =
      openApi && typeof openApi === 'object'
        ? structuralToJsonSchema(openApi)
        : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    schema.title = kind;
    schema.properties = { ...(schema.properties ?? {}) };
    // The API server knows these on every resource, whatever the CRD's schema says.
    schema.properties.apiVersion = {
      const: `${group}/${name}`,
      description: schema.properties.apiVersion?.description,
    };
    schema.properties.kind = { const: kind, description: schema.properties.kind?.description };
    schema.properties.metadata = objectMeta;
    schema.properties.status = { description: 'Written by the controller; not validated.' };
    const entry: CrdVersionSchema = { apiVersion: `${group}/${name}`, kind, schema };
    if (toJS(get(v, 'deprecated')) === true) {
      if (storage) entry.replacement = `${group}/${getString(storage, 'name')}`;
      const w = getString(v, 'deprecationWarning');
      if (w) entry.deprecationWarning = w;
    }
    schemas.push(entry);
  }
  return { schemas, problems };
}

/** API versions CRDs serve (group/version and group/version/Kind), as a cluster that has them adds to .Capabilities. */
export function crdApiVersions(objects: readonly YNode[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (getString(o, 'kind') !== 'CustomResourceDefinition') continue;
    const spec = get(o, 'spec');
    const group = getString(spec, 'group');
    const kind = getString(get(spec, 'names'), 'kind');
    const versions = get(spec, 'versions');
    if (!group || versions?.kind !== 'seq') continue;
    for (const v of versions.items) {
      const name = getString(v, 'name');
      if (!name) continue;
      out.push(`${group}/${name}`);
      if (kind) out.push(`${group}/${name}/${kind}`);
    }
  }
  return out;
}
