// The schema engine's public surface.
export { SchemaRegistry, isKustomizationFileName } from './registry';
export type { SchemaChoice } from './registry';
export { validateDocument, pathText } from './validate';
export type { ValidateOptions } from './validate';
export { schemaAt } from './schemaAt';
export type { SchemaAtResult } from './schemaAt';
export { patchFilesOf } from './patchFiles';
export type { PatchFileRef } from './patchFiles';
export { crdSchemas, structuralToJsonSchema } from './crd';
export { builtinSchemas, builtinSchema, BUILTIN_ENTRIES, BUILTIN_SCHEMA_FILES } from './builtin';
export { resolveSchemas } from './store';
export type { JsonSchema, SchemaProblem, SchemaProblemCode, SchemaProblemData } from './types';
