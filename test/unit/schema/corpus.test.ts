// Every YAML document of the real repositories in ../shared/corpus, validated as the language
// server will: CRDs of the same repository registered first, patch files in partial mode.
// The bar is zero errors; deprecation warnings are expected (and counted).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { DiskFileSystem, FileSystem } from '../../../server/src/engine/fs';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import {
  SchemaRegistry,
  isKustomizationFileName,
  patchFilesOf,
  SchemaProblem,
} from '../../../server/src/engine/schema';

const projectRoot = path.resolve(__dirname, '../../../..');
const corpus = path.resolve(projectRoot, '../shared/corpus');
const fs: FileSystem = new DiskFileSystem();

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of fs.readDir(dir)) {
    const p = path.posix.join(dir, name);
    const t = fs.stat(p);
    if (t === 'dir' && !name.startsWith('.')) yamlFiles(p, out);
    else if (t === 'file' && /\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

export interface RepoResult {
  documents: number;
  validated: number;
  partial: number;
  errors: SchemaProblem[];
  warnings: SchemaProblem[];
}

export function validateRepository(repoDir: string): RepoResult {
  const files = yamlFiles(repoDir);
  const parsed = files.map((f) => parseYaml(fs.readFile(f) ?? '', f));
  const registry = new SchemaRegistry();
  for (const p of parsed)
    registry.addCrds(
      p.documents.map((d) => d.root),
      p.file,
    );
  const patches = new Set<string>();
  for (const p of parsed) {
    if (!isKustomizationFileName(p.file)) continue;
    for (const d of p.documents)
      for (const ref of patchFilesOf(d.root, path.posix.dirname(p.file))) patches.add(ref.path);
  }
  const result: RepoResult = { documents: 0, validated: 0, partial: 0, errors: [], warnings: [] };
  for (const p of parsed) {
    const partial = patches.has(p.file);
    for (const d of p.documents) {
      if (!d.root) continue;
      result.documents++;
      if (registry.schemaFor(d.root, p.file)) {
        result.validated++;
        if (partial) result.partial++;
      }
      for (const problem of registry.validate(d.root, p.file, { partial }))
        (problem.severity === 'error' ? result.errors : result.warnings).push(problem);
    }
  }
  return result;
}

const repos =
  fs.stat(corpus) === 'dir'
    ? fs.readDir(corpus).filter((n) => fs.stat(path.posix.join(corpus, n)) === 'dir')
    : [];

test(
  'corpus: every document validates with zero errors',
  { skip: repos.length === 0 ? `${corpus} not present` : false },
  async (t) => {
    let total = 0;
    let validated = 0;
    let warnings = 0;
    for (const repo of repos) {
      await t.test(repo, () => {
        const r = validateRepository(path.posix.join(corpus, repo));
        total += r.documents;
        validated += r.validated;
        warnings += r.warnings.length;
        for (const w of r.warnings)
          assert.equal(
            w.code,
            'deprecated-api-version',
            `${w.span.file}:${w.span.line}:${w.span.col}: ${w.message}`,
          );
        const shown = r.errors.map(
          (e) => `${path.relative(corpus, e.span.file)}:${e.span.line}:${e.span.col}: ${e.message}`,
        );
        assert.deepEqual(shown, [], `${r.errors.length} schema error(s) in ${repo}`);
      });
    }
    t.diagnostic(
      `${total} documents, ${validated} validated against a schema, ${warnings} deprecation warnings`,
    );
  },
);
