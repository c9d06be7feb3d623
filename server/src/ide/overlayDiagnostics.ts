// Diagnostics that need the overlays a file belongs to (issue 4), apart from the per-file ones:
// - values-key-typo: a Helm values key in an overlay layer that no lower layer sets, when a
//   near-identical key (edit distance <= 2, or equal ignoring case) is set below: a likely typo.
//   Keys with no near-identical neighbour below are legitimately new and say nothing.
// - patch-target-none: a patches[] entry whose target selects nothing in the build (a warning:
//   kustomize accepts it; the build's patches step reports it), and an untargeted strategic
//   merge patch matching nothing (an error: kustomize fails), placed on the entry.
// - substitute-unresolved: `${VAR}` that the selected cluster profile does not set (no default).
// - values-schema: values against the chart's values.schema.json (chart available locally),
//   placed through the origins of the effective values on the line that wrote them.
// Positions are 1-based like the engine's origins. Pure: reads through the index.

import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as path from 'path';
import { editDistance } from '../engine/schema/suggest';
import { expand } from '../engine/substitute/envsubst';
import { Variables } from '../engine/substitute/postBuild';
import { parseValuesText } from '../engine/values/sources';
import { isSecretMark } from '../engine/secrets';
import { EffectiveRelease } from '../engine/values/effective';
import { chartFor, chartKeys } from '../engine/charts/docs';
import { schemaScopes } from '../engine/charts/schemaScopes';
import {
  Origin,
  YMap,
  YNode,
  get,
  getPath,
  getString,
  isMap,
  isScalar,
  isSeq,
  toJS,
} from '../engine/yaml/node';
import type { FileDiagnostic } from './diagnostics';
import { WorkspaceIndex } from './workspaceIndex';

function at(o: Origin | undefined, file: string): Pick<FileDiagnostic, 'span'> {
  if (!o) return { span: { file, line: 1, col: 1, endLine: 1, endCol: 1 } };
  return { span: { file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol } };
}

const rel = (index: WorkspaceIndex, f: string) => {
  const root = index.roots.find((r) => f.startsWith(r + '/'));
  return root ? path.posix.relative(root, f) : f;
};

// ---- values-key-typo ------------------------------------------------------------------------

/** A key below that `key` is plausibly a typo of. */
export function nearKey(key: string, below: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const b of below) {
    if (b === key) return undefined;
    if (b.toLowerCase() === key.toLowerCase()) return b;
    // Two-character keys are all within distance 2 of each other: too short to call a typo.
    if (Math.min(b.length, key.length) < 4) continue;
    const d = editDistance(key, b);
    if (d <= 2 && d < bestD) {
      best = b;
      bestD = d;
    }
  }
  return best ?? sameStem(key, below);
}

/**
 * `replicas` for `replicaCount`: the keys share a long stem and then part ways, neither being
 * the other plus a suffix (`service` and `serviceMonitor` are two different settings).
 */
function sameStem(key: string, below: readonly string[]): string | undefined {
  for (const b of below) {
    if (b.startsWith(key) || key.startsWith(b)) continue;
    let n = 0;
    while (n < key.length && n < b.length && key[n] === b[n]) n++;
    if (n >= 6 && n >= 0.8 * Math.min(key.length, b.length)) return b;
  }
  return undefined;
}

/** Walks `layer` (as written in this file) against `below` (what the lower layers set). */
function compareKeys(
  layer: YNode,
  below: YNode | undefined,
  file: string,
  baseName: string,
  out: FileDiagnostic[],
): void {
  if (!isMap(layer) || !isMap(below)) return;
  const belowKeys = below.pairs.map((p) => p.key);
  for (const p of layer.pairs) {
    const under = get(below, p.key);
    if (under !== undefined) {
      compareKeys(p.value, under, file, baseName, out);
      continue;
    }
    const near = nearKey(p.key, belowKeys);
    if (!near || belowKeys.includes(p.key)) continue;
    // A sibling in this same layer already writes the near key: both are meant.
    if (layer.pairs.some((q) => q.key === near)) continue;
    const where = get(below, near)?.origin?.file;
    out.push({
      ...at(p.keyOrigin, file),
      severity: 'warning',
      code: 'values-key-typo',
      message: `\`${p.key}\` is not set anywhere below (base: ${where ?? baseName}); typo of \`${near}\`?`,
      data: { suggestion: near },
    });
  }
}

/**
 * Values an overlay file writes, against the base's effective values of the same release:
 * spec.values of HelmRelease documents, and the YAML embedded in ConfigMaps a release of the
 * base reads through valuesFrom (keos' `02-<app>-helm-chart-override-values`).
 */
