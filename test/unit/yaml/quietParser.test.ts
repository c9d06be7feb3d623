// The yaml package's Parser without its per-token read of process.env (yaml/quietParser.ts):
// it must give the very tokens of the package's own, on the corpus and on texts that reach
// every branch of next() (errors, flow collections, block scalars, documents and directives).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { describe, it } from 'node:test';
import { Parser } from 'yaml';
import {
  QuietParser,
  newParser,
  quietParserApplies,
} from '../../../server/src/engine/yaml/quietParser';
import { CORPUS, corpusAvailable } from '../../support/paths';
import * as path from 'path';

const TEXTS = [
  '',
  'a: 1\n',
  'a: 1',
  '- x\n- y: [1, {b: c}]\n  z: "q\\"uoted"\n',
  '%YAML 1.2\n---\nk: |\n  line\n   more\n\n...\n--- >-\n  folded\n  text\n',
  '? complex\n: value\n? [a, b]\n: c\n',
  'a: &x {b: 1}\nc: *x\n<<: *x\n',
  'bad: [1, 2\nnext: }\n',
  '\t- tab\nkey: : :\n',
  'a:\n  - b\n  -\n    - c\n# comment\n    d: e\n',
  "s: 'single '' quote'\n!tag x: !!str y\n",
  '{ flow: map, with: [nested, "str"] }\n',
  '---\n---\n--- x\n...\n',
  'a: b\r\nc: d\r\n',
];

function corpusTexts(): string[] {
  if (!corpusAvailable()) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(CORPUS);
  return out;
}

describe('QuietParser', () => {
  it('applies to the installed yaml package (else parsing keeps the slower Parser)', () => {
    assert.equal(quietParserApplies, true);
    assert.ok(newParser() instanceof QuietParser);
  });

  it('yields the same tokens and new lines as the package Parser', () => {
    const texts = [...TEXTS, ...corpusTexts()];
    for (const t of texts) {
      const lines: number[][] = [[], []];
      const ours = [...new QuietParser((o) => lines[0].push(o)).parse(t)];
      const theirs = [...new Parser((o) => lines[1].push(o)).parse(t)];
      assert.deepEqual(ours, theirs, t.slice(0, 200));
      assert.deepEqual(lines[0], lines[1]);
    }
  });
});
