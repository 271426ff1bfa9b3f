import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimiter, type Limiter, type PlanLimits } from "@/gateway/limits";
import { createRedis, type Redis } from "@/gateway/redis";
import { redisChild, type RedisChild } from "./redis-server";

// A redis-server of this file's own: the tests count its script calls, which
// other test files on the machine's shared Redis would add to.
const prefix = `portico-test:${randomUUID()}:`;
const log = () => {};

let server: RedisChild;
let redisA: Redis;
let redisB: Redis;
let limiterA: Limiter;
let limiterB: Limiter;

async function ready(redis: Redis) {
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
}

beforeAll(async () => {
  server = await redisChild();
  await server.start();
  // Two connections, as two gateway processes would have.
  redisA = createRedis(server.url, log)!;
  redisB = createRedis(server.url, log)!;
  await Promise.all([ready(redisA), ready(redisB)]);
  limiterA = createLimiter({ redis: redisA, prefix });
  limiterB = createLimiter({ redis: redisB, prefix });
});

afterAll(async () => {
  await limiterA?.close();
  await limiterB?.close();
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redisA.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  if (keys.length) await redisA.del(...keys);
  await redisA?.quit();
  await redisB?.quit();
  await server?.kill();
});

// EVALSHA, or EVAL when the script is not loaded yet.
const scriptCalls = async () => [...(await redisA.info("commandstats")).matchAll(/cmdstat_eval(?:sha)?:calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);

const perMinute = (n: number): PlanLimits => ({ rateLimitPerMinute: n, monthlyQuota: null });

describe("limits counted in Redis", () => {
  it("lets exactly N of many concurrent requests through, across two limiters on two connections", async () => {
    const subject = `sub-${randomUUID()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? limiterA : limiterB).consume(subject, perMinute(10))),
    );
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
    expect(outcomes.filter((o) => !o.allowed)).toHaveLength(90);
    expect(limiterA.degraded || limiterB.degraded).toBe(false);
    expect(limiterA.store).toBe("redis");
    // Both limiters counted the same keys: the count is in Redis, not in either process.
    expect(Number(await redisA.get(`${prefix}rl:{${subject}}:m`))).toBe(10);
  });

  it("counts the requests of one event-loop turn in one script call, subjects and windows kept apart, past the batch bound", async () => {
    const subjects = Array.from({ length: 7 }, () => `sub-${randomUUID()}`);
    const limits: PlanLimits = { rateLimitPerMinute: 50, monthlyQuota: BigInt(80) };
    const before = await scriptCalls();
    // 700 requests in one synchronous burst: 100 per subject, over three batches of at most 256.
    const outcomes = await Promise.all(Array.from({ length: 700 }, (_, i) => limiterA.consume(subjects[i % 7], limits)));
    const calls = (await scriptCalls()) - before;
    for (const subject of subjects) {
      const mine = outcomes.filter((_, i) => subjects[i % 7] === subject);
      expect(mine.filter((o) => o.allowed)).toHaveLength(50);
      expect(Number(await redisA.get(`${prefix}rl:{${subject}}:m`))).toBe(50);
    }
    // The counts each request was told go up one by one, in the order they were asked.
    const remaining = outcomes.filter((_, i) => subjects[i % 7] === subjects[0]).slice(0, 50).map((o) => /r=(\d+)/.exec(o.headers.RateLimit)![1]);
    expect(remaining.map(Number)).toEqual(Array.from({ length: 50 }, (_, i) => 49 - i));
    expect(calls).toBe(3);
  });

  it("lets a busy subject go on an allowance decided in process, and two gateways together still let through exactly the limit", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits: PlanLimits = { rateLimitPerMinute: 6_400, monthlyQuota: BigInt(1_000_000) };
    const start = Date.UTC(2031, 6, 1, 12);
    const before = await scriptCalls();
    const outcomes = [];
    // 8,000 requests over ten seconds, 800 a second, half on each gateway.
    for (let ms = 0; ms < 10_000; ms += 10) {
      const now = new Date(start + ms);
      outcomes.push(...(await Promise.all([limiterA, limiterB, limiterA, limiterB, limiterA, limiterB, limiterA, limiterB].map((l) => l.consume(subject, limits, now)))));
    }
    const calls = (await scriptCalls()) - before;
    // Demand outlasted the limit, so every allowance was used: not one request
    // more, and none fewer, than the plan allows.
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(6_400);
    // Near the end one gateway may still serve the rest of its allowance
    // while the other already refuses; neither serves once it has refused.
    for (const parity of [0, 1]) {
      const own = outcomes.filter((o, i) => i % 2 === parity);
      const firstRefused = own.findIndex((o) => !o.allowed);
      expect(firstRefused).toBeGreaterThan(3_000);
      expect(own.slice(firstRefused).every((o) => !o.allowed)).toBe(true);
    }
    expect(outcomes.slice(6_600).every((o) => !o.allowed)).toBe(true);
    expect(Number(await redisA.get(`${prefix}rl:{${subject}}:m`))).toBe(6_400);
    const monthKey = (await redisA.keys(`${prefix}rl:{${subject}}:mo:*`))[0];
    expect(Number(await redisA.get(monthKey))).toBe(6_400);
    // The first second (no allowance yet) takes one call per gateway and
    // step, 200 in all; after it, about one in ten steps, more as the
    // allowances shrink near the limit; past it, each gateway refuses in
    // process.
    expect(calls).toBeLessThan(800);
    // What each gateway tells its requests they have left never goes up, and ends at 0.
    for (const parity of [0, 1]) {
      const left = outcomes.filter((o, i) => i % 2 === parity).map((o) => Number(/r=(\d+)/.exec(o.headers.RateLimit)![1]));
      expect(left.every((r, i) => i === 0 || r <= left[i - 1])).toBe(true);
      expect(left.at(-1)).toBe(0);
    }
  });

  it("fetches a busy subject's next allowance before the current one runs out, so its requests do not wait for Redis", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits = perMinute(1_000_000);
    const start = Date.UTC(2031, 6, 1, 12);
    let waited = 0;
    // 1,000 requests a second for three seconds, ten every 10 ms, with real
    // time between the steps for Redis to answer.
    for (let ms = 0; ms < 3_000; ms += 10) {
      const step = Array.from({ length: 10 }, () => limiterA.consume(subject, limits, new Date(start + ms)));
      // From the second second on, the subject is busy and runs on allowances.
      if (ms >= 1_500) waited += step.filter((outcome) => outcome instanceof Promise).length;
      expect((await Promise.all(step)).every((outcome) => outcome.allowed)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(waited).toBe(0);
    // Redis counted every request served, and at most one allowance (100 ms of traffic) more.
    const counted = Number(await redisA.get(`${prefix}rl:{${subject}}:m`));
    expect(counted).toBeGreaterThanOrEqual(3_000);
    expect(counted).toBeLessThanOrEqual(3_000 + 101);
  });

  it("uses an allowance only within the minute window it was counted in, and gives its rest back to the month", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits: PlanLimits = { rateLimitPerMinute: 100_000, monthlyQuota: BigInt(1_000_000) };
    const monthCount = async () => Number(await redisA.get((await redisA.keys(`${prefix}rl:{${subject}}:mo:*`))[0]));
    const start = Date.UTC(2031, 6, 1, 12);
    for (let i = 0; i < 50; i++) await limiterA.consume(subject, limits, new Date(start + i));
    // A second later, busy: this request takes an allowance of about 100 ms of that traffic.
    await limiterA.consume(subject, limits, new Date(start + 1_000));
    const counted = Number(await redisA.get(`${prefix}rl:{${subject}}:m`));
    expect(counted).toBe(50 + 1 + 5);
    // Covered by the allowance: Redis is not asked.
    const before = await scriptCalls();
    expect((await limiterA.consume(subject, limits, new Date(start + 1_001))).allowed).toBe(true);
    expect(Number(await redisA.get(`${prefix}rl:{${subject}}:m`))).toBe(counted);
    // Past the window's end the rest of the allowance is void: counted in Redis again.
    expect((await limiterA.consume(subject, limits, new Date(start + 61_000))).allowed).toBe(true);
    expect(await scriptCalls()).toBeGreaterThan(before);
    expect(Number(await redisA.get(`${prefix}rl:{${subject}}:m`))).toBe(counted + 1);
    // The month holds the 53 requests served, not the 4 the allowance had left.
    expect(await monthCount()).toBe(50 + 1 + 1 + 1);
  });

  it("refuses a subject Redis refused in process until its window resets, unless its plan changes", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits = perMinute(2);
    const now = new Date(Date.UTC(2031, 6, 1, 12));
    await limiterA.consume(subject, limits, now);
    await limiterA.consume(subject, limits, now);
    const before = await scriptCalls();
    const refused = [];
    for (let i = 0; i < 5; i++) refused.push(await limiterA.consume(subject, limits, new Date(now.getTime() + 1_000 * i)));
    expect(refused.every((o) => !o.allowed && o.exceeded === "minute")).toBe(true);
    // The first refusal came from Redis; the four after it did not ask.
    expect((await scriptCalls()) - before).toBe(1);
    expect(refused[4].retryAfterSeconds).toBeLessThan(refused[0].retryAfterSeconds!);
    // The team raised the plan: the new limits are asked of Redis at once.
    expect((await limiterA.consume(subject, perMinute(3), new Date(now.getTime() + 5_000))).allowed).toBe(true);
    // Once the window has reset, Redis decides again.
    expect((await limiterB.consume(subject, limits, new Date(now.getTime() + 5_000))).allowed).toBe(false);
    expect((await limiterA.consume(subject, limits, new Date(now.getTime() + 61_000))).allowed).toBe(false);
    expect((await scriptCalls()) - before).toBe(4);
  });

  it("keeps subjects apart", async () => {
    const a = `sub-${randomUUID()}`;
    const b = `sub-${randomUUID()}`;
    expect((await limiterA.consume(a, perMinute(1))).allowed).toBe(true);
    expect((await limiterA.consume(a, perMinute(1))).allowed).toBe(false);
    expect((await limiterA.consume(b, perMinute(1))).allowed).toBe(true);
  });

  it("sends the draft's RateLimit-Policy and RateLimit headers, and Retry-After data when refused", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits: PlanLimits = { rateLimitPerMinute: 3, monthlyQuota: BigInt(100_000) };
    const first = await limiterA.consume(subject, limits);
    expect(first).toEqual({
      allowed: true,
      headers: {
        "RateLimit-Policy": `"minute";q=3;w=60, "month";q=100000;w=2592000`,
        RateLimit: `"minute";r=2;t=60`,
      },
    });
    expect((await limiterB.consume(subject, limits)).headers.RateLimit).toMatch(/^"minute";r=1;t=(59|60)$/);
    expect((await limiterA.consume(subject, limits)).headers.RateLimit).toMatch(/^"minute";r=0;t=(59|60)$/);

    const refused = await limiterB.consume(subject, limits);
    expect(refused.allowed).toBe(false);
    expect(refused.exceeded).toBe("minute");
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // The reset of the reported window and Retry-After name the same instant.
    expect(refused.headers.RateLimit).toBe(`"minute";r=0;t=${refused.retryAfterSeconds}`);
    expect(refused.headers["RateLimit-Policy"]).toBe(`"minute";q=3;w=60, "month";q=100000;w=2592000`);

    // A refused request uses no quota: the month still holds three.
    const monthKey = (await redisA.keys(`${prefix}rl:{${subject}}:mo:*`))[0];
    expect(await redisA.get(monthKey)).toBe("3");
    const monthTtl = await redisA.pttl(monthKey);
    expect(monthTtl).toBeGreaterThan(0);
    expect(monthTtl).toBeLessThanOrEqual(31 * 86_400_000 + 3_600_000);
  });

  it("reports the window closest to exhaustion", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits: PlanLimits = { rateLimitPerMinute: 10, monthlyQuota: BigInt(2) };
    const now = new Date("2031-05-31T23:59:00.000Z");
    const first = await limiterA.consume(subject, limits, now);
    expect(first.headers.RateLimit).toBe(`"month";r=1;t=60`);
  });

  it("counts a calendar month quota and resets it with the month", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits: PlanLimits = { rateLimitPerMinute: null, monthlyQuota: BigInt(3) };
    const endOfJanuary = new Date("2031-01-31T23:59:30.000Z");
    for (let i = 0; i < 3; i++) expect((await limiterA.consume(subject, limits, endOfJanuary)).allowed).toBe(true);

    const refused = await limiterB.consume(subject, limits, endOfJanuary);
    expect(refused).toEqual({
      allowed: false,
      exceeded: "month",
      retryAfterSeconds: 30,
      headers: { "RateLimit-Policy": `"month";q=3;w=2592000`, RateLimit: `"month";r=0;t=30` },
    });

    const february = new Date("2031-02-01T00:00:05.000Z");
    const next = await limiterB.consume(subject, limits, february);
    expect(next.allowed).toBe(true);
    expect(next.headers.RateLimit).toBe(`"month";r=2;t=${28 * 86_400 - 5}`);
  });

  it("waits for the month, not the minute, when both are used up", async () => {
    const subject = `sub-${randomUUID()}`;
    const limits: PlanLimits = { rateLimitPerMinute: 2, monthlyQuota: BigInt(2) };
    const now = new Date("2031-03-31T23:00:00.000Z");
    await limiterA.consume(subject, limits, now);
    await limiterA.consume(subject, limits, now);
    const refused = await limiterA.consume(subject, limits, now);
    expect(refused.exceeded).toBe("month");
    expect(refused.retryAfterSeconds).toBe(3600);
    expect(refused.headers.RateLimit).toBe(`"month";r=0;t=3600`);
  });

  it("treats a null limit as no limit on that window", async () => {
    const subject = `sub-${randomUUID()}`;
    const none = await limiterA.consume(subject, { rateLimitPerMinute: null, monthlyQuota: null });
    expect(none).toEqual({ allowed: true, headers: {} });
    // Nothing was written for a plan without limits.
    expect(await redisA.keys(`${prefix}rl:{${subject}}*`)).toEqual([]);

    const minuteOnly = await limiterA.consume(subject, perMinute(5));
    expect(minuteOnly.headers["RateLimit-Policy"]).toBe(`"minute";q=5;w=60`);
    expect(await redisA.keys(`${prefix}rl:{${subject}}:mo:*`)).toEqual([]);

    for (let i = 0; i < 5; i++) await limiterA.consume(subject, { rateLimitPerMinute: null, monthlyQuota: BigInt(1000) });
    // The month counted five; the minute window, unlimited for that plan, did not move.
    expect(await redisA.get(`${prefix}rl:{${subject}}:m`)).toBe("1");
  });

  it("refuses everything on a zero limit, with a full window to wait", async () => {
    const refused = await limiterA.consume(`sub-${randomUUID()}`, perMinute(0));
    expect(refused.allowed).toBe(false);
    expect(refused.exceeded).toBe("minute");
    expect(refused.retryAfterSeconds).toBe(60);
    expect(refused.headers.RateLimit).toBe(`"minute";r=0;t=60`);
  });

  it("caps huge quotas at the largest structured-field integer", async () => {
    const outcome = await limiterA.consume(`sub-${randomUUID()}`, { rateLimitPerMinute: null, monthlyQuota: BigInt("9223372036854775807") });
    expect(outcome.allowed).toBe(true);
    expect(outcome.headers["RateLimit-Policy"]).toBe(`"month";q=999999999999999;w=2592000`);
    expect(outcome.headers.RateLimit).toMatch(/^"month";r=999999999999999;t=\d+$/);
  });
});

describe("limits without Redis", () => {
  it("counts in process when no Redis is configured, and is not degraded", async () => {
    const limiter = createLimiter({ redis: null });
    try {
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => limiter.consume("ip:203.0.113.9", perMinute(4))));
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(4);
      expect(limiter.degraded).toBe(false);
      expect(limiter.store).toBe("memory");
      const refused = outcomes.find((o) => !o.allowed)!;
      expect(refused.retryAfterSeconds).toBe(60);
      expect(refused.headers.RateLimit).toBe(`"minute";r=0;t=60`);
    } finally {
      await limiter.close();
    }
  });

  it("opens a new minute window once the old one has passed", async () => {
    const limiter = createLimiter({ redis: null });
    try {
      const t0 = new Date("2031-06-10T12:00:00.000Z");
      expect((await limiter.consume("s", perMinute(1), t0)).allowed).toBe(true);
      const t30 = new Date(t0.getTime() + 30_000);
      const refused = await limiter.consume("s", perMinute(1), t30);
      expect(refused.retryAfterSeconds).toBe(30);
      expect((await limiter.consume("s", perMinute(1), new Date(t0.getTime() + 60_000))).allowed).toBe(true);
    } finally {
      await limiter.close();
    }
  });
});
