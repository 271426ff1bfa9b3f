// The latency histogram of UsageMinute.latencyBuckets. Percentiles cannot be
// added up across minutes, bucket counts can: so every minute keeps counts per
// bucket and any range's percentiles are read from the merged counts.
//
// Bucket i counts latencies in [LATENCY_BOUNDS_MS[i - 1], LATENCY_BOUNDS_MS[i])
// (from 0 for the first, up to +Inf for the last). That is what PostgreSQL's
// width_bucket(latency, bounds) answers, so the rollup's SQL and bucketOf()
// agree on every value, boundaries included.
//
// Stored rows are only meaningful with the bounds they were counted with:
// never change or reorder these. Adding a bound means a new column.
export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000] as const;

/** The bounds plus the open-ended last bucket. */
export const BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;

/** The bucket of one latency. NaN sorts above every number in PostgreSQL, so it lands in the last bucket here too. */
export function bucketOf(ms: number): number {
  let index = 0;
  while (index < LATENCY_BOUNDS_MS.length && !(ms < LATENCY_BOUNDS_MS[index])) index++;
  return index;
}

export function emptyBuckets(): number[] {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

/** Counts per bucket of these latencies. */
export function histogramOf(latencies: Iterable<number>): number[] {
  const buckets = emptyBuckets();
  for (const ms of latencies) buckets[bucketOf(ms)] += 1;
  return buckets;
}

/** Element-wise sum. A shorter (or missing) array counts as zeros, so rows from any writer merge safely. */
export function mergeBuckets(...histograms: readonly (readonly number[] | null | undefined)[]): number[] {
  const merged = emptyBuckets();
  for (const histogram of histograms) {
    if (!histogram) continue;
    for (let i = 0; i < Math.min(histogram.length, BUCKET_COUNT); i++) merged[i] += Number(histogram[i]) || 0;
  }
  return merged;
}

export function totalOf(buckets: readonly number[]): number {
  return buckets.reduce((sum, count) => sum + count, 0);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the latencies counted, or null when there
 * are none. Prometheus' histogram_quantile method: find the bucket holding
 * the q·n-th observation and interpolate linearly between its bounds,
 * assuming observations spread evenly inside it. The open-ended last bucket
 * has no upper bound to interpolate to, so its lower bound (10 s) is the
 * answer: "at least that slow". The error is at most one bucket's width.
 */
export function percentile(buckets: readonly number[], q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`A quantile is between 0 and 1, not ${q}.`);
  const total = totalOf(buckets);
  if (total <= 0) return null;
  const rank = q * total;
  // The first non-empty bucket that reaches the rank; the last non-empty one at the latest, as it reaches the total.
  let index = 0;
  let below = 0;
  while (!(buckets[index] > 0 && below + buckets[index] >= rank)) below += buckets[index++];
  const lower = index === 0 ? 0 : LATENCY_BOUNDS_MS[index - 1];
  if (index >= LATENCY_BOUNDS_MS.length) return lower;
  const upper = LATENCY_BOUNDS_MS[index];
  return lower + ((upper - lower) * Math.max(0, rank - below)) / buckets[index];
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export function latencySummary(buckets: readonly number[]): LatencySummary {
  return { p50: percentile(buckets, 0.5), p95: percentile(buckets, 0.95), p99: percentile(buckets, 0.99) };
}
