// The fast reader for plain block YAML (yaml/fastParse.ts) must give exactly the tree, origins
// included, that the general reader (the `yaml` package) gives, or give up. Checked on every
// YAML file of ../shared/charts and ../shared/corpus, on every document the charts render, on
// hand-written cases at the edges of what it reads, and on seeded mutations of real files.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { DiskFileSystem } from '../../../server/src/engine/fs';
import { loadChartDir } from '../../../server/src/engine/render/chart';
import { renderChart } from '../../../server/src/engine/render/render';
import { newMap } from '../../../server/src/engine/template/value';
import { fastParseDocuments, fastParseYaml } from '../../../server/src/engine/yaml/fastParse';
import { parseYaml, useFastYamlReader } from '../../../server/src/engine/yaml/parse';
import { YamlFlavor } from '../../../server/src/engine/yaml/resolve';
import { toJS } from '../../../server/src/engine/yaml/node';
import { CORPUS, PROJECT_ROOT } from '../../support/paths';

const CHARTS = path.resolve(PROJECT_ROOT, '..', 'shared', 'charts');

function general(text: string, flavor: YamlFlavor) {
  useFastYamlReader(false);
  try {
    return parseYaml(text, 'f.yaml', undefined, flavor);
  } finally {
    useFastYamlReader(true);
  }
}

/** True when the fast reader read the text (and then agreed with the general reader). */
function agrees(text: string, flavor: YamlFlavor = 'kustomize'): boolean {
  const fast = fastParseYaml(text, 'f.yaml', flavor);
  if (fast === undefined) return false;
  const slow = general(text, flavor);
  assert.deepEqual(
    JSON.parse(JSON.stringify({ file: 'f.yaml', documents: fast ? [fast] : [], problems: [] })),
    JSON.parse(JSON.stringify(slow)),
    text,
  );
  return true;
}

/** The same for a text of several documents (what parseYaml reads the fast way). */
function agreesAll(text: string, flavor: YamlFlavor = 'kustomize'): boolean {
  const fast = fastParseDocuments(text, 'f.yaml', flavor);
  if (fast === undefined) return false;
  const slow = general(text, flavor);
  assert.deepEqual(
    JSON.parse(JSON.stringify({ file: 'f.yaml', documents: fast, problems: [] })),
    JSON.parse(JSON.stringify(slow)),
    text,
  );
  return true;
}

/** valuesOnly: true when read, and then the values (not all origins) equal the general reader's. */
function sameValues(text: string): boolean {
  const fast = fastParseYaml(text, 'f.yaml', 'helm', 0, 0, true);
  if (fast === undefined) return false;
  const slow = general(text, 'helm');
  assert.deepEqual(slow.problems, [], text);
  assert.deepEqual(toJS(fast?.root), toJS(slow.documents[0]?.root), text);
  return true;
}

function chartYamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'templates') chartYamlFiles(p, out);
    } else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The YAML files of the corpus (kustomizations, resources, patches, values). */
function corpusYamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) corpusYamlFiles(p, out);
    } else if (/\.ya?ml$/.test(e.name) || e.name === 'Kustomization') out.push(p);
  }
  return out;
}

