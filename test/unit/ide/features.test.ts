// Unit tests per feature, on an in-memory workspace (MemoryFileSystem) and inline YAML with a
// `|` cursor marker.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryFileSystem } from '../../../server/src/engine/fs';
import { complete } from '../../../server/src/ide/completion';
import { computeDiagnostics } from '../../../server/src/ide/diagnostics';
import {
  codeLenses,
  definition,
  documentLinks,
  documentSymbols,
  hover,
  references,
} from '../../../server/src/ide/navigation';
import { effectiveValues, listOverlays, overlayManifests } from '../../../server/src/ide/overlays';
import { WorkspaceIndex } from '../../../server/src/ide/workspaceIndex';
import { cursorContext } from '../../../server/src/ide/yamlText';
import { cursor } from './cursor';
import { helmRelease } from '../../support/helmRelease';

const R = '/ws';
const HR = helmRelease({
  source: { name: 'app-repo' },
  valuesFrom: [{ kind: 'ConfigMap', name: 'app-values' }],
  values: 'replicaCount: 1\nimage:\n  tag: v1\n',
});

function workspace(extra: Record<string, string> = {}): WorkspaceIndex {
  const fs = new MemoryFileSystem(undefined, {
    [`${R}/app/base/kustomization.yaml`]:
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n  - repo.yaml\nconfigMapGenerator:\n  - name: app-values\n    files:\n      - values.yaml=values.yaml\ngeneratorOptions:\n  disableNameSuffixHash: true\n',
    [`${R}/app/base/release.yaml`]: HR,
    [`${R}/app/base/repo.yaml`]:
      'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: app-repo\nspec:\n  interval: 1h\n  url: https://charts.example.org\n',
    [`${R}/app/base/values.yaml`]: 'service:\n  port: 80\n',
    [`${R}/app/staging/kustomization.yaml`]:
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n  - path: patch.yaml\n',
    [`${R}/app/staging/patch.yaml`]:
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    replicaCount: 2\n',
    [`${R}/app/production/kustomization.yaml`]:
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n  - path: patch.yaml\n',
    [`${R}/app/production/patch.yaml`]:
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    replicaCount: 3\n',
    ...extra,
  });
  const index = new WorkspaceIndex(fs, [R]);
  index.scan();
  return index;
}

describe('cursorContext', () => {
  const cases: { src: string; path: (string | number)[]; key?: string; inValue: boolean }[] = [
    { src: 'a:\n  b:\n    |', path: ['a', 'b'], inValue: false },
    { src: 'a:\n  b: x|', path: ['a'], key: 'b', inValue: true },
    {
      src: 'spec:\n  valuesFrom:\n    - kind: ConfigMap\n      name: |',
      path: ['spec', 'valuesFrom', 0],
      key: 'name',
      inValue: true,
    },
    {
      src: 'spec:\n  valuesFrom:\n    - kind: A\n      name: a\n    - kind: B\n      |',
      path: ['spec', 'valuesFrom', 1],
      inValue: false,
    },
    { src: 'resources:\n- a.yaml\n- |', path: ['resources', 1], inValue: false },
    { src: 'x: 1\n---\nspec:\n  |', path: ['spec'], inValue: false },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.src), () => {
      const { text, line, character } = cursor(c.src);
      const ctx = cursorContext(text, line, character);
      assert.deepEqual(ctx.path, c.path);
      assert.equal(ctx.inValue, c.inValue);
      if (c.key) assert.equal(ctx.key, c.key);
    });
  }
});

