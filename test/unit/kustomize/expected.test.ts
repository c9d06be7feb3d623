// The engine against kubectl without the binary: every kustomization folder of the kustomize
// fixtures and the example repository builds as the checked-in kubectl output says
// (test/support/kustomizeExpected.ts; the conformance test checks those files against the live
// kubectl). Same documents, same order, compared as parsed YAML; where kubectl failed, we fail.
import { strict as assert } from 'assert';
import * as path from 'path';
import { describe, it } from 'node:test';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { ParseCache } from '../../../server/src/engine/kustomize/loader';
import { emitDocuments } from '../../../server/src/engine/yaml/emit';
import { toJS } from '../../../server/src/engine/yaml/node';
import { parseYamlDocs } from '../../support/kubectl';
import { expectedSuites, readExpected } from '../../support/kustomizeExpected';

const fs = new DiskFileSystem();
const cache = new ParseCache();

for (const suite of expectedSuites()) {
  describe(`${suite.name} vs checked-in kubectl output`, () => {
    for (const dir of suite.dirs) {
      it(path.relative(suite.root, dir) || '.', () => {
        const expected = readExpected(dir);
        assert.ok(
          expected,
          `no expected output for ${dir}: run node out/test/support/generateKustomizeExpected.js`,
        );
        const ours = buildKustomization(fs, dir, { cache });
        const errors = ours.problems.filter((p) => p.severity === 'error');
        if (!expected.ok) {
          assert.ok(
            errors.length > 0,
            `kubectl fails on ${dir} (${expected.reason.trim()}) but we build it`,
          );
          for (const e of errors)
            assert.ok(
              !e.message.startsWith('internal error'),
              `we fail with an internal error: ${e.message}`,
            );
          return;
        }
        assert.deepEqual(
          errors.map((e) => `${e.span?.file}:${e.span?.line}: ${e.message}`),
          [],
          `kubectl builds ${dir} but we fail`,
        );
        assert.deepEqual(
          ours.objects.map((o) => toJS(o.node)),
          expected.docs,
          `output differs from kubectl kustomize for ${dir}`,
        );
        assert.deepEqual(
          parseYamlDocs(
            emitDocuments(
              ours.objects.map((o) => o.node),
              { showSecrets: true },
            ),
          ),
          expected.docs,
          `printed YAML of ${dir} does not read back the same`,
        );
      });
    }
  });
}
