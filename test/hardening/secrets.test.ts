// Secrets never leave in clear (issue 14). A repository full of secrets is generated in a temp
// folder (a real git repository: branch `production`, then `main` changing secrets), each
// secret value a distinctive random token. Every output is collected: each CLI command and
// format, each LSP request over stdio at every line of every file, the diagnostics, the
// notifications (window/logMessage) and the server's stderr; none may hold a token or its
// base64. A control run with --show-secrets proves the tokens do flow to the outputs.

import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, uriOf } from '../lsp/client';
import { PROJECT_ROOT } from '../support/paths';
import { git, write } from '../unit/git/repo';

const BIN = path.join(PROJECT_ROOT, 'bin', 'flux-overlays.js');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Distinctive tokens by the place they are written in. */
const T: Record<string, string> = {};
const tok = (name: string, digits = false): string =>
  (T[name] = digits
    ? String(100000000000 + (randomBytes(4).readUInt32BE() % 899999999999))
    : `tk${randomBytes(9).toString('hex')}`);
for (const n of [
  'data',
  'stringData',
  'lastApplied',
  'lastAppliedData',
  'literal',
  'env',
  'file',
  'valuesFile',
  'vfValues',
  'vfTarget',
  'sops',
  'registry',
  'registryAuth',
  'profilePass',
  'profileData',
  'prodData',
  'mainData',
  'mainValues',
  'badLiteral',
  'patchData',
  'externalData',
  'tested',
])
  tok(n);
tok('pin', true);

