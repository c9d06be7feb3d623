// Our Flux schemas against the Flux CRDs a corpus repository ships (gotk-components.yaml,
// Flux v2.6): every field the CRD declares must be known to our schema for the same apiVersion,
// so a valid object is never flagged as having an unknown field. Skipped without the corpus.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import {
  crdSchemas,
  schemaAt,
  SchemaRegistry,
  JsonSchema,
} from '../../../server/src/engine/schema';

const corpus = path.resolve(__dirname, '../../../..', '../shared/corpus');
const gotk = path.posix.join(
  corpus,
  'piksel-ina__piksel-gitops/clusters/staging/flux-system/gotk-components.yaml',
);
const text = new DiskFileSystem().readFile(gotk);

/** Paths of every declared field below spec, with `0` for list items. */
function fieldPaths(s: JsonSchema, prefix: (string | number)[], out: (string | number)[][]): void {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const p = [...prefix, k];
    out.push(p);
    if (!v['x-kubernetes-preserve-unknown-fields']) fieldPaths(v, p, out);
    if (v.items && !Array.isArray(v.items)) fieldPaths(v.items, [...p, 0], out);
  }
}

test(
  'our Flux schemas know every field of the Flux v2.6 CRDs',
  { skip: text === undefined ? `${gotk} not present` : false },
  () => {
    const registry = new SchemaRegistry();
    const unknown: string[] = [];
    let checked = 0;
    for (const d of parseYaml(text as string, gotk).documents) {
      for (const v of crdSchemas(d.root, {}, gotk).schemas) {
        const ours = registry.lookup(v.apiVersion, v.kind);
        if (!ours || ours.source !== 'builtin') continue;
        const spec = v.schema.properties?.spec;
        if (!spec) continue;
        const paths: (string | number)[][] = [];
        fieldPaths(spec, ['spec'], paths);
        for (const p of paths) {
          checked++;
          const at = schemaAt(ours.schema, p);
          if (!at) {
            unknown.push(`${v.apiVersion} ${v.kind} ${p.join('.')}`);
            continue;
          }
          // Every value the CRD allows must be allowed by ours too.
          const theirs = schemaAt(spec, p.slice(1))?.enum ?? [];
          for (const e of theirs)
            if (at.enum && !at.enum.includes(e))
              unknown.push(`${v.apiVersion} ${v.kind} ${p.join('.')} = ${String(e)}`);
        }
      }
    }
    assert.ok(checked > 500, `checked ${checked} fields`);
    assert.deepEqual(unknown, []);
  },
);
