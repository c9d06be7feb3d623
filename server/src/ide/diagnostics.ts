// The diagnostics of one file, shared by the language server and `flux-overlays check`:
// YAML syntax and duplicate keys, schema validation per document (patch files in partial mode),
// kustomize build errors placed on the line that caused them, missing resource files, and
// references (valuesFrom, sourceRef, dependsOn) to objects the overlay does not build; and the
// overlay-aware checks of overlayDiagnostics.ts (values key typos, patch targets, ${VAR}, chart schema).
// Positions are 1-based like the engine's origins. Pure: reads through the index's FileSystem.

import * as path from 'path';
import { KUSTOMIZATION_FILE_NAMES, isRemote } from '../engine/kustomize/loader';
import { closest } from '../engine/schema/suggest';
import { isChartTemplate } from '../engine/charts/layout';
import { Origin, YNode, get, getString, isMap, isSeq } from '../engine/yaml/node';
import { ParsedFile } from '../engine/yaml/parse';
import { PlacedProblem, Span } from '../engine/problem';
import { OverlayDiagnosticOptions, overlayDiagnostics } from './overlayDiagnostics';
import { WorkspaceIndex } from './workspaceIndex';
import { unreadValuesDiagnostics } from './valueReads';

const SYNTAX = 'yaml-syntax';

/**
 * A diagnostic is a Problem placed in the file it is reported for; `data` is for quick fixes:
 * `suggestion` (replace the range with it), `replacement` (apiVersion).
 */
export type FileDiagnostic = PlacedProblem & {
  data?: { suggestion?: string; replacement?: string; fieldsMap?: boolean };
};

export interface DiagnosticOptions {
  /** Schema validation on (fluxOverlays.validation.enable). YAML syntax is always reported. */
  validation: boolean;
  /** Build the overlays the file belongs to and report their errors in this file (default true). */
  buildErrors?: boolean;
  /** The selected cluster profile: `${VAR}` it does not set is reported. */
  profile?: OverlayDiagnosticOptions['profile'];
}

function at(o: Origin | undefined, file: string): Pick<FileDiagnostic, 'span'> {
  if (!o) return { span: { file, line: 1, col: 1, endLine: 1, endCol: 1 } };
  return { span: { file, line: o.line, col: o.col, endLine: o.endLine, endCol: o.endCol } };
}

/** Every diagnostic of `file` as the workspace stands. Never throws. */
export function computeDiagnostics(
  index: WorkspaceIndex,
  file: string,
  options: DiagnosticOptions,
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  try {
    // Go templates of a chart (templates/, templated crds/) are not YAML documents
    if (isChartTemplate(index.fs, file)) return out;
    const parsed = index.parse(file);
    if (!parsed) return out;
    // One syntax mistake, one diagnostic: the parser's first error in a document is the mistake,
    // what follows it in that document is its echo (and so are schema errors on the half-parsed
    // tree and the builds that read the file).
    const broken = new Set<ParsedFile['documents'][number]>();
    for (const p of parsed.problems) {
      if (p.code === SYNTAX) {
        const doc = parsed.documents.find(
          (d) => p.span.line >= d.origin.line && p.span.line <= d.origin.endLine,
        );
        if (doc && broken.has(doc)) continue;
        if (doc) broken.add(doc);
        else if (out.some((d) => d.code === SYNTAX)) continue;
      }
      out.push({ ...p, span: { ...p.span, file } });
    }
    if (!options.validation) return out;
    const isKust = KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file));
    const partial = index.isPatchFile(file);
    for (const d of parsed.documents) {
      if (!d.root || broken.has(d)) continue;
      for (const p of index.registry.validate(d.root, file, { partial })) {
        out.push({ ...p, span: { ...p.span, file } });
      }
      if (isKust) out.push(...missingFiles(index, d.root, file));
      else out.push(...references(index, d.root, file));
    }
    if (options.buildErrors !== false) {
      const syntax = out.some((d) => d.code === SYNTAX);
      out.push(
        ...buildErrors(index, file, isKust).filter(
          (d) => !(syntax && /YAML syntax error/.test(d.message)),
        ),
      );
      out.push(
        ...overlayDiagnostics(
          index,
          file,
          parsed.documents.map((d) => d.root),
          isKust,
          { profile: options.profile },
        ),
      );
      out.push(
        ...unreadValuesDiagnostics(
          index,
          file,
          parsed.documents.map((d) => d.root),
        ),
      );
    }
  } catch (e) {
    out.push({
      span: { file, line: 1, col: 1, endLine: 1, endCol: 1 },
      severity: 'warning',
      message: `internal error while checking this file: ${(e as Error).message}`,
      code: 'internal',
    });
  }
  return dedupe(out);
}

