// sortOptions: the output order, legacy (by kind, kustomize's default) or fifo (as accumulated).

import { get, getString, isMap, isScalar, isSeq } from '../../yaml/node';
import { fail } from '../errors';
import { KustomizationFile } from '../kustomizationFile';
import { SortOptions, sortResources } from '../sort';
import { Step } from './step';

function readSortOptions(k: KustomizationFile): SortOptions {
  const n = get(k.root, 'sortOptions');
  if (!isMap(n)) return { order: 'legacy' };
  const order = getString(n, 'order');
  if (order !== 'legacy' && order !== 'fifo')
    fail(`the field 'sortOptions.order' must be one of [fifo, legacy]`, n.origin);
  const legacy = get(n, 'legacySortOptions');
  if (order === 'fifo') {
    if (legacy !== undefined)
      fail(
        `the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'`,
        legacy.origin,
      );
    return { order };
  }
  const list = (key: string) => {
    const v = get(legacy, key);
    return isSeq(v) ? v.items.map((i) => (isScalar(i) ? String(i.value) : '')) : undefined;
  };
  if (!isMap(legacy)) return { order };
  return { order, orderFirst: list('orderFirst') ?? [], orderLast: list('orderLast') ?? [] };
}

export const sortOptionsStep: Step = {
  name: 'sortOptions',
  fields: ['sortOptions'],
  run(resources, ctx) {
    return sortResources(resources, readSortOptions(ctx.k));
  },
};
