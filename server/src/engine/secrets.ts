// Secrets are never shown in clear: previews, diffs and build output replace the values of a
// Secret's `data` and `stringData` with a fixed mask (keys stay visible, so users still see
// what a Secret holds). Callers opt out explicitly (`--show-secrets`).

import { YMap, YNode, clone, get, getString, isMap, scalar } from './yaml/node';

export const SECRET_MASK = '<secret: hidden>';

export function isSecret(n: YNode): boolean {
  return getString(n, 'kind') === 'Secret' && (getString(n, 'apiVersion') ?? 'v1') === 'v1';
}

/** A copy of the object with Secret values masked; other objects are returned unchanged. */
export function maskSecrets(n: YMap): YMap {
  if (!isSecret(n)) return n;
  const c = clone(n);
  for (const field of ['data', 'stringData']) {
    const m = get(c, field);
    if (isMap(m)) for (const p of m.pairs) p.value = scalar(SECRET_MASK, p.value.origin);
  }
  return c;
}
