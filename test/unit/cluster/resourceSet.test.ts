// ResourceSet expansion against the Flux Operator's documented semantics (docs/api/v1/
// resourceset.md and resourcesetinputprovider.md): the examples there, with the outputs they
// describe, plus the template language on its own.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { GoTemplate, TemplateError } from '../../../server/src/engine/cluster/gotemplate';
import { templateFunctions, slugify } from '../../../server/src/engine/cluster/templateFunctions';
import {
  adler32,
  combineInputs,
  expandResourceSet,
  normalizeKey,
} from '../../../server/src/engine/cluster/resourceSet';
import { parseYaml } from '../../../server/src/engine/yaml/parse';
import { YMap, toJS } from '../../../server/src/engine/yaml/node';

function docs(text: string): YMap[] {
  return parseYaml(text, '/rset.yaml').documents.map((d) => d.root as YMap);
}

function render(tmpl: string, inputs: unknown): string {
  return new GoTemplate(tmpl, templateFunctions(inputs)).execute();
}

const templateCases: { tmpl: string; inputs?: unknown; out?: string; error?: RegExp }[] = [
  { tmpl: 'name: << inputs.tenant >>', inputs: { tenant: 'team1' }, out: 'name: team1' },
  {
    tmpl: 'semver: << inputs.app.version | quote >>',
    inputs: { app: { version: '6.7.x' } },
    out: 'semver: "6.7.x"',
  },
  {
    tmpl: 'replicaCount: << inputs.app.replicas | int >>',
    inputs: { app: { replicas: 2 } },
    out: 'replicaCount: 2',
  },
  {
    tmpl: 'enabled: << inputs.enabled | quote >>',
    inputs: { enabled: true },
    out: 'enabled: "true"',
  },
  {
    tmpl: 'label: << inputs.tenant | slugify >>',
    inputs: { tenant: 'Team One & Co' },
    out: 'label: team-one-and-co',
  },
  {
    tmpl: 'name: << get inputs "name" | default inputs.namespace >>',
    inputs: { namespace: 'team1' },
    out: 'name: team1',
  },
  {
    tmpl: 'name: << get inputs "name" | default inputs.namespace >>',
    inputs: { namespace: 'team1', name: 'x' },
    out: 'name: x',
  },
  {
    tmpl: 'spec:\n  layerSelector: << inputs.layerSelector | toYaml | nindent 4 >>',
    inputs: {
      layerSelector: {
        operation: 'copy',
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
      },
    },
    out: 'spec:\n  layerSelector: \n    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip\n    operation: copy',
  },
  {
    tmpl: '<< if eq inputs.tenant "team1" >>a<< else >>b<< end >>',
    inputs: { tenant: 'team1' },
    out: 'a',
  },
  {
    tmpl: '<< if eq inputs.tenant "team1" >>a<< else >>b<< end >>',
    inputs: { tenant: 'team2' },
    out: 'b',
  },
  {
    tmpl: '<< if inputs.a >>A<< else if inputs.b >>B<< else >>C<< end >>',
    inputs: { a: false, b: 1 },
    out: 'B',
  },
  {
    tmpl: 'x:\n<<- range $component := inputs.components >>\n- << $component >>\n<<- end >>',
    inputs: { components: ['a', 'b'] },
    out: 'x:\n- a\n- b',
  },
  {
    tmpl: '<< range $k, $v := inputs.m >><< $k >>=<< $v >>;<< end >>',
    inputs: { m: { b: 2, a: 1 } },
    out: 'a=1;b=2;',
  },
  {
    tmpl: '<<- if inputs.decryption >>\ndecryption: on\n<<- end >>\nrest',
    inputs: { decryption: false },
    out: '\nrest',
  },
  {
    tmpl: '<< $x := inputs.n >><< add $x 1 >> << printf "%s-%d" inputs.s 7 >>',
    inputs: { n: 2, s: 'v' },
    out: '3 v-7',
  },
  { tmpl: '<< inputs.id >>', inputs: { id: '768965678' }, out: '768965678' },
  { tmpl: '<</* a comment */>>ok', inputs: {}, out: 'ok' },
  { tmpl: '<< inputs.nope >>', inputs: { tenant: 'x' }, error: /map has no entry for key "nope"/ },
  { tmpl: '<< inputs.a.b >>', inputs: { a: 'str' }, error: /can't evaluate field b/ },
  { tmpl: '<< nofunc 1 >>', inputs: {}, error: /function "nofunc" not defined/ },
  { tmpl: '<< if true >>unclosed', inputs: {}, error: /missing end/ },
  { tmpl: 'a << inputs.x', inputs: {}, error: /unclosed action/ },
];

for (const c of templateCases) {
  test(`template: ${JSON.stringify(c.tmpl)}`, () => {
    if (c.error) {
      assert.throws(
        () => render(c.tmpl, c.inputs),
        (e: unknown) => e instanceof TemplateError && c.error!.test((e as Error).message),
      );
    } else assert.equal(render(c.tmpl, c.inputs), c.out);
  });
}

test('slugify: gosimple/slug with the operator settings (63 characters, cut at a word)', () => {
  assert.equal(slugify('Hello World'), 'hello-world');
  assert.equal(slugify('feature/ABC-123_x'), 'feature-abc-123_x');
  assert.equal(slugify('Ünïcödé'), 'unicode');
  const long = slugify('a'.repeat(40) + ' ' + 'b'.repeat(30));
  assert.equal(long, 'a'.repeat(40));
  assert.ok(long.length <= 63);
});

test('normalizeKey: the Permute strategy key of a provider name (documented rules)', () => {
  assert.equal(normalizeKey('my-rset'), 'my_rset');
  assert.equal(normalizeKey('Git Tag'), 'git_tag');
  assert.equal(normalizeKey('--oci.tag--'), 'oci_tag');
  assert.equal(normalizeKey('a$b'), 'ab');
});

test('docs example: podinfo per tenant, version quoted and replicas as integers', () => {
  const [rset] = docs(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: podinfo
  namespace: default
spec:
  commonMetadata:
    labels:
      app.kubernetes.io/name: podinfo
  inputs:
    - tenant: "team1"
      app:
       version: "6.7.x"
       replicas: 2
    - tenant: "team2"
      app:
       version: "6.6.x"
       replicas: 3
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata:
        name: podinfo-<< inputs.tenant >>
        namespace: default
      spec:
        interval: 10m
        url: oci://ghcr.io/stefanprodan/charts/podinfo
        ref:
          semver: << inputs.app.version | quote >>
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: podinfo-<< inputs.tenant >>
        namespace: default
      spec:
        interval: 1h
        releaseName: podinfo-<< inputs.tenant >>
        chartRef:
          kind: OCIRepository
          name: podinfo-<< inputs.tenant >>
        values:
          replicaCount: << inputs.app.replicas | int >>
`);
  const r = expandResourceSet(rset, []);
  assert.deepEqual(r.problems, []);
  // "HelmRelease/default/podinfo-team1 created ... OCIRepository/default/podinfo-team2 created"
  assert.deepEqual(
    r.objects
      .map(
        (o) =>
          `${(o.node.pairs.find((p) => p.key === 'kind')!.value as { value: string }).value}/${(toJS(o.node) as { metadata: { name: string } }).metadata.name}`,
      )
      .sort(),
    [
      'HelmRelease/podinfo-team1',
      'HelmRelease/podinfo-team2',
      'OCIRepository/podinfo-team1',
      'OCIRepository/podinfo-team2',
    ],
  );
  const hr2 = toJS(
    r.objects.find(
      (o) =>
        JSON.stringify(toJS(o.node)).includes('"HelmRelease"') &&
        JSON.stringify(toJS(o.node)).includes('team2'),
    )!.node,
  ) as Record<string, any>;
  assert.equal(hr2.spec.values.replicaCount, 3);
  assert.equal(hr2.spec.releaseName, 'podinfo-team2');
  assert.deepEqual(hr2.metadata.labels, { 'app.kubernetes.io/name': 'podinfo' });
  const oci1 = toJS(
    r.objects.find(
      (o) =>
        JSON.stringify(toJS(o.node)).includes('OCIRepository') &&
        JSON.stringify(toJS(o.node)).includes('team1'),
    )!.node,
  ) as Record<string, any>;
  assert.equal(oci1.spec.ref.semver, '6.7.x');
  // Each rendered value points at the template line that produced it.
  const node = r.objects[0].node;
  const name = (node.pairs.find((p) => p.key === 'metadata')!.value as YMap).pairs.find(
    (p) => p.key === 'name',
  )!.value;
  assert.equal(name.origin?.file, '/rset.yaml');
  assert.equal(name.origin?.line, 23);
  assert.match(name.origin?.by ?? '', /ResourceSet default\/podinfo inputs\[0\]/);
});

test('docs example: inputs from a Static provider, flattened after the ResourceSet own inputs; provider field set', () => {
  const all = docs(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: apps
  namespace: flux-system
spec:
  inputs:
    - tenant: own
  inputsFrom:
    - kind: ResourceSetInputProvider
      selector:
        matchLabels:
          app: podinfo
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: << inputs.tenant >>-<< inputs.provider.kind | lower >>
        namespace: << inputs.provider.namespace >>
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata:
  name: b-static
  namespace: flux-system
  labels:
    app: podinfo
spec:
  type: Static
  defaultValues:
    tenant: team-b
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata:
  name: a-static
  namespace: flux-system
  labels:
    app: podinfo
spec:
  type: Static
  defaultValues:
    tenant: team-a
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata:
  name: other
  namespace: flux-system
  labels:
    app: other
spec:
  type: Static
  defaultValues:
    tenant: nope
`);
  const r = expandResourceSet(all[0], all.slice(1));
  assert.deepEqual(r.problems, []);
  // ResourceSet inputs first, then providers sorted by name.
  assert.deepEqual(
    r.objects.map((o) => (toJS(o.node) as { metadata: { name: string } }).metadata.name),
    ['own-resourceset', 'team-a-resourcesetinputprovider', 'team-b-resourcesetinputprovider'],
  );
});

test('docs: Permute strategy nests each provider input under its normalized name, id = adler32 of the choice', () => {
  const all = docs(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: my-rset
  namespace: default
spec:
  inputStrategy:
    name: Permute
  inputs:
    - id: id1
      someField: foo
    - id: id2
      someField: bar
  inputsFrom:
    - kind: ResourceSetInputProvider
      name: git-tag
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: my-cm-<< inputs.id >>
        namespace: default
      data:
        rsetID: << inputs.my_rset.id | quote >>
        someField: << inputs.my_rset.someField | quote >>
        sha: << inputs.git_tag.sha | quote >>
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata:
  name: git-tag
  namespace: default
spec:
  type: Static
  defaultValues:
    sha: bf5d6e01cf802734853f6f3417b237e3ad0ba35d
`);
  const problems: never[] = [];
  const inputs = combineInputs(all[0], all.slice(1), problems);
  assert.equal(inputs.length, 2);
  assert.equal(inputs[0].id, adler32('my_rset=0/git_tag=0'));
  assert.equal(inputs[1].id, adler32('my_rset=1/git_tag=0'));
  const r = expandResourceSet(all[0], all.slice(1));
  const data = r.objects.map((o) => (toJS(o.node) as { data: Record<string, string> }).data);
  assert.deepEqual(data, [
    { rsetID: 'id1', someField: 'foo', sha: 'bf5d6e01cf802734853f6f3417b237e3ad0ba35d' },
    { rsetID: 'id2', someField: 'bar', sha: 'bf5d6e01cf802734853f6f3417b237e3ad0ba35d' },
  ]);
});

test('adler32 matches the checksum of known strings', () => {
  assert.equal(adler32('Wikipedia'), String(0x11e60398));
  assert.equal(adler32(''), '1');
});

test('reconcile: disabled objects are dropped, duplicates keep the first, no inputs renders once', () => {
  const [rset] = docs(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: s, namespace: ns}
spec:
  inputs:
    - name: a
      off: "disabled"
    - name: a
      off: "enabled"
    - name: b
      off: "enabled"
  resourcesTemplate: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm-<< inputs.name >>
      annotations:
        fluxcd.controlplane.io/reconcile: << inputs.off >>
`);
  const r = expandResourceSet(rset, []);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.objects.map((o) => (toJS(o.node) as { metadata: { name: string } }).metadata.name),
    ['cm-a', 'cm-b'],
  );
  assert.equal(r.objects[0].input, 1);
  const [plain] = docs(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: s, namespace: ns}
spec:
  resources:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: fixed}
`);
  assert.equal(expandResourceSet(plain, []).objects.length, 1);
});

test('errors name the ResourceSet line: missing input key, unknown provider, external provider', () => {
  const [rset, ext] = docs(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: s, namespace: ns}
spec:
  inputs:
    - tenant: a
  inputsFrom:
    - name: missing
    - name: gh
  resources:
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: << inputs.tennant >>
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: {name: gh, namespace: ns}
spec:
  type: GitHubPullRequest
  url: https://github.com/org/repo
`);
  const r = expandResourceSet(rset, [ext]);
  const codes = r.problems.map((p) => `${p.code}@${p.span?.line}`);
  assert.ok(codes.includes('resourceset-provider-missing@8'), codes.join(' '));
  assert.ok(codes.includes('resourceset-provider-external@20'), codes.join(' '));
  assert.ok(codes.includes('resourceset-template@11'), codes.join(' '));
  assert.match(
    r.problems.find((p) => p.code === 'resourceset-template')!.message,
    /map has no entry for key "tennant"/,
  );
});