describe('completion', () => {
  const index = workspace();
  const at = (file: string, src: string) => {
    const { text, line, character } = cursor(src);
    return complete(index, file, text, line, character);
  };
  it('offers HelmRelease spec keys with docs and required children as snippets', () => {
    const c = at(
      `${R}/app/base/release.yaml`,
      HR.replace('  interval: 10m\n', '  interval: 10m\n  |\n'),
    );
    const upgrade = c.find((x) => x.label === 'upgrade');
    assert.ok(upgrade, 'upgrade offered');
    assert.ok(upgrade.documentation, 'documented');
    assert.ok(!c.some((x) => x.label === 'interval'), 'present keys not offered again');
  });
  it('offers enum values', () => {
    const c = at(
      `${R}/x.yaml`,
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  driftDetection:\n    mode: |',
    );
    assert.ok(c.some((x) => x.label === 'enabled'));
  });
  it('offers apiVersion and kind', () => {
    assert.ok(
      at(`${R}/x.yaml`, 'apiVersion: |').some((x) => x.label === 'helm.toolkit.fluxcd.io/v2'),
    );
    assert.ok(at(`${R}/x.yaml`, 'kind: |').some((x) => x.label === 'HelmRelease'));
  });
  it('offers paths in resources', () => {
    const c = at(`${R}/app/staging/kustomization.yaml`, 'resources:\n  - ../|');
    assert.ok(
      c.some((x) => x.label === 'base/' && x.kind === 'folder'),
      JSON.stringify(c.map((x) => x.label)),
    );
  });
  it('offers ConfigMap names for valuesFrom and HelmRepository names for sourceRef', () => {
    const src = HR.replace('      name: app-values', '      name: |');
    assert.ok(at(`${R}/app/base/release.yaml`, src).some((x) => x.label === 'app-values'));
    const src2 = HR.replace('        name: app-repo', '        name: |');
    assert.ok(at(`${R}/app/base/release.yaml`, src2).some((x) => x.label === 'app-repo'));
  });
  it('offers values keys from the base layer in an overlay patch', () => {
    const c = at(
      `${R}/app/staging/patch.yaml`,
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    replicaCount: 2\n    |',
    );
    assert.ok(
      c.some((x) => x.label === 'image'),
      JSON.stringify(c.map((x) => x.label)),
    );
    assert.ok(
      c.some((x) => x.label === 'service'),
      'keys from valuesFrom too',
    );
  });
});

describe('hover', () => {
  const index = workspace();
  it('shows schema docs', () => {
    const { text, line, character } = cursor(HR.replace('  interval: 10m', '  inter|val: 10m'));
    const h = hover(index, `${R}/app/base/release.yaml`, text, line, character, R);
    assert.ok(h && h.markdown.includes('interval'));
  });
  it('shows the effective value in every overlay with where it comes from', () => {
    const text = index.fs.readFile(`${R}/app/staging/patch.yaml`) as string;
    const h = hover(index, `${R}/app/staging/patch.yaml`, text, 6, 6, R);
    assert.ok(h, 'hover');
    assert.match(h.markdown, /^\| staging \| `2` \| this file, line 7 \|$/m);
    assert.match(h.markdown, /^\| production \| `3` \| app\/production\/patch\.yaml:7 \|$/m);
    assert.match(h.markdown, /^\| base \| /m);
  });
  it('in a base file: the base value, and overlays that inherit it or override it; a key no layer sets reads "not set"', () => {
    const ix = workspace({
      [`${R}/app/staging/patch.yaml`]:
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    other: 1\n',
    });
    const text = ix.fs.readFile(`${R}/app/base/release.yaml`) as string;
    const line = text.split('\n').findIndex((l) => /^\s+replicaCount:/.test(l));
    assert.ok(line > 0, text);
    const h = hover(
      ix,
      `${R}/app/base/release.yaml`,
      text,
      line,
      text.split('\n')[line].indexOf('replicaCount') + 2,
      R,
    );
    assert.ok(h, 'hover');
    assert.match(
      h.markdown,
      new RegExp(`^\\| base \\| \`1\` \\| this file, line ${line + 1} \\|$`, 'm'),
      h.markdown,
    );
    assert.match(
      h.markdown,
      new RegExp(`^\\| staging \\| \`1\` \\| this file, line ${line + 1} \\|$`, 'm'),
      h.markdown,
    );
    assert.match(
      h.markdown,
      /^\| production \| `3` \| app\/production\/patch\.yaml:7 \|$/m,
      h.markdown,
    );
    const p = ix.fs.readFile(`${R}/app/staging/patch.yaml`) as string;
    const h2 = hover(ix, `${R}/app/staging/patch.yaml`, p, 6, 5, R);
    assert.ok(h2);
    assert.match(h2.markdown, /^\| production \| — \| not set \|$/m, h2.markdown);
  });
});

