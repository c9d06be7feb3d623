// Our Go template engine against texts the real helm produced for the same templates
// (test/fixtures/template/cases.yaml; expected.json written by test/support/generateTemplateExpected.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TemplateSet } from '../../../server/src/engine/template/exec';
import { helmFuncs } from '../../../server/src/engine/template/funcs';
import { GoValue, TemplateError, newMap } from '../../../server/src/engine/template/value';
import { readChartValues } from '../../../server/src/engine/template/chartValues';
import { CASES_DIR, caseFiles, caseId, loadCases } from '../../support/templateCases';

const expected = JSON.parse(
  fs.readFileSync(path.join(CASES_DIR, 'expected.json'), 'utf8'),
) as Record<string, { text?: string; error?: string }>;
const values = readChartValues(
  fs.readFileSync(path.join(CASES_DIR, 'values.yaml'), 'utf8'),
  'values.yaml',
).value;
const root: GoValue = newMap([
  ['Values', values],
  [
    'Release',
    newMap([
      ['Name', 'rel'],
      ['Namespace', 'ns'],
      ['Service', 'Helm'],
      ['IsInstall', true],
      ['IsUpgrade', false],
      ['Revision', 1n],
    ]),
  ],
]);

loadCases().forEach((c, i) => {
  test(`template case: ${c.name}`, () => {
    const exp = expected[c.name];
    assert.ok(
      exp,
      `no expected text for ${c.name}: run node out/test/support/generateTemplateExpected.js`,
    );
    const set = new TemplateSet(helmFuncs);
    const id = caseId(i);
    let out: string | undefined;
    let err: string | undefined;
    try {
      for (const [p, t] of Object.entries(caseFiles(c, i))) set.add(`cases/${p}`, t);
      out = c.error
        ? set.execute(`cases/templates/${id}.yaml`, root)
        : set.execute(`case.${id}`, root);
      // Helm removes <no value> from a file's output; in the JSON of an include it is escaped and stays.
      if (c.error) out = out.replace(/<no value>/g, '');
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      err = e.message;
    }
    if (exp.error !== undefined) {
      assert.ok(
        err !== undefined,
        `helm failed with ${exp.error}, we rendered ${JSON.stringify(out)}`,
      );
      // Helm's message ends with the cause; ours must carry the same cause and the same line.
      const cause = exp.error.split(': ').slice(-1)[0];
      assert.ok(
        err.replace(new RegExp(id, 'g'), 'CASE').includes(cause),
        `error ${JSON.stringify(err)} lacks ${JSON.stringify(cause)}`,
      );
      const where = /templates\/CASE\.yaml:(\d+)/.exec(exp.error);
      if (where && c.error)
        assert.ok(
          err.includes(`${id}.yaml:${where[1]}`),
          `error ${err} should name line ${where[1]}`,
        );
    } else {
      assert.equal(err, undefined, `we failed: ${err}`);
      assert.equal(out, exp.text);
    }
  });
});
