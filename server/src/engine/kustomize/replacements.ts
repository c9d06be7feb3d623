// kustomize `replacements`: copy a value from one object's field into fields of others.
import { KustomizationFile } from './kustomizationFile';
import { Loader } from './loader';
import { Resource } from './resource';

export function applyReplacements(_resources: Resource[], _k: KustomizationFile, _loader: Loader): void {
  // Filled in below (see replacementsImpl) once the core build matches the corpus.
}
