// `configurations:` files: the user's field specs (nameReference, namePrefix, commonLabels...)
// merged into the accumulated transformer config, which carries from bases into overlays.

import { get, getString, isMap, isScalar, isSeq, YNode } from '../yaml/node';
import { NameReferenceRule, TransformerConfig, mergeConfig } from './builtinConfig';
import { fail } from './errors';
import { FieldSpec } from './fieldspec';
import { KustomizationFile, stringList } from './kustomizationFile';
import { Loader } from './loader';

export function fieldSpecsOf(n: YNode | undefined, file: string): FieldSpec[] {
  if (n === undefined || (isScalar(n) && n.value === null)) return [];
  if (!isSeq(n)) fail(`field specs must be a list in ${file}`, n.origin);
  return n.items.map((i) => {
    if (!isMap(i) || !getString(i, 'path')) fail(`a field spec needs a path (in ${file})`, i.origin);
    const fs: FieldSpec = { path: getString(i, 'path')! };
    for (const key of ['group', 'version', 'kind'] as const) {
      const v = getString(i, key);
      if (v) fs[key] = v;
    }
    const c = get(i, 'create');
    if (isScalar(c) && c.value === true) fs.create = true;
    return fs;
  });
}

export function loadConfigurations(loader: Loader, k: KustomizationFile, ra: { config: TransformerConfig }): void {
  for (const entry of stringList(k, 'configurations')) {
    const file = loader.resolve(k.dir, entry.value, entry.origin);
    const parsed = loader.parse(file, entry.origin);
    const syntax = parsed.problems.find((p) => p.severity === 'error');
    if (syntax) fail(syntax.message, { ...syntax.span, file });
    const root = parsed.documents[0]?.root;
    if (!isMap(root)) continue;
    const more: Partial<TransformerConfig> = {};
    for (const key of ['namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'templateLabels', 'commonAnnotations', 'images', 'replicas'] as const) {
      const v = get(root, key);
      if (v !== undefined) more[key] = fieldSpecsOf(v, file);
    }
    const nr = get(root, 'nameReference');
    if (nr !== undefined) {
      if (!isSeq(nr)) fail(`nameReference must be a list in ${file}`, nr.origin);
      more.nameReference = nr.items.map((i): NameReferenceRule => {
        const kind = getString(i, 'kind');
        if (!kind) fail(`a nameReference entry needs a kind (in ${file})`, i.origin);
        const referral: NameReferenceRule['referral'] = { kind };
        const g = getString(i, 'group');
        if (g) referral.group = g;
        const v = getString(i, 'version');
        if (v) referral.version = v;
        return { referral, fieldSpecs: fieldSpecsOf(get(i, 'fieldSpecs'), file) };
      });
    }
    mergeConfig(ra.config, more);
  }
}