function valuesKeyTypos(
  index: WorkspaceIndex,
  file: string,
  docs: readonly (YNode | undefined)[],
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const c = index.componentOf(file);
  if (!c) return out;
  const baseDir = path.posix.join(c.dir, 'base');
  if (file.startsWith(baseDir + '/')) return out;
  const base = c.overlays.find((o) => o.name === 'base');
  // `apps/base/<app>` layouts: the base folder has no kustomization of its own; the apps'
  // folders below it are the base of their releases.
  const baseDirs = base
    ? [base.dir]
    : [...index.kustomizationDirs].filter((d) => d.startsWith(baseDir + '/')).sort();
  if (baseDirs.length === 0) return out;
  let releases: ReturnType<typeof index.effectiveValues> | undefined;
  const baseReleases = () => (releases ??= baseDirs.flatMap((d) => index.effectiveValues(d)));
  const baseName = rel(index, base ? base.dir : baseDir);
  for (const d of docs) {
    if (!isMap(d)) continue;
    const kind = getString(d, 'kind');
    const name = getString(get(d, 'metadata'), 'name');
    if (kind === 'HelmRelease') {
      const values = get(get(d, 'spec'), 'values');
      if (!isMap(values)) continue;
      const rel0 = baseReleases().find((r) => r.name === name);
      if (rel0) compareKeys(values, rel0.values, file, baseName, out);
    } else if (kind === 'ConfigMap' && name) {
      for (const r of baseReleases()) {
        const refs = get(get(r.release, 'spec'), 'valuesFrom');
        if (!isSeq(refs)) continue;
        for (const ref of refs.items) {
          if (
            getString(ref, 'kind') !== 'ConfigMap' ||
            getString(ref, 'name') !== name ||
            getString(ref, 'targetPath')
          )
            continue;
          const key = getString(ref, 'valuesKey') ?? 'values.yaml';
          const entry = get(get(d, 'data'), key);
          if (!isScalar(entry) || typeof entry.value !== 'string') continue;
          const parsed = parseValuesText(
            { text: entry.value, node: entry, decoded: false },
            index.fs,
            'overlay values',
            `${name}/${key}`,
          );
          if (parsed.values) compareKeys(parsed.values, r.values, file, baseName, out);
        }
      }
    }
  }
  return out;
}

// ---- patch-target-none -----------------------------------------------------------------------

function patchTargets(index: WorkspaceIndex, root: YNode, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const dir = path.posix.dirname(file);
  if (getString(root, 'kind') === 'Component') return out;
  const list = get(root, 'patches');
  if (!isSeq(list) || list.items.length === 0) return out;
  const built = index.build(dir);
  // A resource file without any object is a placeholder a tool fills later (`flux bootstrap`
  // writes gotk-components.yaml): what the patches target will come from it, say nothing.
  const res = get(root, 'resources');
  const placeholder =
    isSeq(res) &&
    res.items.some(
      (i) =>
        i.kind === 'scalar' &&
        typeof i.value === 'string' &&
        /\.ya?ml$/.test(i.value) &&
        index
          .parse(path.posix.resolve(dir, i.value))
          ?.documents.every(
            (d) => d.root === undefined || (d.root.kind === 'scalar' && d.root.value === null),
          ),
    );
  // Targets that select nothing: the patches step of the build reports them, at the moment it
  // applies the patch (names as they are then, before this kustomization's prefix and suffix).
  for (const p of built.problems) {
    if (
      placeholder ||
      p.code !== 'patch-target-unmatched' ||
      p.step !== 'kustomize/patches' ||
      !p.span ||
      p.span.file !== file
    )
      continue;
    const sp = p.span;
    out.push({
      span: { ...sp, endLine: sp.endLine ?? sp.line, endCol: sp.endCol ?? sp.col },
      severity: 'warning',
      code: 'patch-target-none',
      message: `this patch's target (${String(p.data?.target ?? '')}) selects nothing in the build of ${path.posix.basename(dir)}; the patch has no effect`,
    });
  }
  // Untargeted strategic merge patches: kustomize fails; put the error on the entry too.
  for (const p of built.problems) {
    if (p.code !== 'patch-no-target' || !p.span || p.span.file === file) continue;
    for (const entry of list.items) {
      const pathNode = get(entry, 'path');
      if (
        pathNode?.kind === 'scalar' &&
        typeof pathNode.value === 'string' &&
        path.posix.resolve(dir, pathNode.value) === p.span.file
      ) {
        out.push({
          ...at(pathNode.origin, file),
          severity: 'error',
          code: 'patch-target-none',
          message: `the patch ${pathNode.value} matches no object of this build: ${p.message}`,
        });
      }
    }
  }
  return out;
}

