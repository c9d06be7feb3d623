// One overlay, end to end: kustomize build, Flux postBuild substitution (with a cluster profile
// when given), then the effective values of every HelmRelease. Problems of every step come back
// in one list, each tagged with its step. Reuse one ParseCache across calls: it is what makes
// evaluating every overlay of a repository cheap.

import { FileSystem } from '../fs';
import { BuiltObject, buildKustomization } from '../kustomize/build';
import { Problem } from '../problem';
import { LoadRestrictor, ParseCache } from '../kustomize/loader';
import { SubstituteOptions, Variables, VariableReference, substituteDocuments } from '../substitute/postBuild';
import { EffectiveRelease, EffectiveValuesOptions, computeEffectiveValues } from '../values/effective';
import { YMap } from '../yaml/node';

/** A problem of one of the overlay's steps (`kustomize`, `substitute`, `values`); values problems name their `release`. */
export type OverlayProblem = Problem;

export interface OverlayOptions {
  cache?: ParseCache;
  loadRestrictor?: LoadRestrictor;
  /** Cluster profile variables; undefined keeps `${VAR}` as written (and lists them). */
  variables?: Variables;
  substitute?: SubstituteOptions;
}

export interface RenderedOverlay {
  dir: string;
  /** Objects after substitution, origins intact (secrets NOT masked: mask before showing). */
  objects: BuiltObject[];
  references: VariableReference[];
  problems: OverlayProblem[];
  /** True when the build failed (objects is then empty). */
  failed: boolean;
  filesRead: string[];
}

export interface OverlayValues extends RenderedOverlay {
  releases: EffectiveRelease[];
}

/** Build + substitution of `dir` (absolute). Never throws. */
export function renderOverlay(fs: FileSystem, dir: string, options: OverlayOptions = {}): RenderedOverlay {
  const built = buildKustomization(fs, dir, { loadRestrictor: options.loadRestrictor, cache: options.cache });
  const problems: Problem[] = [...built.problems];
  const failed = built.problems.some((p) => p.severity === 'error');
  if (failed) return { dir, objects: [], references: [], problems, failed, filesRead: built.filesRead };
  const sub = substituteDocuments(
    built.objects.map((o) => o.node),
    fs,
    options.variables,
    options.substitute,
  );
  problems.push(...sub.problems);
  const objects = built.objects.map((o, i) => ({ ...o, node: sub.documents[i] }));
  return { dir, objects, references: sub.references, problems, failed, filesRead: built.filesRead };
}

/** Build + substitution + effective values of every HelmRelease of `dir`. Never throws. */
export function overlayValues(fs: FileSystem, dir: string, options: OverlayOptions & EffectiveValuesOptions = {}): OverlayValues {
  const rendered = renderOverlay(fs, dir, options);
  if (rendered.failed) return { ...rendered, releases: [] };
  let releases: EffectiveRelease[] = [];
  try {
    releases = computeEffectiveValues(rendered.objects.map((o) => o.node) as YMap[], fs, options);
  } catch (e) {
    rendered.problems.push({ severity: 'error', message: `internal error computing values: ${(e as Error).message}`, code: 'internal', step: 'values' });
  }
  const problems = [...rendered.problems];
  for (const r of releases) {
    for (const p of r.problems) problems.push({ ...p, release: `${r.namespace}/${r.name}` });
  }
  return { ...rendered, problems, releases };
}
