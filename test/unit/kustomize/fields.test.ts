// Kustomization field knowledge is derived from the steps (steps/index.ts), the generators and
// the accumulation: this checks it against the published schema (schemas/kustomization.json)
// both ways, and against the build itself, so a field no step registers, or a step reading a
// field kustomize does not have, fails here.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import {
  ACCUMULATION_FIELDS,
  IDENTITY_FIELDS,
  IGNORED_FIELDS,
  KNOWN_FIELDS,
  NOT_KUSTOMIZE_FIELDS,
  REFUSED_FIELDS,
} from '../../../server/src/engine/kustomize/fields';
import { GENERATOR_FIELDS } from '../../../server/src/engine/kustomize/generators';
import {
  ALL_STEPS,
  ROOT_STEPS,
  TRANSFORMER_STEPS,
} from '../../../server/src/engine/kustomize/steps';
import {
  CONFIGURATION_KEYS,
  FIELD_SPEC_KEYS,
  defaultTransformerConfig,
} from '../../../server/src/engine/kustomize/transformerConfig';
import { PROJECT_ROOT } from '../../support/paths';

const schema = JSON.parse(
  fs.readFileSync(path.join(PROJECT_ROOT, 'schemas', 'kustomization.json'), 'utf8'),
) as { properties: Record<string, unknown> };
const schemaFields = Object.keys(schema.properties).sort();

describe('kustomization fields', () => {
  it('every schema field is known to a step, a generator, the accumulation, or listed as refused, ignored or not kustomize', () => {
    const unaccounted = schemaFields.filter(
      (f) => !KNOWN_FIELDS.has(f) && !NOT_KUSTOMIZE_FIELDS.includes(f),
    );
    assert.deepEqual(unaccounted, []);
  });

  it('every known field is in the schema', () => {
    assert.deepEqual(
      [...KNOWN_FIELDS].filter((f) => !schemaFields.includes(f)),
      [],
    );
    assert.deepEqual(
      NOT_KUSTOMIZE_FIELDS.filter((f) => !schemaFields.includes(f) || KNOWN_FIELDS.has(f)),
      [],
    );
  });

  it('each field has exactly one owner', () => {
    const owners = new Map<string, string[]>();
    const own = (field: string, who: string) =>
      owners.set(field, [...(owners.get(field) ?? []), who]);
    for (const s of ALL_STEPS) for (const f of s.fields) own(f, `step ${s.name}`);
    for (const f of GENERATOR_FIELDS) own(f, 'generators');
    for (const f of ACCUMULATION_FIELDS) own(f, 'accumulation');
    for (const f of IDENTITY_FIELDS) own(f, 'identity');
    for (const f of Object.keys(REFUSED_FIELDS)) own(f, 'refused');
    for (const f of Object.keys(IGNORED_FIELDS)) own(f, 'ignored');
    assert.deepEqual(
      [...owners].filter(([, who]) => who.length !== 1),
      [],
    );
  });

  it('step names are unique, and every step runs in exactly one phase', () => {
    const names = ALL_STEPS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(TRANSFORMER_STEPS.length + ROOT_STEPS.length, ALL_STEPS.length);
  });

  it('the configurations keys are the field-spec lists the steps declare, each with its defaults', () => {
    assert.deepEqual([...FIELD_SPEC_KEYS].sort(), [
      'commonAnnotations',
      'commonLabels',
      'images',
      'namePrefix',
      'nameSuffix',
      'namespace',
      'replicas',
      'templateLabels',
    ]);
    assert.deepEqual(
      CONFIGURATION_KEYS.filter((k) => !FIELD_SPEC_KEYS.includes(k)),
      ['nameReference'],
    );
    const declaredBy = FIELD_SPEC_KEYS.map((key) => [
      key,
      ALL_STEPS.filter((s) => s.fieldSpecs?.[key]).map((s) => s.name),
    ]);
    assert.deepEqual(
      declaredBy.filter(([, by]) => by.length !== 1),
      [],
      'each field-spec list has one step declaring its defaults',
    );
    const config = defaultTransformerConfig();
    for (const key of FIELD_SPEC_KEYS) assert.ok(config.fieldSpecs[key].length > 0, key);
  });

  // The build agrees: a schema field outside the known list fails as unknown (as kubectl does for
  // `inventory`), a refused one fails naming why, and every other one gets past the field check.
  for (const field of schemaFields) {
    it(`the build on a kustomization with ${field}:`, () => {
      const mem = new MemoryFileSystem(undefined, {
        '/k/kustomization.yaml': `${field}:\n  - x\n`,
      });
      const codes = buildKustomization(mem, '/k').problems.map((p) => p.code);
      if (NOT_KUSTOMIZE_FIELDS.includes(field)) assert.deepEqual(codes, ['unknown-field']);
      else if (field in REFUSED_FIELDS) assert.deepEqual(codes, ['unsupported']);
      else
        assert.ok(
          !codes.includes('unknown-field') && !codes.includes('unsupported'),
          codes.join(', '),
        );
    });
  }
});
