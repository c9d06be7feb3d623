// Flux postBuild substitution: the envsubst forms kustomize-controller accepts, and documents
// substituted from a cluster profile.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expand } from '../../../server/src/engine/substitute/envsubst';
import {
  loadProfile,
  substituteDocuments,
  Variables,
} from '../../../server/src/engine/substitute/postBuild';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap, getPath, toJS } from '../../../server/src/engine/yaml/node';

const vars: Record<string, string> = { ENV: 'production', NAME: 'podinfo', EMPTY: '', N: '3' };
const lookup = (n: string) => vars[n];

const cases: { input: string; output?: string; error?: RegExp }[] = [
  { input: 'env: ${ENV}', output: 'env: production' },
  { input: '${UNSET}', output: '' },
  { input: '${UNSET:=dev}-${ENV:=dev}', output: 'dev-production' },
  { input: '${EMPTY:-fallback}', output: 'fallback' },
  { input: '${UNSET=plain}', output: 'plain' },
  { input: '${UNSET:=${NAME}-x}', output: 'podinfo-x' },
  { input: '$${ENV} and $$ and $ENV', output: '${ENV} and $ and $ENV' },
  {
    input: '${#NAME} ${NAME^} ${NAME^^} ${ENV:0:4} ${ENV:4}',
    output: '7 Podinfo PODINFO prod uction',
  },
  {
    input: '${NAME#pod} ${NAME%info} ${ENV/o/0} ${ENV//o/0}',
    output: 'info pod pr0duction pr0ducti0n',
  },
  { input: '${UNSET-default}', error: /missing closing brace/ },
  { input: '${ENV', error: /missing closing brace/ },
  { input: '${}', error: /unable to parse variable name/ },
];

for (const c of cases) {
  test(`envsubst ${c.input}`, () => {
    const r = expand(c.input, lookup);
    if (c.error) assert.match(r.error ?? '', c.error);
    else {
      assert.equal(r.error, undefined);
      assert.equal(r.output, c.output);
    }
  });
}

test('without a profile, ${VAR} is kept and listed', () => {
  const r = expand('a-${ENV}-${X:=d}', () => undefined, true);
  assert.equal(r.output, 'a-${ENV}-d');
  assert.deepStrictEqual(
    r.uses.map((u) => [u.name, u.defaultText]),
    [
      ['ENV', undefined],
      ['X', 'd'],
    ],
  );
});

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-\${ENV}
spec:
  replicas: \${N}
  quoted: "\${N}"
  missing: \${NOPE}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: raw
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  script: echo \${ENV}
`;

function docs(fs: MemoryFileSystem): YMap[] {
  return parseYaml(fs.readFile('/repo/app.yaml')!, '/repo/app.yaml').documents.map(
    (d) => d.root as YMap,
  );
}

test('profile substitution: types plain scalars, keeps quoted ones, respects the opt-out, reports unresolved', () => {
  const fs = new MemoryFileSystem(undefined, {
    '/repo/app.yaml': manifest,
    '/profiles/prod.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flux-runtime-info\ndata:\n  ENV: production\n  N: "3"\n',
  });
  const profile = loadProfile(fs, '/profiles/prod.yaml');
  assert.deepStrictEqual(profile.problems, []);
  const r = substituteDocuments(docs(fs), fs, profile.variables);
  const [dep, cm] = r.documents;
  assert.deepStrictEqual(toJS(dep), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app-production' },
    spec: { replicas: 3, quoted: '3', missing: null },
  });
  // `missing: ${NOPE}` becomes the text `missing: ` once expanded, which YAML reads as null.
  assert.equal(
    getPath(cm, ['data', 'script'])?.kind === 'scalar' && toJS(getPath(cm, ['data', 'script'])),
    'echo ${ENV}',
  );
  const name = getPath(dep, ['metadata', 'name'])!;
  assert.deepStrictEqual([name.origin?.line, name.origin?.by], [4, 'substitution ${ENV}']);
  assert.equal(toJS(name.overrides?.[0]), 'app-${ENV}');
  const unresolved = r.problems.filter((p) => p.code === 'substitute-unresolved');
  assert.equal(unresolved.length, 1);
  assert.match(unresolved[0].message, /\$\{NOPE\}/);
  assert.equal(unresolved[0].span?.line, 8);
});

test('no profile: documents unchanged, variables listed with their places', () => {
  const fs = new MemoryFileSystem(undefined, { '/repo/app.yaml': manifest });
  const input = docs(fs);
  const r = substituteDocuments(input, fs, undefined);
  assert.deepStrictEqual(r.documents.map(toJS), input.map(toJS));
  assert.deepStrictEqual(
    r.references.map((x) => [x.name, x.origin?.line]),
    [
      ['ENV', 4],
      ['N', 6],
      ['N', 7],
      ['NOPE', 8],
    ],
  );
  assert.deepStrictEqual(r.problems, []);
});

test('strict mode makes unresolved variables errors; invalid variable names are errors', () => {
  const fs = new MemoryFileSystem(undefined, { '/repo/app.yaml': manifest });
  const variables: Variables = new Map([
    ['ENV', { value: 'x' }],
    ['bad-name', { value: 'y' }],
  ]);
  const r = substituteDocuments(docs(fs), fs, variables, { strict: true });
  assert.equal(r.problems.find((p) => p.code === 'substitute-unresolved')?.severity, 'error');
  assert.equal(r.problems.find((p) => p.code === 'substitute-var-name')?.severity, 'error');
});

test('a plain key: value profile and a Kustomization postBuild.substitute profile', () => {
  const fs = new MemoryFileSystem(undefined, {
    '/p1.yaml': 'ENVIRONMENT: staging\nGIT_BRANCH: main\n',
    '/p2.yaml':
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  postBuild:\n    substitute:\n      STRATIO_SIZE: S\n',
  });
  assert.deepStrictEqual(
    [...loadProfile(fs, '/p1.yaml').variables].map(([k, v]) => [k, v.value]),
    [
      ['ENVIRONMENT', 'staging'],
      ['GIT_BRANCH', 'main'],
    ],
  );
  assert.deepStrictEqual(
    [...loadProfile(fs, '/p2.yaml').variables].map(([k, v]) => [k, v.value]),
    [['STRATIO_SIZE', 'S']],
  );
  assert.equal(loadProfile(fs, '/nope.yaml').problems[0].code, 'profile-missing');
});