// ---- substitute-unresolved ---------------------------------------------------------------------

function unresolvedVariables(
  index: WorkspaceIndex,
  file: string,
  docs: readonly (YNode | undefined)[],
  profileName: string,
  variables: Variables,
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const lines = (index.fs.readFile(file) ?? '').split('\n');
  const seen = new Set<string>();
  const visit = (n: YNode | undefined) => {
    if (!n) return;
    if (n.kind === 'map') n.pairs.forEach((p) => visit(p.value));
    else if (n.kind === 'seq') n.items.forEach(visit);
    else if (typeof n.value === 'string' && n.value.includes('${') && n.origin) {
      const r = expand(n.value, (name) => variables.get(name)?.value);
      for (const u of r.uses) {
        if (variables.has(u.name) || u.defaultText !== undefined) continue;
        // the `${NAME` text on the scalar's lines
        for (let l = n.origin.line; l <= Math.max(n.origin.line, n.origin.endLine); l++) {
          const text = lines[l - 1] ?? '';
          for (
            let i = text.indexOf('${' + u.name);
            i >= 0;
            i = text.indexOf('${' + u.name, i + 1)
          ) {
            const key = `${l}:${i}`;
            const after = text[i + 2 + u.name.length];
            if (
              seen.has(key) ||
              (after !== undefined && /[_a-zA-Z0-9]/.test(after)) ||
              text[i - 1] === '$'
            )
              continue;
            seen.add(key);
            const close = text.indexOf('}', i);
            out.push({
              span: {
                file,
                line: l,
                col: i + 1,
                endLine: l,
                endCol: (close < 0 ? text.length : close + 1) + 1,
              },
              severity: 'warning',
              code: 'substitute-unresolved',
              message: `\${${u.name}} is not set by the cluster profile ${profileName} and has no default; Flux substitutes an empty string`,
            });
          }
        }
      }
    }
  };
  for (const d of docs) {
    const meta = get(d, 'metadata');
    const off = (m: YNode | undefined) =>
      getString(m, 'kustomize.toolkit.fluxcd.io/substitute') === 'disabled';
    if (off(get(meta, 'annotations')) || off(get(meta, 'labels'))) continue;
    visit(d);
  }
  return out;
}

// ---- values-schema ------------------------------------------------------------------------------

const compiled = new WeakMap<object, ValidateFunction | null>();
let ajv: Ajv | undefined;

function validatorFor(schema: unknown): ValidateFunction | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  let v = compiled.get(schema);
  if (v === undefined) {
    try {
      ajv ??= new Ajv({ allErrors: true, strict: false, validateFormats: false });
      v = ajv.compile(schema as object);
    } catch {
      v = null;
    }
    compiled.set(schema, v);
  }
  return v ?? undefined;
}

function nodeAt(root: YNode, pointer: string): YNode | undefined {
  let n: YNode | undefined = root;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(n)) n = get(n, k);
    else if (isSeq(n)) n = n.items[Number(k)];
    else return undefined;
  }
  return n;
}

