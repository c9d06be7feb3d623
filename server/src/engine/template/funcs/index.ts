// Every function a Helm template can call: Go's built-ins, Sprig's (minus env/expandenv, as
// Helm removes them) and Helm's own. Sprig's names win over Go's where both exist (`slice`
// is Go's here: Sprig's behaves the same on lists).

import { FuncMap } from '../exec';
import { builtinFuncs } from './builtin';
import { collectionFuncs } from './collections';
import { miscFuncs } from './misc';
import { stringFuncs } from './strings';

export const helmFuncs: FuncMap = {
  ...builtinFuncs,
  ...stringFuncs,
  ...collectionFuncs,
  ...miscFuncs,
};
