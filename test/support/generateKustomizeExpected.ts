// Builds every kustomization folder of the kustomize fixtures and of the example repository with
// the real kubectl (.cache/reference-tools/kubectl) and writes the expected outputs beside them
// (see kustomizeExpected.ts): `node out/test/support/generateKustomizeExpected.js`. Run it after
// adding or changing a fixture, and check the files in.
import { kubectlKustomize } from './kubectl';
import { expectedSuites, writeExpected } from './kustomizeExpected';
import { kubectlAvailable } from './paths';

if (!kubectlAvailable()) {
  console.error('the reference kubectl is not installed: run scripts/install-reference-tools.sh');
  process.exit(1);
}
let written = 0;
for (const suite of expectedSuites()) {
  for (const dir of suite.dirs) {
    writeExpected(dir, kubectlKustomize(dir));
    written++;
  }
}
console.log(`${written} expected outputs written`);
