import { describe, expect, it } from "vitest";
import { BUCKET_COUNT, LATENCY_BOUNDS_MS, bucketOf, emptyBuckets, histogramOf, latencySummary, mergeBuckets, percentile, totalOf } from "./histogram";

/** The exact q-quantile of a sample, by the same rank rule (the ceil(q·n)-th smallest). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("bucketOf", () => {
  it("puts a latency in the bucket whose bounds hold it, lower bound included, upper bound excluded", () => {
    expect(BUCKET_COUNT).toBe(14);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.999)).toBe(0);
    expect(bucketOf(1)).toBe(1);
    expect(bucketOf(1.5)).toBe(1);
    expect(bucketOf(2)).toBe(2);
    expect(bucketOf(49.9)).toBe(5);
    expect(bucketOf(50)).toBe(6);
    expect(bucketOf(9_999.99)).toBe(12);
    expect(bucketOf(10_000)).toBe(13);
    expect(bucketOf(3_600_000)).toBe(13);
  });

  it("sends odd values where PostgreSQL's width_bucket sends them: negatives first, NaN and Infinity last", () => {
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.POSITIVE_INFINITY)).toBe(BUCKET_COUNT - 1);
    expect(bucketOf(Number.NaN)).toBe(BUCKET_COUNT - 1);
  });

  it("each bound starts its own bucket", () => {
    LATENCY_BOUNDS_MS.forEach((bound, index) => expect(bucketOf(bound)).toBe(index + 1));
  });
});

describe("mergeBuckets", () => {
  it("adds element-wise and treats missing or short arrays as zeros", () => {
    const a = histogramOf([0.5, 3, 3, 700]);
    const b = histogramOf([3, 20_000]);
    const merged = mergeBuckets(a, b, null, undefined, [1, 1]);
    expect(merged).toHaveLength(BUCKET_COUNT);
    expect(merged[0]).toBe(2);
    expect(merged[1]).toBe(1);
    expect(merged[bucketOf(3)]).toBe(3);
    expect(merged[bucketOf(700)]).toBe(1);
    expect(merged[BUCKET_COUNT - 1]).toBe(1);
    expect(totalOf(merged)).toBe(8);
    expect(mergeBuckets()).toEqual(emptyBuckets());
  });

  it("does not change its inputs", () => {
    const a = histogramOf([5]);
    mergeBuckets(a, a);
    expect(a).toEqual(histogramOf([5]));
  });
});

describe("percentile", () => {
  it("is null without observations and refuses quantiles outside 0..1", () => {
    expect(percentile(emptyBuckets(), 0.5)).toBeNull();
    expect(() => percentile(histogramOf([1]), 1.5)).toThrow(RangeError);
    expect(() => percentile(histogramOf([1]), Number.NaN)).toThrow(RangeError);
  });

  it("interpolates linearly inside the bucket that holds the rank", () => {
    // 10 observations in [10, 20): the median is halfway through the bucket.
    const buckets = emptyBuckets();
    buckets[bucketOf(15)] = 10;
    expect(percentile(buckets, 0.5)).toBeCloseTo(15);
    expect(percentile(buckets, 0.1)).toBeCloseTo(11);
    expect(percentile(buckets, 1)).toBeCloseTo(20);
    // q = 0 answers the lower bound of the first non-empty bucket.
    expect(percentile(buckets, 0)).toBe(10);
  });

  it("walks across buckets by cumulative count", () => {
    // 50 in [0, 1), 30 in [5, 10), 20 in [100, 200).
    const buckets = emptyBuckets();
    buckets[0] = 50;
    buckets[bucketOf(7)] = 30;
    buckets[bucketOf(150)] = 20;
    expect(percentile(buckets, 0.5)).toBeCloseTo(1);
    expect(percentile(buckets, 0.65)).toBeCloseTo(5 + (5 * 15) / 30);
    expect(percentile(buckets, 0.8)).toBeCloseTo(10);
    expect(percentile(buckets, 0.9)).toBeCloseTo(150);
    expect(percentile(buckets, 0.99)).toBeCloseTo(195);
  });

  it("answers the last bound for the open-ended bucket: at least 10 s", () => {
    const buckets = histogramOf([12_000, 30_000, 90_000]);
    expect(percentile(buckets, 0.5)).toBe(10_000);
    expect(percentile(buckets, 0.99)).toBe(10_000);
  });

  it("stays within one bucket of the exact quantile of a skewed sample", () => {
    const next = random(42);
    // Log-normal latencies around 40 ms with a long tail, as an upstream's look.
    const values = Array.from({ length: 20_000 }, () => Math.exp(Math.log(40) + 0.9 * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())));
    const buckets = histogramOf(values);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      const estimate = percentile(buckets, q)!;
      const bucket = bucketOf(exact);
      const lower = bucket === 0 ? 0 : LATENCY_BOUNDS_MS[bucket - 1];
      const upper = LATENCY_BOUNDS_MS[bucket] ?? Number.POSITIVE_INFINITY;
      expect(estimate).toBeGreaterThanOrEqual(lower);
      expect(estimate).toBeLessThanOrEqual(upper);
    }
  });

  it("merging minutes then taking the percentile equals taking it over all observations", () => {
    const next = random(7);
    const minutes = Array.from({ length: 60 }, () => Array.from({ length: 50 }, () => next() * 800));
    const merged = mergeBuckets(...minutes.map((latencies) => histogramOf(latencies)));
    expect(merged).toEqual(histogramOf(minutes.flat()));
    expect(latencySummary(merged)).toEqual({ p50: percentile(merged, 0.5), p95: percentile(merged, 0.95), p99: percentile(merged, 0.99) });
  });
});