function dedupe(list: FileDiagnostic[]): FileDiagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.span.line}:${d.span.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const PATH_FIELDS = ['resources', 'components', 'bases', 'crds'];

/** `resources:` (and components, bases, crds) entries naming a file or folder that does not exist. */
function missingFiles(index: WorkspaceIndex, root: YNode, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const dir = path.posix.dirname(file);
  for (const field of PATH_FIELDS) {
    const list = get(root, field);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      if (item.kind !== 'scalar' || typeof item.value !== 'string' || isRemote(item.value))
        continue;
      const target = path.posix.resolve(dir, item.value);
      // a path restricted mode hides is not missing: the build's refusal says why, on this line
      if (index.fs.stat(target) === undefined && !index.fs.hiddenBecause?.(target)) {
        out.push({
          ...at(item.origin, file),
          severity: 'error',
          code: 'missing-file',
          message: `${field}: '${item.value}' does not exist (${path.posix.relative(dir, target) || '.'} from ${path.posix.basename(dir)}/)`,
        });
      }
    }
  }
  for (const p of patchEntries(root)) {
    const target = path.posix.resolve(dir, p.value);
    if (index.fs.stat(target) === undefined && !index.fs.hiddenBecause?.(target))
      out.push({
        ...at(p.origin, file),
        severity: 'error',
        code: 'missing-file',
        message: `patch file '${p.value}' does not exist`,
      });
  }
  return out;
}

function patchEntries(root: YNode): { value: string; origin?: Origin }[] {
  const out: { value: string; origin?: Origin }[] = [];
  for (const field of ['patches', 'patchesJson6902']) {
    const list = get(root, field);
    if (isSeq(list))
      for (const p of list.items) {
        const n = get(p, 'path');
        if (n && n.kind === 'scalar' && typeof n.value === 'string' && !isRemote(n.value))
          out.push({ value: n.value, origin: n.origin });
      }
  }
  return out;
}

/** Build errors of the overlays this file belongs to, placed in this file. */
function buildErrors(index: WorkspaceIndex, file: string, isKust: boolean): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const dirs = new Set<string>(index.readersOf(file));
  if (isKust) dirs.add(path.posix.dirname(file));
  for (const dir of dirs) {
    if (!isBuildable(index, dir)) continue;
    const b = index.build(dir);
    for (const p of b.problems) {
      if (p.severity !== 'error') continue;
      // missing files are reported on their entry by missingFiles
      if (p.span?.file !== file) continue;
      if (/does not exist|no such file|not found/i.test(p.message) && isKust) continue;
      out.push({
        span: placeIn(p.span, file),
        severity: 'error',
        code: `kustomize-${p.code}`,
        step: p.step,
        message: `kustomize build ${path.posix.basename(dir)}: ${p.message}`,
      });
    }
  }
  return out;
}

/**
 * Build errors of the overlays among `files` that lie in files outside `files` (a component
 * cycle in a component folder next to the overlay, a broken base): `check PATH` reports each
 * file's own diagnostics, so without these it would pass an overlay whose build fails. Each
 * error is placed at its own file and line (the kustomization file when it names none).
 */
