// Schema validation of one document (Kubernetes and Flux kinds, CRDs of the workspace); patch
// files are validated in partial mode (a patch names only the fields it changes).

import { YNode } from '../../engine/yaml/node';
import { CheckContext, FileDiagnostic } from './types';

export function schemaDiagnostics(ctx: CheckContext, root: YNode): FileDiagnostic[] {
  const partial = ctx.index.isPatchFile(ctx.file);
  return ctx.index.registry
    .validate(root, ctx.file, { partial })
    .map((p) => ({ ...p, span: { ...p.span, file: ctx.file } }));
}
