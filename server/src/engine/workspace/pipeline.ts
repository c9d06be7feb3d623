// The overlay pipeline, written once: kustomize build -> Flux postBuild substitution (with a
// cluster profile's variables when given) -> the effective values of every HelmRelease. The
// CLI (values, diff, template), promotion (git/promotion.ts, ide/promotion.ts) and the editor
// (ide/overlays.ts, through the workspace index, which passes its cached builds and caches the
// runs without a profile) all call runOverlay. Chart defaults come in through the values step's
// chart lookup (EffectiveValuesOptions.chartLookup/charts); chart rendering is to be a step
// after values here. Problems of every step come back in one list, each with its `step`; values
// problems name their `release`. Reuse one ParseCache across calls: it is what makes evaluating
// every overlay of a repository cheap.
//
// A failed build stops the pipeline: no objects, no substitution, no values, `failed` true and
// the build's problems. What a broken overlay would substitute or give its releases is not
// known (kustomize-controller applies nothing either); callers say "renders no HelmRelease" or
// print the build error from the problems.

import { FileSystem } from '../fs';
import { BuildResult, BuiltObject, buildKustomization } from '../kustomize/build';
import { LoadRestrictor, ParseCache } from '../kustomize/loader';
import { Problem, hasErrors } from '../problem';
import {
  SubstituteOptions,
  Variables,
  VariableReference,
  substituteDocuments,
} from '../substitute/postBuild';
import {
  EffectiveRelease,
  EffectiveValuesOptions,
  computeEffectiveValues,
} from '../values/effective';

export interface OverlayOptions {
  cache?: ParseCache;
  loadRestrictor?: LoadRestrictor;
  /** Cluster profile variables; undefined keeps `${VAR}` as written (and lists them). */
  variables?: Variables;
  substitute?: SubstituteOptions;
}

export interface PipelineOptions extends OverlayOptions, EffectiveValuesOptions {
  /** Stop after substitution (the manifests only: no values step). */
  manifestsOnly?: boolean;
  /** The build of a folder, when the caller caches builds (the workspace index). */
  build?: (dir: string) => BuildResult;
}

export interface OverlayRun {
  dir: string;
  /** Objects after substitution, origins intact (secrets NOT masked: mask before showing). */
  objects: BuiltObject[];
  references: VariableReference[];
  problems: Problem[];
  /** True when the build failed (objects and releases are then empty). */
  failed: boolean;
  filesRead: string[];
  /** Effective values of every HelmRelease (empty with manifestsOnly). */
  releases: EffectiveRelease[];
}

/** Runs the pipeline on `dir` (absolute). Never throws. */
export function runOverlay(fs: FileSystem, dir: string, options: PipelineOptions = {}): OverlayRun {
  const built = options.build
    ? options.build(dir)
    : buildKustomization(fs, dir, { loadRestrictor: options.loadRestrictor, cache: options.cache });
  const problems: Problem[] = [...built.problems];
  const failed = hasErrors(built.problems);
  const run: OverlayRun = {
    dir,
    objects: [],
    references: [],
    problems,
    failed,
    filesRead: built.filesRead,
    releases: [],
  };
  if (failed) return run;
  const sub = substituteDocuments(
    built.objects.map((o) => o.node),
    fs,
    options.variables,
    options.substitute,
  );
  problems.push(...sub.problems);
  run.objects = built.objects.map((o, i) =>
    sub.documents[i] === o.node ? o : { ...o, node: sub.documents[i] },
  );
  run.references = sub.references;
  if (options.manifestsOnly) return run;
  try {
    run.releases = computeEffectiveValues(
      run.objects.map((o) => o.node),
      fs,
      options,
    );
  } catch (e) {
    problems.push({
      severity: 'error',
      message: `internal error computing values: ${(e as Error).message}`,
      code: 'internal',
      step: 'values',
    });
  }
  for (const r of run.releases)
    for (const p of r.problems) problems.push({ ...p, release: `${r.namespace}/${r.name}` });
  return run;
}
