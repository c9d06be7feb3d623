// Percentiles of timing samples, shared by the benchmarks.

/** The p-th percentile (nearest rank below) of the samples. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export function median(xs: number[]): number {
  return pct(xs, 50);
}