describe('fast YAML reader', { skip: !fs.existsSync(CHARTS) && 'no ../shared/charts' }, () => {
  it('agrees with the general reader on every YAML file of the charts', () => {
    let read = 0;
    const files = chartYamlFiles(CHARTS);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const flavor of ['kustomize', 'helm'] as const) if (agrees(text, flavor)) read++;
    }
    assert.ok(read > files.length, `read ${read} of ${2 * files.length}`);
  });

  it('agrees on every rendered document, and reads nearly all of them', () => {
    let docs = 0;
    let read = 0;
    for (const c of fs.readdirSync(CHARTS).sort()) {
      if (!fs.existsSync(path.join(CHARTS, c, 'Chart.yaml'))) continue;
      const chart = loadChartDir(new DiskFileSystem(), path.join(CHARTS, c));
      const r = renderChart(chart, newMap(), { releaseName: 'rel', namespace: 'ns' });
      for (const o of r.objects) {
        docs++;
        if (agrees(o.text + '\n')) read++;
      }
    }
    assert.ok(docs > 50);
    assert.ok(read / docs > 0.8, `read ${read} of ${docs}`);
  });

  it('reads the edges of plain block YAML exactly as the general reader does', () => {
    const read = [
      'a: 1\nb:\n  c: x\n  d: []\n',
      "# head\na: 1 # c\nb:\n- x\n-   y\n- k: v\n  k2: \"q\\n\\u00e9\"\n\nz: |\n  lit\n  more\n\ne: 'it''s'\n",
      'a:\n  b:\nc: 1\n',
      'a:  # c\nb: 1\n',
      '- \n- x\n',
      '-\n  a: 1\n',
      'a: |+\n  x\n\n\nb: 1\n',
      'a: |\n  x\n\n\nb: 1\n',
      'a: |-\n  x\n',
      'a:\n- x\n- y\nb: 1\n',
      'a: "x" # c\n',
      'a: 1\n# c\n',
      'a:\n  b: 1\n# c\nd: 1\n',
      'a: one\n  two\n\n  three\nb: 2\n',
      'a: ["x", \'y\' ,z, [1, {k: v}] ]\nb: {}\n',
      'a: http://x:80/y\nb: -1\nc: 0755\nd: 2024-01-02\n',
      '# only comments\n',
      'a: "x\n  y"\n',
      "a: 'it''s\n   folded\n\n   twice  '\nb: 1\n",
      'a:\n  foo: 1\n# less indented\n  bar: 2\n',
      // No final line break; a literal block ending the text then keeps no final newline.
      'a: 1',
      'a: x # c',
      'a:\n  b: |\n    x',
      // Folded block scalars.
      'a: >\n  x\n',
      'a: >-\n  one\n  two\n\n  three\n   more\nb: 1\n',
      // A list in a list item; `-c` in a flow list; flow collections over several lines.
      '- - a\n  - b\n- c\n',
      'a: [bash, -c]\n',
      'a:\n  [\n    x,\n    y,\n  ]\nb: {\n  k: v }\n',
      'a: [\n  x]\n',
      // A plain scalar's continuation line may start with a quote or a bracket (CRD descriptions).
      "d: Kind of ('Secret',\n  'ConfigMap').\n",
      // flow collections alone on their line, an indented root, `|`/`>` opening a continuation
      'a:\n  {}\nb:\n  - [1, x]\n',
      '{}\n',
      '[a, b]\n\n',
      '  a: 1\n  b:\n    c: 2\n',
      'rule: x\n  || y\n  > z\nb: 1\n',
    ];
    for (const t of read) assert.ok(agrees(t), `not read: ${JSON.stringify(t)}`);
    // Several documents: fastParseDocuments reads them (fastParseYaml reads one only).
    const documents = [
      'a: 1\n---\nb: 2\n',
      '# c\n---\na: 1\n',
      'a: 1\n---\n',
      'a: 1\n--- # c\n# d\n\n---\nb: 1',
      '---\n---\n',
      'a:\n  b: 1\n# c\n---\n- x\n',
    ];
    for (const t of documents) {
      assert.ok(agreesAll(t), `not read: ${JSON.stringify(t)}`);
      assert.equal(fastParseYaml(t, 'f.yaml', 'kustomize'), undefined, JSON.stringify(t));
    }
    // Helm's reader types keys: `yes:` is "true".
    assert.ok(agrees('yes: 1\noff: [a]\n', 'helm'));
    // Left to the general reader: errors, anchors, tags, escapes over lines, comments that
    // move where collections end, tabs, directives and document end markers.
    const left = [
      'a: 1\na: 2\n',
      'a: &x 1\nb: *x\n',
      'a: !t 1\n',
      'a: "x\\n\n  y"\n',
      'a:\n  b: 1\n  # c\n',
      // The list ends at `b:`, after the comment (the general reader's list ends after it).
      'k:\n- x\n  # y\nb: 1\n',
      'a: b: c\n',
      'a: 1\n  b: 2\n',
      'a:\n\tb: 1\n',
      'name\t: x\n',
      '<<: {a: 1}\n',
      'a: |\n  x\n  ',
      '--- a: 1\n',
      'a: 1\n...\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: [x\n  , y]\n',
      'a:\n  - [\n    x,\n  # c\n    y]\n',
    ];
    for (const t of left)
      assert.equal(fastParseDocuments(t, 'f.yaml', 'kustomize'), undefined, JSON.stringify(t));
  });

  it(
    'agrees on every YAML file of the corpus, and reads nearly all of them',
    { skip: !fs.existsSync(CORPUS) && 'no ../shared/corpus' },
    () => {
      const files = corpusYamlFiles(CORPUS);
      let read = 0;
      for (const f of files) if (agreesAll(fs.readFileSync(f, 'utf8'))) read++;
      assert.ok(files.length > 400, `${files.length} files`);
      assert.ok(read / files.length > 0.95, `read ${read} of ${files.length}`);
    },
  );

  it(
    'agrees on seeded mutations of the corpus files whenever it reads them',
    { skip: !fs.existsSync(CORPUS) && 'no ../shared/corpus' },
    () => {
      const texts = corpusYamlFiles(CORPUS)
        .map((f) => fs.readFileSync(f, 'utf8'))
        .filter((t) => t.length < 20000);
      const pieces = [' ', ':', ': ', '#', ' #', '- ', '"', "'", '|', '|-', '>', '>-', '\n'];
      pieces.push('x', '{}', '[]', ',', '[', ']', '{', '}', '[a, "b"]', '{a: b}', '\\', '\t');
      pieces.push('&a ', '*a', '---', '\n---\n', '...', '- - ', '-c', '[-c, -]', '? ', '-: ');
      pieces.push('\n# c\n', '  # c\n', '[\n', ',\n', '\n]', '{\n', '\n}', '>\n');
      let seed = 7;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      let read = 0;
      for (let it = 0; it < 4000; it++) {
        const lines = texts[rnd(texts.length)].split('\n');
        for (let k = 1 + rnd(3); k > 0; k--) {
          const li = rnd(lines.length);
          const l = lines[li];
          const p = rnd(l.length + 1);
          const op = rnd(4);
          lines[li] =
            op === 0
              ? l.slice(0, p) + pieces[rnd(pieces.length)] + l.slice(p)
              : op === 1
                ? l.slice(0, p) + l.slice(p + 1 + rnd(3))
                : op === 2
                  ? ' '.repeat(rnd(4)) + l.trimStart()
                  : rnd(2)
                    ? '---'
                    : l.slice(0, p) + '\n' + ' '.repeat(rnd(6)) + '- ' + l.slice(p);
        }
        let t = lines.join('\n');
        // A quarter without a final line break.
        if (rnd(4) === 0) t = t.replace(/\n+$/, '');
        else if (!t.endsWith('\n')) t += '\n';
        if (agreesAll(t)) read++;
      }
      assert.ok(read > 800, `read ${read}`);
    },
  );

  it('reads chart values files for their values only, with every comment', () => {
    let exact = 0;
    let values = 0;
    for (const c of fs.readdirSync(CHARTS)) {
      const f = path.join(CHARTS, c, 'values.yaml');
      if (!fs.existsSync(f)) continue;
      const text = fs.readFileSync(f, 'utf8');
      if (fastParseYaml(text, f, 'helm') !== undefined) exact++;
      if (sameValues(text)) values++;
    }
    // Commented-out defaults after a section's last key are common: only valuesOnly reads those files.
    assert.ok(values > exact, `values-only ${values}, exact ${exact}`);
  });

  it('agrees on seeded mutations of real files whenever it reads them', () => {
    const texts = chartYamlFiles(CHARTS)
      .map((f) => fs.readFileSync(f, 'utf8'))
      .filter((t) => t.length < 20000);
    const pieces = [' ', ':', ': ', '#', ' #', '- ', '"', "'", '|', '|-', '\n', 'x', '{}', '[]'];
    pieces.push(',', '[', ']', '{', '}', '[a, "b"]', '{a: b}', '\\', '\t', 'yes', '&a ', '*a');
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let read = 0;
    for (let it = 0; it < 3000; it++) {
      const lines = texts[rnd(texts.length)].split('\n');
      for (let k = 1 + rnd(3); k > 0; k--) {
        const li = rnd(lines.length);
        const l = lines[li];
        const p = rnd(l.length + 1);
        const op = rnd(3);
        lines[li] =
          op === 0
            ? l.slice(0, p) + pieces[rnd(pieces.length)] + l.slice(p)
            : op === 1
              ? l.slice(0, p) + l.slice(p + 1 + rnd(3))
              : ' '.repeat(rnd(4)) + l.trimStart();
      }
      let t = lines.join('\n');
      if (!t.endsWith('\n')) t += '\n';
      if (agrees(t)) read++;
      sameValues(t);
    }
    assert.ok(read > 500, `read ${read}`);
  });
});
