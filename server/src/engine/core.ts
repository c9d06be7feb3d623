// The part of the engine's API a kustomize build needs: files, secrets, the build, YAML output
// and problems. The CLI's start-up (cli/main.ts) and `build` (cli/build.ts) import only this, so
// `flux-overlays build`, which CI scripts call once per folder, does not load charts, Helm, the
// workspace index and validation (engine/index.ts re-exports it with the rest of the engine;
// test/unit/layers.test.ts lets the layers above import either).

export type { Problem, Severity, Span } from './problem';
export { BoundedFileSystem, DiskFileSystem, MemoryFileSystem } from './fs';
export type { FileSystem } from './fs';
export { SnapshotFileSystem } from './snapshotFs';
export { redactDeep, redactText, secretMark } from './secrets';
export { emitDocuments, emitJS, emitYaml } from './yaml/emit';
export { buildKustomization } from './kustomize/build';
export type { BuildResult } from './kustomize/build';
export { ParseCache } from './kustomize/loader';
export type { LoadRestrictor } from './kustomize/loader';
export type { Origin } from './yaml/node';
