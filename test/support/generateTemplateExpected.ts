// Renders every case of test/fixtures/template/cases.yaml with the real helm (once, by hand:
// `node out/test/support/generateTemplateExpected.js`) and writes expected.json, which the unit
// test test/unit/template/cases.test.ts checks our engine against.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { HELM } from './paths';
import { CASES_DIR, caseFiles, caseId, loadCases } from './templateCases';

function makeChart(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tplcase-'));
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: cases\nversion: 0.1.0\n');
  fs.copyFileSync(path.join(CASES_DIR, 'values.yaml'), path.join(dir, 'values.yaml'));
  fs.mkdirSync(path.join(dir, 'templates'));
  for (const [p, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, p), t);
  return dir;
}

const cases = loadCases();
const expected: Record<string, { text?: string; error?: string }> = {};
cases.forEach((c, i) => {
  const d = makeChart(caseFiles(c, i));
  try {
    const out = execFileSync(HELM, ['template', 'rel', d, '-n', 'ns'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (c.error) expected[c.name] = { error: '(helm did not fail)' };
    else {
      const doc = out.split(/^---$/m).find((x) => /# Source: cases\/templates\/c\d+\.yaml/.test(x));
      expected[c.name] = { text: doc ? (parse(doc) as { case: string }).case : '' };
    }
  } catch (e) {
    const msg = String((e as { stderr?: string }).stderr ?? '')
      .trim()
      .replace(/^Error: /, '')
      .replace(/\n\nUse --debug.*$/s, '');
    expected[c.name] = { error: msg.replace(new RegExp(caseId(i), 'g'), 'CASE') };
    if (!c.error) console.log(`unexpected failure: ${c.name}: ${msg}`);
  }
  fs.rmSync(d, { recursive: true });
});
fs.writeFileSync(path.join(CASES_DIR, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
console.log(`${Object.keys(expected).length} of ${cases.length} cases written`);
