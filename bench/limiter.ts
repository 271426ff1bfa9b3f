// Limiter cost per request: consume() latency one at a time (p50/p99) and
// throughput with many requests in flight, against a real Redis (REDIS_URL,
// default the local one), with the in-process limiter alongside for scale.
//   npx tsx bench/limiter.ts
import { randomUUID } from "node:crypto";
import { createLimiter, type Limiter, type PlanLimits } from "../gateway/limits";
import { createRedis } from "../gateway/redis";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SEQUENTIAL = 20_000;
const CONCURRENT_TOTAL = 100_000;
const IN_FLIGHT = 64;
const SUBJECTS = 1_000;
// Both windows limited, high enough that nearly every request is allowed:
// the common case, and the one that writes both counters.
const limits: PlanLimits = { rateLimitPerMinute: 1_000_000, monthlyQuota: BigInt(1_000_000_000) };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function sequential(limiter: Limiter, n: number) {
  const times = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await limiter.consume(`s${i % SUBJECTS}`, limits);
    times[i] = performance.now() - start;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function concurrent(limiter: Limiter, total: number, inFlight: number) {
  let next = 0;
  const times: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await limiter.consume(`s${i % SUBJECTS}`, limits);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  return { opsPerSecond: total / seconds, p50: percentile(times, 50), p99: percentile(times, 99) };
}

const ms = (x: number) => `${x.toFixed(3)} ms`;

async function main() {
  const redis = createRedis(REDIS_URL, () => {});
  if (!redis) throw new Error("no REDIS_URL");
  await new Promise<void>((resolve, reject) => {
    redis.once("ready", () => resolve());
    setTimeout(() => reject(new Error(`no Redis at ${REDIS_URL}`)), 3000).unref();
  });
  const prefix = `portico-bench:${randomUUID()}:`;
  const limiter = createLimiter({ redis, prefix });
  const memory = createLimiter({ redis: null });
  try {
    await sequential(limiter, 2_000); // warm-up: JIT, script loaded on the connection
    const seq = await sequential(limiter, SEQUENTIAL);
    const par = await concurrent(limiter, CONCURRENT_TOTAL, IN_FLIGHT);
    if (limiter.degraded) console.log("warning: the limiter went degraded during the run; figures include in-memory answers");
    await sequential(memory, 2_000);
    const mem = await concurrent(memory, CONCURRENT_TOTAL, IN_FLIGHT);

    console.log(`Redis limiter (${REDIS_URL}, one Lua script per request, ${SUBJECTS} subjects)`);
    console.log(`  one at a time (${SEQUENTIAL}):     p50 ${ms(seq.p50)}  p99 ${ms(seq.p99)}  (~${Math.round(1000 / seq.p50)} ops/s)`);
    console.log(`  ${IN_FLIGHT} in flight (${CONCURRENT_TOTAL}):    ${Math.round(par.opsPerSecond)} ops/s  p50 ${ms(par.p50)}  p99 ${ms(par.p99)}`);
    console.log(`In-process limiter (fallback), ${IN_FLIGHT} in flight: ${Math.round(mem.opsPerSecond)} ops/s`);
  } finally {
    await limiter.close();
    await memory.close();
    let cursor = "0";
    do {
      const [nextCursor, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
