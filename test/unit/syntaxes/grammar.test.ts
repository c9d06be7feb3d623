// The injection grammar is valid and its patterns match what Flux substitutes (checked with the
// same regular expressions VS Code's TextMate engine would use; Oniguruma's \G aside).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../support/paths';

const grammar = JSON.parse(
  fs.readFileSync(path.join(PROJECT_ROOT, 'syntaxes', 'flux-substitution.injection.json'), 'utf8'),
);
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));

test('the grammar is contributed as an injection into YAML', () => {
  const g = pkg.contributes.grammars.find(
    (x: { scopeName: string }) => x.scopeName === grammar.scopeName,
  );
  assert.ok(g, 'contributed in package.json');
  assert.deepEqual(g.injectTo, ['source.yaml']);
  assert.ok(fs.existsSync(path.join(PROJECT_ROOT, g.path)));
});

test('substitution patterns find ${VAR} forms and skip $${VAR}', () => {
  const begin = new RegExp(grammar.repository.substitution.begin, 'g');
  const escaped = new RegExp(grammar.repository.escaped.match, 'g');
  const line = 'host: app.${CLUSTER_DOMAIN} size: ${STRATIO_SIZE:=S} literal: $${NOT_ME}';
  const escapes = [...line.matchAll(escaped)].map((m) => m.index);
  const starts = [...line.matchAll(begin)]
    .map((m) => m.index!)
    .filter((i) => !escapes.some((e) => e !== undefined && i === e + 1));
  assert.equal(starts.length, 2);
  const op = new RegExp(grammar.repository.substitution.patterns[1].match);
  assert.deepEqual(':=S'.match(op)?.slice(1, 3), [':=', 'S']);
});

test('origin comments are recognised', () => {
  const re = new RegExp(grammar.repository['origin-comment'].match);
  const m =
    'replicaCount: 3 # components/podinfo/production/podinfo-values.yaml:12 (patch production)'.match(
      re,
    );
  assert.ok(m);
  assert.equal(m![2], 'components/podinfo/production/podinfo-values.yaml');
  assert.equal(m![3], '12');
});
