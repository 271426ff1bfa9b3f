import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, DeadlineError, reconnectDelay, redactRedisUrl, withDeadline, type Redis } from "@/gateway/redis";
import { freePort } from "@/lib/net/free-port";
import { redisChild, waitFor, type RedisChild } from "./redis-server";

describe("createRedis", () => {
  it("gives no client without a URL", () => {
    expect(createRedis(undefined, () => {})).toBeNull();
    expect(createRedis("", () => {})).toBeNull();
  });

  it("reconnects forever, never more than a second apart", () => {
    const delays = Array.from({ length: 200 }, (_, i) => reconnectDelay(i + 1));
    expect(delays.every((d) => typeof d === "number" && d > 0 && d <= 1000)).toBe(true);
    expect(delays[0]).toBeLessThanOrEqual(100);
  });

  it("keeps passwords out of the log", () => {
    expect(redactRedisUrl("redis://user:s3cret@cache.internal:6380/2")).toBe("redis://***:***@cache.internal:6380/2");
    expect(redactRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("fails commands at once while Redis is unreachable, and logs the outage once", async () => {
    const port = await freePort();
    const lines: string[] = [];
    const redis = createRedis(`redis://:pw@127.0.0.1:${port}`, (l) => lines.push(l))!;
    try {
      const start = performance.now();
      await expect(redis.get("k")).rejects.toThrow();
      expect(performance.now() - start).toBeLessThan(50);
      // Several reconnect attempts later, still one line, and no password in it.
      await new Promise((r) => setTimeout(r, 400));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot connect to redis://:***@127.0.0.1:${port}`);
    } finally {
      redis.disconnect();
    }
  });
});

describe("createRedis against a Redis that comes and goes", () => {
  let server: RedisChild;
  let redis: Redis;
  beforeAll(async () => {
    server = await redisChild();
    await server.start();
    redis = createRedis(server.url, () => {})!;
    await waitFor(() => redis.status === "ready", 2000, "the client to connect");
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.kill();
  });

  it("rejects what was in flight when the connection drops, and is back within about a second of a restart", async () => {
    server.pause();
    const inFlight = redis.set("k", "v").then(
      () => null,
      (err: unknown) => err,
    );
    await server.kill();
    expect(await inFlight).toBeInstanceOf(Error);
    await server.start();
    const restarted = Date.now();
    await waitFor(() => redis.status === "ready", 2000, "the client to reconnect");
    expect(Date.now() - restarted).toBeLessThan(1500);
    // Nothing was resent after the reconnect: the set that failed stays undone.
    expect(await redis.get("k")).toBeNull();
  });
});

describe("withDeadline", () => {
  it("passes the answer through, or gives up after the deadline", async () => {
    await expect(withDeadline(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error("boom")), 50)).rejects.toThrow("boom");
    const start = performance.now();
    await expect(withDeadline(new Promise(() => {}), 30)).rejects.toBeInstanceOf(DeadlineError);
    expect(performance.now() - start).toBeLessThan(200);
  });

  it("does not blame Redis for time this process spent busy", async () => {
    const redis = createRedis(process.env.PORTICO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379", () => {})!;
    try {
      await waitFor(() => redis.status === "ready", 2000, "the client to connect");
      for (let i = 0; i < 5; i++) {
        // Redis answers within a millisecond, but this process only reads the
        // answer after a 30 ms stall, when the 10 ms timer has also expired.
        const result = withDeadline(redis.ping(), 10);
        const until = Date.now() + 30;
        while (Date.now() < until) {
          // busy, as under a burst of requests or a long GC
        }
        await expect(result).resolves.toBe("PONG");
      }
    } finally {
      redis.disconnect();
    }
  });
});
