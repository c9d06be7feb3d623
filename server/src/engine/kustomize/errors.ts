// Build failures. Inside the kustomize engine a failure is thrown as a BuildError and caught once
// at the API boundary (build.ts), which turns it into a problem with a file, a line and the chain
// of kustomizations that led there. Nothing else escapes the engine.

import { Origin } from '../yaml/node';

export class BuildError extends Error {
  /** Kustomization files that pulled the failing file in, outermost first. */
  readonly chain: string[] = [];
  /** The step that failed (`kustomize/patches`...); set by the step runner, else `kustomize`. */
  step?: string;
  constructor(
    message: string,
    readonly origin?: Origin,
    readonly code = 'kustomize',
  ) {
    super(message);
  }
  /** Records one more kustomization on the way out (innermost first, so this unshifts). */
  via(kustomizationFile: string): this {
    if (this.chain[0] !== kustomizationFile) this.chain.unshift(kustomizationFile);
    return this;
  }
}

export function fail(message: string, origin?: Origin, code?: string): never {
  throw new BuildError(message, origin, code);
}