describe('diagnostics', () => {
  it('a valuesFrom object in no build and no folder: a warning on the entry naming the places searched and fluxOverlays.extraRoots (optional: the plain external hint)', () => {
    const vf = (optional: boolean) =>
      HR.replace(
        '      name: app-values\n',
        `      name: app-values\n    - kind: ConfigMap\n      name: kept-elsewhere-xyz\n${optional ? '      optional: true\n' : ''}`,
      );
    for (const optional of [false, true]) {
      const index = workspace({ [`${R}/app/base/release.yaml`]: vf(optional) });
      const d = computeDiagnostics(index, `${R}/app/base/release.yaml`, {
        validation: true,
      }).filter((x) => /kept-elsewhere-xyz/.test(x.message));
      const line =
        vf(optional)
          .split('\n')
          .findIndex((l) => l.includes('kept-elsewhere-xyz')) + 1;
      assert.deepEqual(
        d.map((x) => [x.span.line, x.severity, x.code]),
        [
          [
            line,
            optional ? 'hint' : 'warning',
            optional ? 'reference-external' : 'values-ref-missing',
          ],
        ],
      );
      if (!optional)
        assert.match(
          d[0].message,
          /searched this build \(app\/base\), the workspace folders \(\w+\) and fluxOverlays\.extraRoots \(none set\)/,
        );
    }
  });
  it('a valuesFrom object another kustomization generates (configMapGenerator of another Flux Kustomization): no diagnostic', () => {
    const release = HR.replace(
      '      name: app-values\n',
      '      name: app-values\n    - kind: ConfigMap\n      name: generated-elsewhere\n',
    );
    const index = workspace({
      [`${R}/app/base/release.yaml`]: release,
      [`${R}/configs/kustomization.yaml`]:
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: generated-elsewhere\n    literals:\n      - values.yaml=replicaCount: 2\n',
    });
    const d = computeDiagnostics(index, `${R}/app/base/release.yaml`, { validation: true }).filter(
      (x) => /generated-elsewhere/.test(x.message),
    );
    assert.deepEqual(d, []);
  });
  it('a valuesFrom Secret found nowhere: a hint (repositories keep Secrets out of git), naming the places searched', () => {
    const release = HR.replace(
      '      name: app-values\n',
      '      name: app-values\n    - kind: Secret\n      name: kept-out-of-git\n',
    );
    const index = workspace({ [`${R}/app/base/release.yaml`]: release });
    const d = computeDiagnostics(index, `${R}/app/base/release.yaml`, { validation: true }).filter(
      (x) => /kept-out-of-git/.test(x.message),
    );
    assert.deepEqual(
      d.map((x) => [x.severity, x.code]),
      [['hint', 'values-ref-missing']],
    );
    assert.match(d[0].message, /searched this build/);
  });
  it('reports nothing on a valid workspace (patch files validated as partial)', () => {
    const index = workspace();
    for (const f of index.yamlFiles)
      assert.deepEqual(
        computeDiagnostics(index, f, { validation: true }).filter((d) => d.severity !== 'hint'),
        [],
        f,
      );
  });
  it('reports syntax errors, duplicate keys, unknown fields with a fix, missing files, deprecations', () => {
    const index = workspace({
      [`${R}/bad/kustomization.yaml`]:
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - nope.yaml\n',
      [`${R}/bad/dup.yaml`]: 'a: 1\na: 2\n',
      [`${R}/bad/hr.yaml`]:
        'apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: x\nspec:\n  intervall: 5m\n  chart:\n    spec:\n      chart: x\n      sourceRef:\n        kind: HelmRepository\n        name: app-rep\n',
    });
    const codes = (f: string) =>
      computeDiagnostics(index, `${R}/bad/${f}`, { validation: true }).map(
        (d) => `${d.severity}:${d.code}:${d.span.line}`,
      );
    assert.ok(
      codes('kustomization.yaml').includes('error:missing-file:4'),
      codes('kustomization.yaml').join(),
    );
    assert.ok(codes('dup.yaml').includes('error:yaml-duplicate-key:2'), codes('dup.yaml').join());
    const hr = computeDiagnostics(index, `${R}/bad/hr.yaml`, { validation: true });
    assert.ok(
      hr.some(
        (d) =>
          d.code === 'deprecated-api-version' &&
          d.data?.replacement === 'helm.toolkit.fluxcd.io/v2',
      ),
    );
    assert.ok(
      hr.some((d) => d.code === 'schema-unknown-field' && d.data?.suggestion === 'interval'),
      JSON.stringify(hr),
    );
    assert.ok(
      hr.some((d) => d.code === 'reference-typo' && d.data?.suggestion === 'app-repo'),
      JSON.stringify(hr),
    );
  });
  it('validation off: only YAML syntax', () => {
    const index = workspace({
      [`${R}/bad/hr.yaml`]:
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  intervall: 5m\n',
    });
    assert.deepEqual(computeDiagnostics(index, `${R}/bad/hr.yaml`, { validation: false }), []);
  });
});

