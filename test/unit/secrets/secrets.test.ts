// engine/secrets.ts, the one redaction rule, and the leaks of issue 14 (defect 5), each on a
// small in-memory repository: a Secret's last-applied annotation, `${VAR}` from a
// Secret-backed profile, schema messages, a mistyped secretGenerator literal, and the text net
// at the CLI's and the server's way out.

import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Emitter } from 'vscode-languageserver/node';
import type { Message, MessageWriter } from 'vscode-languageserver/node';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { buildKustomization } from '../../../server/src/engine/kustomize/build';
import { computeDiagnostics } from '../../../server/src/ide/diagnostics';
import { effectiveValues, overlayManifests } from '../../../server/src/ide/overlays';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import {
  isSecretMark,
  redactDeep,
  redactTree,
  redactText,
  remember,
  secretMark,
} from '../../../server/src/engine/secrets';
import { loadProfile } from '../../../server/src/engine/substitute/postBuild';
import { manifestTexts, runOverlay, releaseTexts } from '../../../server/src/engine/workspace';
import { emitDocuments, emitJS, emitYaml } from '../../../server/src/engine/yaml/emit';
import { YNode, map, scalar, seq, toJS } from '../../../server/src/engine/yaml/node';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { RedactingWriter } from '../../../server/src/transport';

const R = '/repo';
const K = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const LA = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's' },
  stringData: { password: 'la-Secret-7f3a91' },
});
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${LA}'\nstringData:\n  password: sd-Secret-2c81e4\n`;
const RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
spec:
  chart:
    spec:
      chart: app
      sourceRef:
        kind: HelmRepository
        name: charts
  valuesFrom:
    - kind: ConfigMap
      name: app-values
  values:
    url: "postgres://app:\${DB_PASS}@db/app"
    password: \${DB_PASS}
    region: \${REGION}
