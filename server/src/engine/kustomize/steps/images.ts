// images (and its old name imageTags): new names, tags and digests for container images
// (kustomize's ImageTagTransformer).

import { getString } from '../../yaml/node';
import { imageSpecs } from '../builtinConfig';
import { fail } from '../errors';
import { mapList } from '../kustomizationFile';
import { applyImage } from '../transformers';
import { Step } from './step';

export const imagesStep: Step = {
  name: 'images',
  fields: ['images', 'imageTags'],
  fieldSpecs: { images: imageSpecs },
  run(resources, ctx) {
    for (const entry of [...mapList(ctx.k, 'images'), ...mapList(ctx.k, 'imageTags')]) {
      const name = getString(entry, 'name');
      if (!name) fail('images entry needs a name', entry.origin);
      const rule = {
        name,
        newName: getString(entry, 'newName'),
        newTag: getString(entry, 'newTag'),
        digest: getString(entry, 'digest'),
        origin: { ...(entry.origin ?? ctx.by('images')), by: ctx.label('images') },
      };
      applyImage(resources, rule, ctx.specs('images'));
    }
    ctx.noted(resources, 'ImageTagTransformer', ctx.count('images') + ctx.count('imageTags'));
    return resources;
  },
};