export function buildErrorsOutside(
  index: WorkspaceIndex,
  files: readonly string[],
): FileDiagnostic[] {
  const checked = new Set(files);
  const out: FileDiagnostic[] = [];
  for (const file of files) {
    if (!KUSTOMIZATION_FILE_NAMES.includes(path.posix.basename(file))) continue;
    const dir = path.posix.dirname(file);
    if (!isBuildable(index, dir)) continue;
    try {
      for (const p of index.build(dir).problems) {
        if (p.severity !== 'error' || (p.span !== undefined && checked.has(p.span.file))) continue;
        out.push({
          span: placeIn(p.span, file),
          severity: 'error',
          code: `kustomize-${p.code}`,
          step: p.step,
          message: `kustomize build ${path.posix.basename(dir)}: ${p.message}`,
        });
      }
    } catch (e) {
      out.push({
        span: { file, line: 1, col: 1, endLine: 1, endCol: 1 },
        severity: 'warning',
        message: `internal error while building ${dir}: ${(e as Error).message}`,
        code: 'internal',
      });
    }
  }
  const seen = new Set<string>();
  return out.filter((d) => {
    const k = `${d.span.file}:${d.span.line}:${d.span.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Components (kind: Component) are not built on their own; neither are folders without a kustomization. */
function isBuildable(index: WorkspaceIndex, dir: string): boolean {
  if (!index.kustomizationDirs.has(dir)) return false;
  for (const n of KUSTOMIZATION_FILE_NAMES) {
    const parsed = index.parse(path.posix.join(dir, n));
    if (parsed) return getString(parsed.documents[0]?.root, 'kind') !== 'Component';
  }
  return false;
}

/** valuesFrom, sourceRef and dependsOn naming objects the overlay does not build. */
function references(index: WorkspaceIndex, root: YNode, file: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  if (!isMap(root)) return out;
  const kind = getString(root, 'kind');
  if (kind !== 'HelmRelease') return out;
  const spec = get(root, 'spec');
  const dir = index.kustomizationDirOf(file);
  const built =
    dir && index.kustomizationDirs.has(dir)
      ? (index.cachedBuild(dir) ?? index.build(dir))
      : undefined;
  const releaseName = getString(get(root, 'metadata'), 'name');
  const builtRelease = built?.objects.find(
    (o) =>
      getString(o.node, 'kind') === 'HelmRelease' &&
      getString(get(o.node, 'metadata'), 'name') === releaseName,
  );
  const namespace =
    getString(get(root, 'metadata'), 'namespace') ??
    getString(get(builtRelease?.node, 'metadata'), 'namespace');
  const builtObjects = built
    ? built.objects.map((o) => ({
        kind: getString(o.node, 'kind') ?? '',
        name: getString(get(o.node, 'metadata'), 'name') ?? '',
      }))
    : [];
  const builtNames = (k: string) => builtObjects.filter((o) => o.kind === k).map((o) => o.name);
  const check = (refKind: string, nameNode: YNode | undefined, what: string, optional = false) => {
    if (
      !nameNode ||
      nameNode.kind !== 'scalar' ||
      typeof nameNode.value !== 'string' ||
      nameNode.value.includes('${')
    )
      return;
    const name = nameNode.value;
    // The workspace's names by set (thousands of objects); the list only to suggest a name.
    if (index.objectNames(refKind).has(name) || builtNames(refKind).includes(name)) return;
    // A generator of this build (its output carries a hash suffix) or of another Flux
    // Kustomization of the workspace makes it: on real repositories that is where most of them
    // come from (redis-values, flux-kube-state-metrics-config in the corpus).
    if (index.generatedNames(refKind).has(name)) return;
    const candidates = [...builtNames(refKind), ...index.objects(refKind).map((o) => o.name)];
    if (what === 'valuesFrom' && index.valuesOptions.externalLookup?.(refKind, namespace, name))
      return;
    const near = closest(name, candidates);
    if (near && near !== name && candidates.length > 0) {
      const elsewhere =
        what === 'valuesFrom'
          ? ' (if another repository holds it, open it as a workspace folder or add it to fluxOverlays.extraRoots)'
          : '';
      out.push({
        ...at(nameNode.origin, file),
        severity: 'warning',
        code: 'reference-typo',
        message: `${what} ${refKind} '${name}' is not built by this overlay nor defined in the workspace; did you mean '${near}'?${elsewhere}`,
        data: { suggestion: near },
      });
    } else if (what === 'valuesFrom' && !optional) {
      // Nothing in the workspace or the extra roots holds or generates it: the values preview is
      // computed without it, and Flux fails the release unless the cluster has it. Said where
      // the reference is written, with the places searched. A warning for a ConfigMap
      // (configuration lives in git); a hint for a Secret, which repositories keep out of git on
      // purpose (created by hand, by Terraform, an operator: piksel-gitops's `jupyterhub`).
      const folders = index.roots.map((r) => path.posix.basename(r)).join(', ');
      const extra = index.extraRoots.length
        ? `fluxOverlays.extraRoots (${index.extraRoots.join(', ')})`
        : 'fluxOverlays.extraRoots (none set)';
      out.push({
        ...at(nameNode.origin, file),
        severity: refKind === 'Secret' ? 'hint' : 'warning',
        code: 'values-ref-missing',
        message: `valuesFrom ${refKind} '${name}' is not found: searched this build${dir ? ` (${path.posix.relative(index.roots.find((r) => dir.startsWith(r + '/')) ?? '/', dir) || '.'})` : ''}, the workspace folders (${folders}) and ${extra}. The values are computed without it, and Flux fails the release unless the cluster has it. If another repository holds it, open that repository as a workspace folder or add it to fluxOverlays.extraRoots`,
      });
    } else {
      out.push({
        ...at(nameNode.origin, file),
        severity: 'hint',
        code: 'reference-external',
        message: `${what} ${refKind} '${name}' is not built here; it must come from another Flux Kustomization or already exist in the cluster`,
      });
    }
  };
  const vf = get(spec, 'valuesFrom');
  if (isSeq(vf))
    for (const item of vf.items)
      check(
        getString(item, 'kind') ?? 'ConfigMap',
        get(item, 'name'),
        'valuesFrom',
        getString(item, 'optional') === 'true' ||
          (get(item, 'optional') as { value?: unknown } | undefined)?.value === true,
      );
  const chartSpec = get(get(get(spec, 'chart'), 'spec'), 'sourceRef');
  if (isMap(chartSpec))
    check(getString(chartSpec, 'kind') ?? 'HelmRepository', get(chartSpec, 'name'), 'sourceRef');
  const chartRef = get(spec, 'chartRef');
  if (isMap(chartRef))
    check(getString(chartRef, 'kind') ?? 'OCIRepository', get(chartRef, 'name'), 'chartRef');
  const deps = get(spec, 'dependsOn');
  if (isSeq(deps))
    for (const dep of deps.items) check('HelmRelease', get(dep, 'name'), 'dependsOn');
  return out;
}

/** A build problem's span as a full range in `file` (its own file when it names one; line 1 of `file` when it names none). */
function placeIn(s: Span | undefined, file: string): FileDiagnostic['span'] {
  if (!s) return { file, line: 1, col: 1, endLine: 1, endCol: 1 };
  return {
    file: s.file,
    line: s.line,
    col: s.col,
    endLine: s.endLine ?? s.line,
    endCol: s.endCol ?? s.col,
  };
}
