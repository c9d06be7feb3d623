// substitute-unresolved: `${VAR}` that the selected cluster profile does not set (and that has
// no default), in a kustomization file or a file an overlay reads, on the `${VAR` text.

import { expand } from '../../engine/substitute/envsubst';
import { Variables } from '../../engine/substitute/postBuild';
import { YNode, get, getString } from '../../engine/yaml/node';
import { WorkspaceIndex } from '../workspaceIndex';
import { CheckContext, FileDiagnostic } from './types';

export function substitutionCheck(ctx: CheckContext): FileDiagnostic[] {
  const profile = ctx.options.profile;
  if (!profile || !(ctx.isKust || ctx.index.overlaysOf(ctx.file).length > 0)) return [];
  return unresolvedVariables(ctx.index, ctx.file, ctx.docs, profile.name, profile.variables);
}

function unresolvedVariables(
  index: WorkspaceIndex,
  file: string,
  docs: readonly (YNode | undefined)[],
  profileName: string,
  variables: Variables,
): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const lines = (index.fs.readFile(file) ?? '').split('\n');
  const seen = new Set<string>();
  const visit = (n: YNode | undefined) => {
    if (!n) return;
    if (n.kind === 'map') n.pairs.forEach((p) => visit(p.value));
    else if (n.kind === 'seq') n.items.forEach(visit);
    else if (typeof n.value === 'string' && n.value.includes('${') && n.origin) {
      const r = expand(n.value, (name) => variables.get(name)?.value);
      for (const u of r.uses) {
        if (variables.has(u.name) || u.defaultText !== undefined) continue;
        // the `${NAME` text on the scalar's lines
        for (let l = n.origin.line; l <= Math.max(n.origin.line, n.origin.endLine); l++) {
          const text = lines[l - 1] ?? '';
          for (
            let i = text.indexOf('${' + u.name);
            i >= 0;
            i = text.indexOf('${' + u.name, i + 1)
          ) {
            const key = `${l}:${i}`;
            const after = text[i + 2 + u.name.length];
            if (
              seen.has(key) ||
              (after !== undefined && /[_a-zA-Z0-9]/.test(after)) ||
              text[i - 1] === '$'
            )
              continue;
            seen.add(key);
            const close = text.indexOf('}', i);
            out.push({
              span: {
                file,
                line: l,
                col: i + 1,
                endLine: l,
                endCol: (close < 0 ? text.length : close + 1) + 1,
              },
              severity: 'warning',
              code: 'substitute-unresolved',
              message: `\${${u.name}} is not set by the cluster profile ${profileName} and has no default; Flux substitutes an empty string`,
            });
          }
        }
      }
    }
  };
  for (const d of docs) {
    const meta = get(d, 'metadata');
    const off = (m: YNode | undefined) =>
      getString(m, 'kustomize.toolkit.fluxcd.io/substitute') === 'disabled';
    if (off(get(meta, 'annotations')) || off(get(meta, 'labels'))) continue;
    visit(d);
  }
  return out;
}
