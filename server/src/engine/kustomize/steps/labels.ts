// labels and commonLabels (kustomize's LabelTransformer): `labels` entries choose their fields
// (metadata only, templates with includeTemplates, selectors too with includeSelectors, or their
// own `fields`); commonLabels always writes selectors.

import { get, isMap, isScalar } from '../../yaml/node';
import { commonLabelSpecs, templateLabelSpecs } from '../builtinConfig';
import { FieldSpec, fieldSpecsOf } from '../fieldspec';
import { mapList, stringMapField } from '../kustomizationFile';
import { applyLabels } from '../transformers';
import { Step } from './step';

export const labelsStep: Step = {
  name: 'labels',
  fields: ['labels', 'commonLabels'],
  fieldSpecs: { commonLabels: commonLabelSpecs, templateLabels: templateLabelSpecs },
  run(resources, ctx) {
    const { k } = ctx;
    for (const entry of mapList(k, 'labels')) {
      const pairsNode = get(entry, 'pairs');
      const pairs: [string, string][] = isMap(pairsNode)
        ? pairsNode.pairs.map((p) => [
            p.key,
            isScalar(p.value) && p.value.value !== null ? String(p.value.value) : '',
          ])
        : [];
      const flag = (name: string) => {
        const v = get(entry, name);
        return isScalar(v) && v.value === true;
      };
      const all: FieldSpec[] = [...fieldSpecsOf(get(entry, 'fields'), k.file)];
      const add = (more: FieldSpec[]) => {
        for (const s of more)
          if (
            !all.some(
              (x) =>
                x.path === s.path &&
                x.kind === s.kind &&
                x.group === s.group &&
                x.version === s.version,
            )
          )
            all.push(s);
      };
      if (flag('includeSelectors')) add(ctx.specs('commonLabels'));
      else {
        if (flag('includeTemplates')) add(ctx.specs('templateLabels'));
        add([{ path: 'metadata/labels', create: true }]);
      }
      applyLabels(resources, pairs, all, {
        ...(entry.origin ?? ctx.by('labels')),
        by: ctx.label('labels'),
      });
    }
    applyLabels(
      resources,
      stringMapField(k, 'commonLabels'),
      ctx.specs('commonLabels'),
      ctx.by('commonLabels'),
    );
    if (ctx.count('labels') || ctx.count('commonLabels'))
      ctx.noted(resources, 'LabelTransformer', ctx.count('labels') + 1);
    return resources;
  },
};
