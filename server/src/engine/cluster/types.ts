// Plain data the cluster evaluation returns (see cluster.ts).

import { Problem } from '../problem';
import { Origin, YMap } from '../yaml/node';
import { EffectiveRelease } from '../values/effective';

/**
 * A cluster problem is a Problem whose `chain` lists the appliers (Kustomizations,
 * ResourceSets) that led there, outermost first; places are a line and column.
 */
export type ClusterProblem = Problem;

/** A Flux Kustomization or a Flux Operator ResourceSet: something that applies objects. */
export interface ApplierRef {
  kind: 'Kustomization' | 'ResourceSet' | 'FluxInstance';
  namespace: string;
  name: string;
  /** Where the applier object is written (its `kind:` line). */
  origin?: Origin;
}

export function applierId(a: { kind: string; namespace: string; name: string }): string {
  return `${a.kind}/${a.namespace}/${a.name}`;
}

export interface ClusterObject {
  /** The object as the cluster gets it (after substitution; secrets NOT masked: mask before showing). */
  node: YMap;
  /** Appliers from the root down to the one that applied this object. */
  chain: ApplierRef[];
  /** `group/kind/namespace/name`. */
  key: string;
}

export interface ApplierReport {
  ref: ApplierRef;
  chain: ApplierRef[];
  /** Folder built (Kustomizations), when the source was available. */
  dir?: string;
  /** The source's URL and the local folder it was mapped to. */
  source?: {
    kind: string;
    namespace: string;
    name: string;
    url?: string;
    ref?: string;
    path?: string;
    mappedBy?: string;
  };
  status: 'applied' | 'failed' | 'source-unavailable' | 'blocked' | 'suspended';
  objectCount: number;
  dependsOn: string[];
  /** The kustomization file kustomize-controller builds (in memory only), when it differs from the folder's. */
  generated?: { file: string; text: string; created: boolean };
  /** The postBuild variables used (values of Secrets included: do not show). */
  variables?: Record<string, string>;
}

export interface ClusterResult {
  entry: string;
  objects: ClusterObject[];
  appliers: ApplierReport[];
  releases: (EffectiveRelease & { chain: ApplierRef[] })[];
  problems: ClusterProblem[];
}
