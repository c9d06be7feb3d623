// `configurations:` files: the user's field specs (nameReference, namePrefix, commonLabels...)
// merged into the accumulated transformer config, which carries from bases into overlays. The
// keys read are those the steps declare (transformerConfig.ts).

import { get, getString, isMap, isSeq } from '../yaml/node';
import { NameReferenceRule } from './builtinConfig';
import { fail } from './errors';
import { fieldSpecsOf } from './fieldspec';
import { KustomizationFile, stringList } from './kustomizationFile';
import { Loader } from './loader';
import { FIELD_SPEC_KEYS, TransformerConfig, mergeConfig } from './transformerConfig';

export function loadConfigurations(
  loader: Loader,
  k: KustomizationFile,
  ra: { config: TransformerConfig },
): void {
  for (const entry of stringList(k, 'configurations')) {
    const file = loader.resolve(k.dir, entry.value, entry.origin);
    const parsed = loader.parse(file, entry.origin);
    const syntax = parsed.problems.find((p) => p.severity === 'error');
    if (syntax) fail(syntax.message, { ...syntax.span, file }, syntax.code);
    const root = parsed.documents[0]?.root;
    if (!isMap(root)) continue;
    const more: Partial<TransformerConfig> = { fieldSpecs: {} };
    for (const key of FIELD_SPEC_KEYS) {
      const v = get(root, key);
      if (v !== undefined) more.fieldSpecs![key] = fieldSpecsOf(v, file);
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