function describe(e: ErrorObject, prefix: readonly string[] = []): string {
  const rel = e.instancePath
    ? e.instancePath
        .slice(1)
        .split('/')
        .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    : [];
  const where = [...prefix, ...rel].join('.') || '(values)';
  if (e.keyword === 'additionalProperties')
    return `${where}: \`${(e.params as { additionalProperty: string }).additionalProperty}\` is not allowed`;
  if (e.keyword === 'enum')
    return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/**
 * Values that a values.schema.json of the release's chart refuses, at the line that set them:
 * the chart's schema over all values, and each enabled subchart's over its scoped values
 * (globals included), as Helm validates before rendering (engine/charts/schemaScopes.ts).
 */
function valuesSchema(index: WorkspaceIndex, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  for (const { dir } of index.overlaysOf(file)) {
    for (const r of index.effectiveValues(dir)) {
      if (!r.chart.found || !r.chart.tree) continue;
      for (const scope of schemaScopes(r.chart.tree, r.chart.subchartTrees ?? [], r.values)) {
        const validate = validatorFor(scope.schema);
        if (!validate || validate(toJS(scope.values))) continue;
        const whose = scope.path.length
          ? `subchart ${scope.path.join('.')}${scope.chart !== scope.path[scope.path.length - 1] ? ` (chart ${scope.chart})` : ''} of chart ${r.chart.name}`
          : `chart ${r.chart.name}`;
        const message = (e: ErrorObject) =>
          `${describe(e, scope.path)} by the values.schema.json of ${whose} (${path.posix.basename(dir)}: Helm would refuse the release)`;
        for (const e of validate.errors ?? []) {
          let n = nodeAt(scope.values, e.instancePath);
          if (e.keyword === 'additionalProperties' && isMap(n)) {
            const key = (e.params as { additionalProperty: string }).additionalProperty;
            const pair = n.pairs.find((p) => p.key === key);
            if (pair?.keyOrigin?.file === file) {
              out.push({
                ...at(pair.keyOrigin, file),
                severity: 'error',
                code: 'values-schema',
                message: message(e),
              });
              continue;
            }
            n = pair?.value ?? n;
          }
          if (!n?.origin || n.origin.file !== file) continue;
          if (
            n.kind === 'scalar' &&
            typeof n.value === 'string' &&
            (isSecretMark(n.value) || n.value.includes('${'))
          )
            continue;
          out.push({
            ...at(n.origin, file),
            severity: 'error',
            code: 'values-schema',
            message: message(e),
          });
        }
      }
    }
  }
  return out;
}

// ---- values-unknown-key ---------------------------------------------------------------------

/**
 * Keys this file sets that the release's chart does not know: not in the chart's defaults at
 * that place (subcharts included), not a property of its values.schema.json. Only under maps
 * whose defaults list keys: an empty default map (`annotations: {}`, `nodeSelector: {}`) is
 * free-form, and so is anything below a key the chart does not know. Charts also read keys they
 * do not declare (`.Values.x` in a template), so this is a hint, never an error; with a
 * near-identical known key it offers it as a quick fix.
 */
function unknownValuesKeys(index: WorkspaceIndex, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  for (const { dir } of index.overlaysOf(file)) {
    for (const r of index.effectiveValues(dir)) {
      const chart = r.chart.tree;
      if (!chart) continue;
      const walk = (n: YNode, p: string[]) => {
        if (!isMap(n)) return;
        const known = chartKeys(chart, p);
        const def = p.length ? getPathOf(chart, p) : chart.values;
        const open = !isMap(def) || def.pairs.length === 0;
        for (const pair of n.pairs) {
          const mine =
            pair.keyOrigin?.file === file &&
            !(pair.value.origin?.by ?? '').startsWith('chart default');
          if (!open && mine && !known.includes(pair.key) && pair.key !== 'global') {
            const near = nearKey(pair.key, known);
            out.push({
              ...at(pair.keyOrigin, file),
              severity: 'hint',
              code: 'values-unknown-key',
              message: `\`${pair.key}\` is not a value of chart ${r.chart.name}${p.length ? ` under ${p.join('.')}` : ''}${near ? `; did you mean \`${near}\`?` : ' (its templates may still read it)'}`,
              ...(near ? { data: { suggestion: near } } : {}),
            });
            continue;
          }
          if (known.includes(pair.key)) walk(pair.value, [...p, pair.key]);
        }
      };
      walk(r.values, []);
    }
  }
  return out;
}

function getPathOf(
  chart: NonNullable<EffectiveRelease['chart']['tree']>,
  p: string[],
): YNode | undefined {
  const { chart: c, path: rel } = chartFor(chart, p, true);
  return rel.length ? getPath(c.values, rel) : c.values;
}

export interface OverlayDiagnosticOptions {
  /** The selected cluster profile (fluxOverlays.clusterProfile) and its variables. */
  profile?: { name: string; variables: Variables };
}

/** The overlay-aware diagnostics of `file` (parsed documents given). */
export function overlayDiagnostics(
  index: WorkspaceIndex,
  file: string,
  docs: readonly (YNode | undefined)[],
  isKust: boolean,
  options: OverlayDiagnosticOptions,
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  if (isKust) {
    for (const d of docs)
      if (d && index.kustomizationDirs.has(path.posix.dirname(file)))
        out.push(...patchTargets(index, d as YMap, file));
  } else {
    out.push(...valuesKeyTypos(index, file, docs));
    out.push(...valuesSchema(index, file));
    out.push(...unknownValuesKeys(index, file));
  }
  if (options.profile && (isKust || index.overlaysOf(file).length > 0))
    out.push(
      ...unresolvedVariables(index, file, docs, options.profile.name, options.profile.variables),
    );
  return out;
}
