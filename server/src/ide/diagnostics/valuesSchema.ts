// values-schema: values that a values.schema.json of the release's chart refuses (chart
// available locally), placed through the origins of the effective values on the line of this
// file that wrote them.

import type { default as Ajv, ErrorObject, ValidateFunction } from 'ajv';
import * as path from 'path';
import { schemaScopes } from '../../engine/charts/schemaScopes';
import { isSecretMark } from '../../engine/secrets';
import { YNode, get, isMap, isSeq, toJS } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic, at } from './types';

export function valuesSchemaCheck(ctx: CheckContext): FileDiagnostic[] {
  return ctx.isKust ? [] : valuesSchema(ctx.index, ctx.file);
}

const compiled = new WeakMap<object, ValidateFunction | null>();
let ajv: Ajv | undefined;

/**
 * ajv, loaded on the first chart schema to check: its 60 modules were a tenth of the language
 * server's start, before the first answer, and most workspaces never need them.
 */
function newAjv(): Ajv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: AjvClass } = require('ajv') as typeof import('ajv');
  return new AjvClass({ allErrors: true, strict: false, validateFormats: false });
}

function validatorFor(schema: unknown): ValidateFunction | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  let v = compiled.get(schema);
  if (v === undefined) {
    try {
      ajv ??= newAjv();
      v = ajv.compile(schema as object);
    } catch {
      v = null;
    }
    compiled.set(schema, v);
  }
  return v ?? undefined;
}

function nodeAt(root: YNode, pointer: string): YNode | undefined {
  let n: YNode | undefined = root;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(n)) n = get(n, k);
    else if (isSeq(n)) n = n.items[Number(k)];
    else return undefined;
  }
  return n;
}

function describe(e: ErrorObject, prefix: readonly string[] = []): string {
  const rel = e.instancePath
    ? e.instancePath
        .slice(1)
        .split('/')
        .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    : [];
  const where = [...prefix, ...rel].join('.') || '(values)';
  if (e.keyword === 'additionalProperties')
    return `${where}: \`${(e.params as { additionalProperty: string }).additionalProperty}\` is not allowed`;
  if (e.keyword === 'enum')
    return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/**
 * Values that a values.schema.json of the release's chart refuses, at the line that set them:
 * the chart's schema over all values, and each enabled subchart's over its scoped values
 * (globals included), as Helm validates before rendering (engine/charts/schemaScopes.ts).
 */
function valuesSchema(index: WorkspaceIndex, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  for (const { dir } of index.overlaysOf(file)) {
    for (const r of index.effectiveValues(dir)) {
      if (!r.chart.found || !r.chart.tree) continue;
      for (const scope of schemaScopes(r.chart.tree, r.chart.subchartTrees ?? [], r.values)) {
        const validate = validatorFor(scope.schema);
        if (!validate || validate(toJS(scope.values))) continue;
        const whose = scope.path.length
          ? `subchart ${scope.path.join('.')}${scope.chart !== scope.path[scope.path.length - 1] ? ` (chart ${scope.chart})` : ''} of chart ${r.chart.name}`
          : `chart ${r.chart.name}`;
        const message = (e: ErrorObject) =>
          `${describe(e, scope.path)} by the values.schema.json of ${whose} (${path.posix.basename(dir)}: Helm would refuse the release)`;
        for (const e of validate.errors ?? []) {
          let n = nodeAt(scope.values, e.instancePath);
          if (e.keyword === 'additionalProperties' && isMap(n)) {
            const key = (e.params as { additionalProperty: string }).additionalProperty;
            const pair = n.pairs.find((p) => p.key === key);
            if (pair?.keyOrigin?.file === file) {
              out.push({
                ...at(pair.keyOrigin, file),
                severity: 'error',
                code: 'values-schema',
                message: message(e),
              });
              continue;
            }
            n = pair?.value ?? n;
          }
          if (!n?.origin || n.origin.file !== file) continue;
          if (
            n.kind === 'scalar' &&
            typeof n.value === 'string' &&
            (isSecretMark(n.value) || n.value.includes('${'))
          )
            continue;
          out.push({
            ...at(n.origin, file),
            severity: 'error',
            code: 'values-schema',
            message: message(e),
          });
        }
      }
    }
  }
  return out;
}