const kust = (body: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const secret = (name: string, body: string, extraMeta = '') =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: apps\n${extraMeta}${body}`;

function files(stage: 'production' | 'main'): Record<string, string> {
  const data = stage === 'main' ? T.mainData : T.data;
  const lastApplied = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'app-secret', namespace: 'apps' },
    data: { password: b64(T.lastAppliedData) },
    stringData: { token: T.lastApplied },
  });
  const dockerconfig = JSON.stringify({
    auths: {
      'registry.example.invalid': {
        username: 'robot',
        password: T.registry,
        auth: b64(`robot:${T.registryAuth}`),
      },
    },
  });
  return {
    'components/app/base/kustomization.yaml': kust(`resources:
  - release.yaml
  - secrets.yaml
  - registry.yaml
  - sops-secret.yaml
  - values-cm.yaml
generatorOptions:
  disableNameSuffixHash: true
secretGenerator:
  - name: gen-literals
    namespace: apps
    literals:
      - password=${T.literal}
  - name: gen-envs
    namespace: apps
    envs:
      - creds.env
  - name: gen-files
    namespace: apps
    files:
      - tls.key
  - name: gen-values
    namespace: apps
    files:
      - values.yaml=secret-values.yaml
`),
    'components/app/base/creds.env': `API_KEY=${T.env}\nUSER=robot\n`,
    'components/app/base/tls.key': `-----BEGIN PRIVATE KEY-----\n${T.file}\n-----END PRIVATE KEY-----\n`,
    'components/app/base/secret-values.yaml': `fromFile:\n  key: ${T.valuesFile}\n`,
    'components/app/base/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: app
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: charts
  valuesFrom:
    - kind: ConfigMap
      name: app-values
    - kind: Secret
      name: app-values-secret
    - kind: Secret
      name: app-token
      valuesKey: token
      targetPath: auth.token
    - kind: Secret
      name: gen-values
  values:
    replicaCount: 1
    database:
      url: "postgres://app:\${DB_PASS}@db:5432/app"
      password: \${DB_PASS}
    pin: \${PIN}
    plain: \${REGION}
`,
    'components/app/base/secrets.yaml': [
      secret(
        'app-secret',
        `type: Opaque\ndata:\n  password: ${b64(data)}\nstringData:\n  token: ${T.stringData}\n  pin: ${T.pin}\n`,
        `  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${lastApplied}'\n`,
      ),
      secret(
        'app-values-secret',
        `stringData:\n  values.yaml: |\n    database:\n      user: app\n      secretPassword: ${stage === 'main' ? T.mainValues : T.vfValues}\n`,
      ),
      secret('app-token', `data:\n  token: ${b64(T.vfTarget)}\n`),
    ].join('---\n'),
    'components/app/base/registry.yaml': secret(
      'registry-creds',
      `type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(dockerconfig)}\n`,
    ),
    'components/app/base/sops-secret.yaml': secret(
      'sops-secret',
      `type: Opaque\nstringData:\n  password: ENC[AES256_GCM,data:${T.sops},iv:${b64('0123456789ab')},tag:${b64('0123456789abcdef')},type:str]\nsops:\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:${b64('sops-mac')},iv:${b64('0123456789ab')},tag:${b64('0123456789abcdef')},type:str]\n  version: 3.9.0\n`,
    ),
    'components/app/base/values-cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-values
  namespace: apps
data:
  values.yaml: |
    cache:
      password: \${DB_PASS}
      host: cache
    region: \${REGION}
`,
    'components/app/staging/kustomization.yaml': kust('resources:\n  - ../base\n'),
    'components/app/production/kustomization.yaml': kust(
      'resources:\n  - ../base\npatches:\n  - path: secret-patch.yaml\n',
    ),
    'components/app/production/secret-patch.yaml': secret(
      'app-secret',
      `stringData:\n  token: ${T.patchData}\n  extra: ${T.prodData}\n`,
    ),
    // A mistyped secretGenerator literal (a colon for the `=`): the build fails, quoting nothing secret.
    'components/broken/base/kustomization.yaml': kust(
      `secretGenerator:\n  - name: typo\n    literals:\n      - password:${T.badLiteral}\n`,
    ),
    'components/broken/production/kustomization.yaml': kust('resources:\n  - ../base\n'),
    // A JSON6902 test that fails quotes the Secret's value (as kubectl does): only the net stops it.
    'components/tested/base/kustomization.yaml': kust(
      `resources:\n  - secret.yaml\npatches:\n  - target:\n      kind: Secret\n    patch: |\n      - op: test\n        path: /stringData/token\n        value: wrong\n`,
    ),
    'components/tested/base/secret.yaml': secret('tested', `stringData:\n  token: ${T.tested}\n`),
    'components/tested/production/kustomization.yaml': kust('resources:\n  - ../base\n'),
    'clusters/production/cluster-secrets.yaml': secret(
      'cluster-secrets',
      `stringData:\n  DB_PASS: ${T.profilePass}\n  REGION: eu-west-1\ndata:\n  PIN: ${b64(T.profileData)}\n`,
    ).replace('namespace: apps', 'namespace: flux-system'),
    'clusters/production/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./components/app/production
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substituteFrom:
      - kind: Secret
        name: cluster-secrets
`,
    'clusters/production/orphan-secret.yaml': secret(
      'orphan',
      `stringData:\n  url: ${T.externalData}\n  count: 3\n`,
    ),
  };
}

interface Output {
  what: string;
  text: string;
}

/** The text, plus what its base64-looking runs decode to (twice: a docker config's `auth` is base64 inside base64). */
function decodedForms(text: string): string[] {
  const out = [text];
  for (let depth = 0; depth < 2; depth++) {
    const runs = out[out.length - 1].match(/[A-Za-z0-9+/]{12,}={0,2}/g) ?? [];
    out.push(runs.map((r) => Buffer.from(r, 'base64').toString('latin1')).join('\n'));
  }
  return out;
}

function leaks(outputs: Output[], tokens: Record<string, string>): string[] {
  const found: string[] = [];
  for (const o of outputs) {
    const forms = decodedForms(o.text);
    for (const [name, t] of Object.entries(tokens)) {
      if (o.text.includes(t)) found.push(`${o.what}: clear ${name}`);
      else if (forms.some((f) => f.includes(t))) found.push(`${o.what}: base64 of ${name}`);
    }
  }
  return found;
}