`;
const CM = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-values\ndata:\n  values.yaml: |\n    cache:\n      password: \${DB_PASS}\n      host: cache\n`;
const PROFILE = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\nstringData:\n  DB_PASS: prof-Secret-9d04b7\n  REGION: eu-west-1\n`;
const FILES: Record<string, string> = {
  [`${R}/app/base/kustomization.yaml`]: `${K}resources:\n  - secret.yaml\n  - release.yaml\n  - cm.yaml\n`,
  [`${R}/app/base/secret.yaml`]: SECRET,
  [`${R}/app/base/release.yaml`]: RELEASE,
  [`${R}/app/base/cm.yaml`]: CM,
  [`${R}/app/production/kustomization.yaml`]: `${K}resources:\n  - ../base\n`,
  [`${R}/app/staging/kustomization.yaml`]: `${K}resources:\n  - ../base\n`,
  [`${R}/clusters/secrets.yaml`]: PROFILE,
};
const CLEAR = ['la-Secret-7f3a91', 'sd-Secret-2c81e4', 'prof-Secret-9d04b7'];

function noClear(text: string, what: string): void {
  for (const c of CLEAR) {
    assert.equal(text.includes(c), false, `${what} shows ${c}:\n${text}`);
    assert.equal(
      text.includes(Buffer.from(c).toString('base64').replace(/=+$/, '')),
      false,
      `${what} shows base64 of ${c}`,
    );
  }
}

const index = () => {
  const i = new WorkspaceIndex(new MemoryFileSystem(undefined, FILES), [R]);
  i.scan();
  return i;
};

describe('marks', () => {
  it('are the same for the same value, differ for different values, and say nothing of the value', () => {
    assert.equal(secretMark('a'), secretMark('a'));
    assert.notEqual(secretMark('a'), secretMark('b'));
    assert.match(secretMark('hunter2'), /^<secret:[0-9a-f]{8}>$/);
    assert.ok(isSecretMark(secretMark('x')));
    assert.equal(isSecretMark('<secret>'), false);
  });
});

describe('emitJS', () => {
  it('copies a tree with nothing secret as toJS does, and redacts wherever the secret sits', () => {
    const plain = parseYaml('a: [1, {b: x}]\nc: {}\nd: null\n', 'p.yaml').documents[0].root!;
    assert.deepEqual(emitJS(plain), toJS(plain));
    const from = (by: string) => ({ file: 'v.yaml', line: 1, col: 1, endLine: 1, endCol: 2, by });
    const trees: YNode[] = [
      // A Secret inside a list, a value from a Secret deep in a map, a text with a secret
      // variable, a secret value replaced by a layer above.
      parseYaml(
        'items:\n- kind: Secret\n  apiVersion: v1\n  data:\n    k: bGEtU2VjcmV0LTdmM2E5MQ==\n',
        'l.yaml',
      ).documents[0].root!,
      map([{ key: 'a', value: map([{ key: 'b', value: scalar(CLEAR[1], from('Secret/s')) }]) }]),
      seq([scalar(1), { kind: 'scalar', value: `x-${CLEAR[2]}`, shown: 'x-<secret:00000000>' }]),
      map([
        {
          key: 'v',
          value: { kind: 'scalar', value: 'now', overrides: [scalar(CLEAR[1], from('Secret/s'))] },
        },
      ]),
    ];
    for (const t of trees) {
      assert.deepEqual(emitJS(t), toJS(redactTree(t)));
      noClear(JSON.stringify(emitJS(t)), 'emitJS');
    }
  });
});

describe("a Secret's last-applied-configuration annotation (build, --json, --show-origin, renderOverlay)", () => {
  const fs = new MemoryFileSystem(undefined, FILES);
  const built = buildKustomization(fs, `${R}/app/production`);
  const nodes = built.objects.map((o) => o.node);
  it('is a mark in YAML, with origins, and in JSON; clear only when asked', () => {
    const yaml = emitDocuments(nodes);
    noClear(yaml, 'emitDocuments');
    assert.match(yaml, /last-applied-configuration: <secret:[0-9a-f]{8}>/);
    noClear(emitDocuments(nodes, { showOrigin: true }), 'emitDocuments --show-origin');
    noClear(JSON.stringify(nodes.map((n) => emitJS(n))), 'emitJS');
    assert.match(emitDocuments(nodes, { showSecrets: true }), /la-Secret-7f3a91/);
  });
  it("is a mark in the server's renderOverlay, its origins and the values they override", () => {
    const r = overlayManifests(index(), `${R}/app/production/kustomization.yaml`, 'production', R);
    noClear(JSON.stringify(r), 'renderOverlay');
    assert.match(r.content, /last-applied-configuration: <secret:/);
  });
  it('is a mark in the manifests texts diff and promotion-diff compare', () => {
    const o = runOverlay(fs, `${R}/app/production`);
    noClear([...manifestTexts(o).values()].join('\n'), 'manifestTexts');
  });
});

describe('${VAR} from a Secret-backed cluster profile', () => {
  const fs = new MemoryFileSystem(undefined, FILES);
  const profile = loadProfile(fs, `${R}/clusters/secrets.yaml`);
  it("marks the profile's variables as secret", () => {
    assert.equal(profile.variables.get('DB_PASS')?.secret, true);
  });
  const o = runOverlay(fs, `${R}/app/production`, { variables: profile.variables });
  it('values (values --profile, diff): a mark where the variable was, the rest as written', () => {
    const text = [...releaseTexts(o).values()].join('\n');
    noClear(text, 'releaseTexts');
    const mark = secretMark('prof-Secret-9d04b7');
    assert.match(text, new RegExp(`^password: ${mark}$`, 'm'), text);
    assert.match(text, new RegExp(`url: postgres://app:${mark}@db/app`));
    // A ConfigMap's values text substituted from the Secret: only its secret leaf is a mark.
    assert.match(text, new RegExp(`^  password: ${mark}$`, 'm'));
    assert.match(text, /^ {2}host: cache$/m);
    assert.equal(
      JSON.stringify(o.releases[0].values).includes('prof-Secret-9d04b7'),
      false,
      'the computed values hold marks',
    );
  });
  it('manifests (build after substitution, diff --manifests): marks', () => {
    const text = [...manifestTexts(o).values()].join('\n');
    noClear(text, 'manifestTexts');
    assert.match(text, /password: <secret:/);
    assert.match([...manifestTexts(o, true).values()].join('\n'), /prof-Secret-9d04b7/);
  });
  it('--show-secrets shows them', () => {
    const clear = runOverlay(fs, `${R}/app/production`, {
      variables: profile.variables,
      showSecrets: true,
    });
    assert.match(
      [...releaseTexts(clear, true).values()].join('\n'),
      /password: prof-Secret-9d04b7/,
    );
  });
  it("the server's effectiveValues and renderOverlay with that profile", () => {
    const i = index();
    const file = `${R}/app/production/kustomization.yaml`;
    const ev = effectiveValues(i, file, 'production', R, undefined, `${R}/clusters/secrets.yaml`);
    noClear(JSON.stringify(ev), 'effectiveValues');
    assert.match(ev.content, /password: <secret:/);
    const ro = overlayManifests(i, file, 'production', R, `${R}/clusters/secrets.yaml`);
    noClear(JSON.stringify(ro), 'renderOverlay');
    assert.match(ro.content, /url: postgres:\/\/app:<secret:[0-9a-f]{8}>@db\/app/);
  });
});

