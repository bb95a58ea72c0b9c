/**
 * The `p`-th percentile (0 < p <= 100) of `sorted`, which must be in ascending order, by the
 * nearest-rank method: the smallest value with at least p% of the values at or below it, so the
 * answer is always one of the measured values (no interpolation between two latencies).
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}
