import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimiter, type Limiter, type PlanLimits } from "@/gateway/limits";
import { createRedis, type Redis } from "@/gateway/redis";
import { redisChild, waitFor, type RedisChild } from "./redis-server";

// A redis-server of this file's own, killed and restarted under the limiter.
let server: RedisChild;
let redis: Redis;
let limiter: Limiter;
const changes: boolean[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  server = await redisChild();
  await server.start();
  redis = createRedis(server.url, (line) => logLines.push(line))!;
  await waitFor(() => redis.status === "ready", 2000, "the client to connect");
  limiter = createLimiter({ redis, prefix: "t:", onDegradedChange: (d) => changes.push(d) });
});

afterAll(async () => {
  await limiter?.close();
  redis?.disconnect();
  await server?.kill();
});

const fivePerMinute: PlanLimits = { rateLimitPerMinute: 5, monthlyQuota: null };

async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe("limiter when Redis goes away and comes back", () => {
  it("falls back to memory at once, keeps the limits, and returns to Redis", async () => {
    // Counting in Redis.
    for (let i = 0; i < 3; i++) expect((await limiter.consume("sub-1", fivePerMinute)).allowed).toBe(true);
    expect(limiter.degraded).toBe(false);
    expect(await redis.get("t:rl:{sub-1}:m")).toBe("3");

    await server.kill();

    // No throw, no wait: the in-process limiter answers, and it continues
    // from the count Redis last gave (3 of 5), not from zero.
    const during: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const { value, ms } = await timed(() => limiter.consume("sub-1", fivePerMinute));
      expect(ms).toBeLessThan(200);
      during.push(value.allowed);
    }
    expect(during).toEqual([true, true, false, false]);
    expect(limiter.degraded).toBe(true);
    expect(limiter.store).toBe("memory");
    expect(changes).toEqual([true]);

    // A subject never seen before is limited in memory too, with the same headers.
    const fresh = await Promise.all(Array.from({ length: 8 }, () => limiter.consume("sub-2", fivePerMinute)));
    expect(fresh.filter((o) => o.allowed)).toHaveLength(5);
    const refused = fresh.find((o) => !o.allowed)!;
    expect(refused.exceeded).toBe("minute");
    expect(refused.headers.RateLimit).toMatch(/^"minute";r=0;t=(59|60)$/);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);

    // Redis back on the same port (empty, as after a crash without persistence).
    await server.start();
    await waitFor(() => !limiter.degraded, 3000, "the limiter to leave degraded mode");
    expect(changes).toEqual([true, false]);
    expect(limiter.store).toBe("redis");

    // Counting is in Redis again: the restarted Redis holds nothing, so sub-1
    // is allowed although memory had it used up, and the count lands in Redis.
    const back = await limiter.consume("sub-1", fivePerMinute);
    expect(back.allowed).toBe(true);
    expect(back.headers.RateLimit).toMatch(/^"minute";r=4;t=60$/);
    expect(await redis.get("t:rl:{sub-1}:m")).toBe("1");

    // One log line for the loss and one for the return, not one per retry.
    expect(logLines.filter((l) => l.includes("connection lost"))).toHaveLength(1);
    expect(logLines.filter((l) => l.includes("connected to"))).toHaveLength(2);
  });

  it("treats a Redis that stops answering like one that is gone", async () => {
    const before = changes.length;
    server.pause();
    try {
      // The connection is still open: only the deadline can notice.
      const { value, ms } = await timed(() => limiter.consume("sub-3", fivePerMinute));
      expect(value.allowed).toBe(true);
      expect(ms).toBeLessThan(250);
      expect(limiter.degraded).toBe(true);
      // While degraded, requests do not wait on Redis at all (not even the 50 ms deadline).
      const next = await timed(() => limiter.consume("sub-3", fivePerMinute));
      expect(next.ms).toBeLessThan(50);
      expect(next.value.headers.RateLimit).toMatch(/^"minute";r=3;t=60$/);
    } finally {
      server.resume();
    }
    await waitFor(() => !limiter.degraded, 3000, "the limiter to leave degraded mode");
    expect(changes.slice(before)).toEqual([true, false]);
  });

  it("never rejects when Redis is unreachable from the start", async () => {
    const dead = createRedis("redis://127.0.0.1:1", () => {})!;
    const lonely = createLimiter({ redis: dead });
    try {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => lonely.consume("s", { rateLimitPerMinute: 2, monthlyQuota: BigInt(10) })));
      expect(outcomes.map((o) => o.allowed)).toEqual([true, true, false, false, false]);
      expect(lonely.degraded).toBe(true);
    } finally {
      await lonely.close();
      dead.disconnect();
    }
  });
});