describe('messages', () => {
  it("schema messages do not quote a Secret's data", () => {
    const i = new WorkspaceIndex(
      new MemoryFileSystem(undefined, {
        [`${R}/s.yaml`]:
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  pin: 987654321\ntype: Opaqe\n',
      }),
      [R],
    );
    i.scan();
    const ds = computeDiagnostics(i, `${R}/s.yaml`, { validation: true });
    const pin = ds.find((d) => /`pin`/.test(d.message));
    assert.ok(pin, JSON.stringify(ds));
    assert.doesNotMatch(pin.message, /987654321/);
    assert.match(pin.message, /<secret:[0-9a-f]{8}>/);
  });
  it('a mistyped secretGenerator literal is not quoted (a configMapGenerator one still is)', () => {
    const fs = new MemoryFileSystem(undefined, {
      '/g/s/kustomization.yaml': `${K}secretGenerator:\n  - name: s\n    literals:\n      - password:gen-Secret-5e1f\n`,
      '/g/c/kustomization.yaml': `${K}configMapGenerator:\n  - name: c\n    literals:\n      - mode:fast\n`,
    });
    const s = buildKustomization(fs, '/g/s')
      .problems.map((p) => p.message)
      .join('\n');
    assert.match(s, /invalid literal source <secret:[0-9a-f]{8}>/);
    assert.doesNotMatch(s, /gen-Secret-5e1f/);
    assert.match(
      buildKustomization(fs, '/g/c')
        .problems.map((p) => p.message)
        .join('\n'),
      /invalid literal source mode:fast/,
    );
  });
});

describe('the text net', () => {
  it('replaces remembered values, their base64 and JSON-escaped forms; leaves plain words alone', () => {
    remember('net-Sec"ret-71aa0c');
    remember('postgres');
    const json = JSON.stringify({ m: 'x net-Sec"ret-71aa0c y' });
    assert.doesNotMatch(redactText(json), /71aa0c/);
    assert.doesNotMatch(
      redactText(`auth ${Buffer.from('net-Sec"ret-71aa0c').toString('base64')}`),
      /bmV0LVNlYyJyZXQtNzFhYTBj/,
    );
    assert.equal(redactText('chart postgres 1.2.3'), 'chart postgres 1.2.3');
    assert.deepEqual(redactDeep({ a: ['net-Sec"ret-71aa0c', 3, null] }), {
      a: [secretMark('net-Sec"ret-71aa0c'), 3, null],
    });
  });
  it('knows every Secret the engine parsed, so any message quoting it is scrubbed', () => {
    const fs = new MemoryFileSystem(undefined, {
      '/j/kustomization.yaml': `${K}resources:\n  - s.yaml\npatches:\n  - target:\n      kind: Secret\n    patch: |\n      - op: test\n        path: /stringData/token\n        value: wrong\n`,
      '/j/s.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: json-Secret-04d1c9\n',
    });
    const msg = buildKustomization(fs, '/j')
      .problems.map((p) => p.message)
      .join('\n');
    assert.match(
      msg,
      /json-Secret-04d1c9/,
      'the engine message itself quotes the value (as kubectl does)',
    );
    assert.doesNotMatch(redactText(msg), /json-Secret-04d1c9/);
  });
  it('is on every message the language server writes', async () => {
    remember('lsp-Secret-66b2e0');
    const written: Message[] = [];
    const inner: MessageWriter = {
      onError: new Emitter<[Error, Message | undefined, number | undefined]>().event,
      onClose: new Emitter<void>().event,
      write: async (m) => void written.push(m),
      end: () => undefined,
      dispose: () => undefined,
    };
    await new RedactingWriter(inner).write({
      jsonrpc: '2.0',
      method: 'window/logMessage',
      params: { type: 3, message: 'read lsp-Secret-66b2e0' },
    } as Message);
    assert.doesNotMatch(JSON.stringify(written), /lsp-Secret-66b2e0/);
    assert.match(JSON.stringify(written), /read <secret:/);
  });
  it('emitYaml of a tree without secrets is untouched', () => {
    assert.equal(
      emitYaml({ kind: 'map', pairs: [{ key: 'a', value: { kind: 'scalar', value: 'b' } }] }),
      'a: b\n',
    );
  });
});