describe('navigation', () => {
  const index = workspace();
  it('links and goes to paths in kustomizations', () => {
    const links = documentLinks(index, `${R}/app/staging/kustomization.yaml`);
    assert.ok(links.some((l) => l.target === `${R}/app/base/kustomization.yaml`));
    assert.ok(links.some((l) => l.target === `${R}/app/staging/patch.yaml`));
  });
  it('goes from sourceRef and valuesFrom names to the objects', () => {
    const text = HR;
    const lines = text.split('\n');
    const srcLine = lines.findIndex((l) => l.includes('name: app-repo'));
    const t = definition(
      index,
      `${R}/app/base/release.yaml`,
      text,
      srcLine,
      lines[srcLine].indexOf('app-repo') + 2,
    );
    assert.ok(
      t.some((x) => x.file === `${R}/app/base/repo.yaml`),
      JSON.stringify(t),
    );
    const vfLine = lines.findIndex((l) => l.includes('name: app-values'));
    assert.ok(
      definition(
        index,
        `${R}/app/base/release.yaml`,
        text,
        vfLine,
        lines[vfLine].indexOf('app-values') + 2,
      ).length > 0,
    );
  });
  it('lists one symbol per document', () => {
    const s = documentSymbols(index, `${R}/app/base/release.yaml`);
    assert.equal(s[0].name, 'HelmRelease/app');
  });
  it('finds releases using a ConfigMap', () => {
    const index2 = workspace({
      [`${R}/cm.yaml`]:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-values\ndata:\n  values.yaml: |\n    a: 1\n',
    });
    const text = index2.fs.readFile(`${R}/cm.yaml`) as string;
    const refs = references(index2, `${R}/cm.yaml`, text, 3, 9);
    assert.equal(refs.length, 1);
    assert.equal(refs[0].file, `${R}/app/base/release.yaml`);
  });
  it('puts code lenses on kustomization and values files', () => {
    const l = codeLenses(index, `${R}/app/staging/kustomization.yaml`, 'production');
    assert.deepEqual(
      l.map((x) => x.title),
      ['Preview effective values (production)', 'staging'],
    );
    assert.equal(l[0].command, 'fluxOverlays.previewProductionValues');
  });
});

describe('custom request data', () => {
  const index = workspace();
  it('lists components and overlays with releases', () => {
    const r = listOverlays(index);
    assert.deepEqual(
      r.components.map((c) => [c.name, c.overlays.map((o) => o.name)]),
      [['app', ['base', 'staging', 'production']]],
    );
    assert.deepEqual(r.components[0].overlays[1].releases, [
      { name: 'app', key: `${R}/app/base/release.yaml:2` },
    ]);
    // asked from a file: the releases it patches or feeds are marked
    const f = listOverlays(index, `${R}/app/staging/patch.yaml`);
    assert.deepEqual(
      f.components[0].overlays.map((o) => [o.name, o.releases.map((x) => x.fedByFile ?? false)]),
      [
        ['base', [false]],
        ['staging', [true]],
        ['production', [false]],
      ],
    );
  });
  it('renders effective values with the origin of every line', () => {
    const r = effectiveValues(index, `${R}/app/staging/patch.yaml`, 'production', R);
    assert.match(r.content, /replicaCount: 3/);
    const line = r.content.split('\n').findIndex((l) => l.startsWith('replicaCount'));
    const o = r.origins.find((x) => x.line === line);
    assert.equal(o?.origin.file, `${R}/app/production/patch.yaml`);
    assert.match(o?.layer ?? '', /values \(app\/production\/patch\.yaml\)/);
  });
  it('renders an overlay', () => {
    const r = overlayManifests(index, `${R}/app`, 'staging', R);
    assert.match(r.content, /kind: HelmRelease/);
    assert.match(r.content, /kind: ConfigMap/);
  });
});
