// Bookkeeping shared by the merge rules: when a layer replaces a value, the replaced value is
// remembered on the winner (`overrides`, most recent first) so a hover can say
// "production: 2 (was 1 in base)". Kept apart from the rules so each rule module reads as the
// rule it implements.

import { Origin, YNode, clone } from '../yaml/node';

/** A frozen copy of `n` without its own history (the history is listed after it). */
function snapshot(n: YNode): YNode {
  const c = clone(n);
  delete c.overrides;
  return c;
}

/** Records that `winner` replaced `loser`. No-op when they are the same node. */
export function recordOverride(winner: YNode, loser: YNode | undefined): void {
  if (!loser || winner === loser) return;
  const history: YNode[] = [snapshot(loser), ...(loser.overrides ?? [])];
  const kept = (winner.overrides ?? []).filter((o) => !history.includes(o));
  winner.overrides = [...kept, ...history];
}

/** Records that `winner` kept its value over a lower layer's `loser` (history goes last). */
export function recordShadowed(winner: YNode, loser: YNode | undefined): void {
  if (!loser || winner === loser) return;
  winner.overrides = [...(winner.overrides ?? []), snapshot(loser), ...(loser.overrides ?? [])];
}

/** Sets `by` on every origin of a tree (nodes without origin get `fallback`, if given). */
export function stampLayer(n: YNode, by: string, fallback?: Origin): void {
  if (n.origin) n.origin = { ...n.origin, by };
  else if (fallback) n.origin = { ...fallback, by };
  if (n.kind === 'map') for (const p of n.pairs) stampLayer(p.value, by, fallback);
  else if (n.kind === 'seq') for (const i of n.items) stampLayer(i, by, fallback);
}