describe('secrets never leave in clear', () => {
  let repo: string;
  const outputs: Output[] = [];
  const control: Output[] = [];

  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'fo-secrets-'));
    git(repo, 'init', '-q', '-b', 'production');
    write(repo, files('production'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'production');
    git(repo, 'checkout', '-q', '-b', 'main');
    write(repo, files('main'));
    git(repo, 'commit', '-q', '-am', 'main: rotate secrets');
  });
  // FO_SECRETS_KEEP=1 keeps the generated repository for a look (its path is printed).
  after(() =>
    process.env.FO_SECRETS_KEEP
      ? console.log(`# secrets fixture kept in ${repo}`)
      : fs.rmSync(repo, { recursive: true, force: true }),
  );

  const cli = (args: string[], into: Output[] = outputs) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(r.status, null, `flux-overlays ${args.join(' ')} did not finish`);
    into.push(
      { what: `flux-overlays ${args.join(' ')} (stdout)`, text: r.stdout },
      { what: `flux-overlays ${args.join(' ')} (stderr)`, text: r.stderr },
    );
    return r;
  };

  it('CLI: every command and format', () => {
    const prod = 'components/app/production';
    const stag = 'components/app/staging';
    const profile = 'clusters/production/cluster-secrets.yaml';
    assert.equal(cli(['build', prod]).status, 0);
    cli(['build', '--json', prod, stag, 'components/broken/production']);
    cli(['build', '--show-origin', prod]);
    assert.match(
      cli(['build', 'components/tested/production']).stderr,
      /JSON6902 test failed: \/stringData\/token is "<secret:[0-9a-f]{8}>"/,
    );
    const broken = cli(['build', 'components/broken/production']);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /invalid literal source <secret:[0-9a-f]{8}>/);
    for (const extra of [
      [],
      ['--json'],
      ['--show-origin'],
      ['--profile', profile],
      ['--profile', profile, '--json'],
      ['--profile', profile, '--show-origin'],
    ])
      cli(['values', prod, stag, ...extra]);
    cli(['diff', stag, prod]);
    cli(['diff', '--manifests', stag, prod]);
    cli(['diff', '--profile', profile, stag, prod]);
    cli(['diff', '--manifests', '--profile', profile, stag, prod]);
    for (const format of ['text', 'markdown', 'json']) {
      const r = cli(['promotion-diff', '--repo', '.', '--format', format]);
      // components/broken and components/tested fail to build on purpose: the report is printed,
      // then promotion-diff exits 2 (the merged side fails to build).
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stdout.length > 0, 'the report is printed');
      cli(['promotion-diff', '--repo', '.', '--format', format, '--profile', profile]);
    }
    // A rotated secret still shows as changed (different marks), without its values.
    const json = JSON.parse(cli(['promotion-diff', '--repo', '.', '--format', 'json']).stdout) as {
      changes: { component: string; manifestsDiff: string; valuesDiff: string }[];
    };
    const app = json.changes.find((c) => c.component === 'components/app');
    assert.ok(app, 'components/app changed');
    assert.match(app.manifestsDiff, /^-\s+password: <secret:[0-9a-f]{8}>$/m);
    assert.match(app.manifestsDiff, /^\+\s+password: <secret:[0-9a-f]{8}>$/m);
    assert.match(app.valuesDiff, /^\+\s+secretPassword: <secret:[0-9a-f]{8}>$/m);
    for (const extra of [
      [],
      ['--format', 'json'],
      ['--profile', profile],
      ['--profile', profile, '--format', 'json'],
    ])
      cli(['check', '.', ...extra]);

    // Control: the same outputs do carry the secrets when asked.
    cli(['build', '--show-secrets', prod], control);
    cli(['build', '--show-secrets', '--json', stag], control);
    cli(['values', '--show-secrets', '--profile', profile, prod], control);
    cli(['promotion-diff', '--show-secrets', '--repo', '.', '--format', 'json'], control);
    cli(['build', '--show-secrets', 'components/broken/production'], control);
    cli(['build', '--show-secrets', 'components/tested/production'], control);
  });

  it('language server: every request at every line, diagnostics, notifications and stderr', async () => {
    const client = TestClient.ours(PROJECT_ROOT);
    const stderr: string[] = [];
    (client as unknown as { proc: { stderr: NodeJS.ReadableStream } }).proc.stderr.on(
      'data',
      (d: Buffer) => stderr.push(d.toString('utf8')),
    );
    const push = (what: string, v: unknown) =>
      outputs.push({ what: `LSP ${what}`, text: JSON.stringify(v) ?? 'undefined' });
    try {
      push(
        'initialize',
        await client.initialize(repo, {
          clusterProfile: 'clusters/production/cluster-secrets.yaml',
        }),
      );
      const all = Object.keys(files('main'));
      for (const rel of all)
        client.open(uriOf(path.join(repo, rel)), fs.readFileSync(path.join(repo, rel), 'utf8'));
      const prodUri = uriOf(path.join(repo, 'components/app/production/kustomization.yaml'));
      const ask = async (method: string, params: unknown) =>
        push(`${method} ${JSON.stringify(params)}`, await client.request(method, params));
      await ask('fluxOverlays/listOverlays', {});
      await ask('fluxOverlays/listClusterProfiles', {});
      for (const overlay of ['production', 'staging']) {
        for (const clusterProfile of [undefined, 'clusters/production/cluster-secrets.yaml']) {
          await ask('fluxOverlays/effectiveValues', { uri: prodUri, overlay, clusterProfile });
          await ask('fluxOverlays/renderOverlay', { uri: prodUri, overlay, clusterProfile });
          for (const side of ['before', 'after']) {
            const source = { kind: 'promotion', from: 'main', to: 'production', side };
            await ask('fluxOverlays/effectiveValues', {
              uri: prodUri,
              overlay,
              clusterProfile,
              source,
            });
            await ask('fluxOverlays/renderOverlay', {
              uri: prodUri,
              overlay,
              clusterProfile,
              source,
            });
          }
        }
      }
      await ask('fluxOverlays/promotionDiff', { uri: uriOf(repo), from: 'main', to: 'production' });
      for (const rel of all) {
        const uri = uriOf(path.join(repo, rel));
        const doc = { textDocument: { uri } };
        for (const m of [
          'textDocument/documentSymbol',
          'textDocument/codeLens',
          'textDocument/documentLink',
        ])
          await ask(m, doc);
        const lines = fs.readFileSync(path.join(repo, rel), 'utf8').split('\n');
        for (let line = 0; line < lines.length; line++) {
          const cols = new Set(
            [lines[line].search(/\S/), lines[line].indexOf(':') + 2, lines[line].length].filter(
              (c) => c >= 0 && c <= lines[line].length,
            ),
          );
          for (const character of cols) {
            const at = { ...doc, position: { line, character } };
            for (const m of [
              'textDocument/hover',
              'textDocument/completion',
              'textDocument/definition',
            ])
              await ask(m, at);
            await ask('textDocument/references', { ...at, context: { includeDeclaration: true } });
            await ask('textDocument/codeAction', {
              ...doc,
              range: { start: { line, character }, end: { line, character } },
              context: { diagnostics: [] },
            });
          }
        }
      }
      // Diagnostics of every open file (published after a debounce).
      await Promise.all(all.map((rel) => client.diagnosticsFor(uriOf(path.join(repo, rel)))));
    } finally {
      await client.shutdown();
    }
    for (const n of client.notifications) push(`notification ${n.method}`, n.params);
    outputs.push({ what: 'language server stderr', text: stderr.join('') });
    assert.ok(client.notifications.some((n) => n.method === 'textDocument/publishDiagnostics'));
  });

  it('no output holds a secret in clear or in base64', () => {
    console.log(
      `# secrets: ${outputs.length} outputs checked for ${Object.keys(T).length} secret tokens (${outputs.reduce((n, o) => n + o.text.length, 0)} characters), ${control.length} control outputs`,
    );
    assert.deepEqual(leaks(outputs, T), []);
    // The control proves the fixture's secrets reach the outputs (so the check above can fail).
    const shown = Object.fromEntries(
      Object.entries(T).filter(([name]) => !['badLiteral', 'externalData'].includes(name)),
    );
    const seen = new Set(
      leaks(control, shown).map((l) => / of (\w+)$| clear (\w+)$/.exec(l)?.slice(1).find(Boolean)),
    );
    assert.deepEqual(
      Object.keys(shown).filter((n) => !seen.has(n)),
      [],
    );
  });
});
