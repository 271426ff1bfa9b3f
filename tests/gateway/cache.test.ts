import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheKey, createResponseCache, isCacheable, mayServeFromCache, parseCacheControl, ttlFor, type CachedResponse, type ResponseCache } from "@/gateway/cache";
import { createRedis, type Redis } from "@/gateway/redis";
import { freePort } from "@/lib/net/free-port";
import { redisChild, waitFor, type RedisChild } from "./redis-server";

const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `portico-test:${randomUUID()}:`;

let redis: Redis;
let cache: ResponseCache;

beforeAll(async () => {
  redis = createRedis(REDIS_URL, () => {})!;
  await waitFor(() => redis.status === "ready", 2000, "the client to connect");
  cache = createResponseCache({ redis, prefix, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
});

const base = { versionId: "ver_1", consumer: "app_a", method: "GET", pathAndQuery: "/orders?page=2", accept: "application/json", acceptEncoding: "gzip, br" };

function response(body: Buffer): CachedResponse {
  return {
    status: 200,
    headers: [
      ["content-type", "application/octet-stream"],
      ["link", "</orders?page=3>; rel=\"next\""],
      ["link", "</orders?page=1>; rel=\"prev\""],
    ],
    body,
    storedAt: 1_780_000_000_123,
  };
}

describe("response cache in Redis", () => {
  it("returns what was stored, binary body byte for byte, with repeated headers in order", async () => {
    const body = Buffer.concat([Buffer.from([0, 255, 0, 13, 10]), randomBytes(50_000)]);
    const key = cacheKey(base);
    await cache.set(key, response(body), 30);
    const hit = await cache.get(key);
    expect(hit).not.toBeNull();
    expect(hit!.status).toBe(200);
    expect(hit!.storedAt).toBe(1_780_000_000_123);
    expect(hit!.headers).toEqual(response(body).headers);
    expect(Buffer.compare(hit!.body, body)).toBe(0);
    // Stored once, as one value, with the TTL in milliseconds.
    const pttl = await redis.pttl(`${prefix}cache:${key}`);
    expect(pttl).toBeGreaterThan(29_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
  });

  it("stores an empty body (204)", async () => {
    const key = cacheKey({ ...base, pathAndQuery: "/empty" });
    await cache.set(key, { status: 204, headers: [], body: Buffer.alloc(0), storedAt: 1 }, 5);
    expect(await cache.get(key)).toEqual({ status: 204, headers: [], body: Buffer.alloc(0), storedAt: 1 });
  });

  it("misses on unknown keys, and stores nothing over maxBodyBytes or without a positive TTL", async () => {
    expect(await cache.get(cacheKey({ ...base, pathAndQuery: "/never" }))).toBeNull();
    const big = cacheKey({ ...base, pathAndQuery: "/big" });
    await cache.set(big, response(Buffer.alloc(64 * 1024 + 1)), 30);
    expect(await cache.get(big)).toBeNull();
    const zero = cacheKey({ ...base, pathAndQuery: "/zero-ttl" });
    await cache.set(zero, response(Buffer.from("x")), 0);
    expect(await cache.get(zero)).toBeNull();
  });

  it("ignores a value it cannot read instead of failing", async () => {
    const key = cacheKey({ ...base, pathAndQuery: "/garbage" });
    await redis.set(`${prefix}cache:${key}`, "not a cached response", "PX", 5000);
    expect(await cache.get(key)).toBeNull();
  });

  it("never gives one consumer's response to another", async () => {
    const mine = cacheKey({ ...base, consumer: "app_mine", pathAndQuery: "/me" });
    const theirs = cacheKey({ ...base, consumer: "app_theirs", pathAndQuery: "/me" });
    expect(mine).not.toBe(theirs);
    await cache.set(mine, response(Buffer.from('{"user":"mine"}')), 30);
    expect(await cache.get(theirs)).toBeNull();
    expect((await cache.get(mine))!.body.toString()).toBe('{"user":"mine"}');
  });
});

describe("cacheKey", () => {
  it("differs by every part of the request it is made of", () => {
    const k = cacheKey(base);
    expect(cacheKey({ ...base })).toBe(k);
    for (const change of [
      { versionId: "ver_2" },
      { consumer: "anonymous" },
      { method: "HEAD" },
      { pathAndQuery: "/orders?page=3" },
      { pathAndQuery: "/orders" },
      { accept: "application/xml" },
      { accept: null },
      { acceptEncoding: "identity" },
    ]) {
      expect(cacheKey({ ...base, ...change }), JSON.stringify(change)).not.toBe(k);
    }
  });

  it("cannot be made to collide by moving characters between parts", () => {
    expect(cacheKey({ ...base, versionId: "a:b", consumer: "c" })).not.toBe(cacheKey({ ...base, versionId: "a", consumer: "b:c" }));
  });

  it("shares entries between spellings of the same request", () => {
    expect(cacheKey({ ...base, method: "get" })).toBe(cacheKey(base));
    expect(cacheKey({ ...base, acceptEncoding: "gzip,br" })).toBe(cacheKey({ ...base, acceptEncoding: " gzip ,  br " }));
    expect(cacheKey({ ...base, accept: undefined })).toBe(cacheKey({ ...base, accept: "" }));
  });

  it("starts with version and consumer, so their entries can be found by pattern", () => {
    expect(cacheKey(base).startsWith("ver_1:app_a:")).toBe(true);
    expect(cacheKey({ ...base, pathAndQuery: `/${"x".repeat(10_000)}` }).length).toBeLessThan(80);
  });
});

describe("isCacheable", () => {
  const get = { method: "GET", headers: {} };
  const ok = { status: 200, headers: { "content-type": "application/json", "content-length": "1024" } };
  const cases: [string, { method: string; headers: Record<string, string | string[] | undefined> }, { status: number; headers: Record<string, string | string[] | undefined> }, boolean][] = [
    ["a plain GET 200", get, ok, true],
    ["a HEAD 200", { method: "HEAD", headers: {} }, ok, true],
    ["public, max-age", get, { status: 200, headers: { "cache-control": "public, max-age=60" } }, true],
    ["POST", { method: "POST", headers: {} }, ok, false],
    ["PUT", { method: "PUT", headers: {} }, ok, false],
    ["DELETE", { method: "delete", headers: {} }, ok, false],
    ["201", get, { status: 201, headers: {} }, false],
    ["206 partial", get, { status: 206, headers: {} }, false],
    ["302 temporary redirect", get, { status: 302, headers: {} }, false],
    ["404", get, { status: 404, headers: {} }, false],
    ["410", get, { status: 410, headers: {} }, false],
    ["500", get, { status: 500, headers: {} }, false],
    ["203", get, { status: 203, headers: {} }, true],
    ["204", get, { status: 204, headers: {} }, true],
    ["301", get, { status: 301, headers: {} }, true],
    ["308", get, { status: 308, headers: {} }, true],
    ["request no-store", { method: "GET", headers: { "cache-control": "no-store" } }, ok, false],
    ["request Authorization forwarded", { method: "GET", headers: { authorization: "Basic dTpw" } }, ok, false],
    ["request Cookie forwarded", { method: "GET", headers: { cookie: "session=1" } }, ok, false],
    ["request header names in another case", { method: "GET", headers: { Authorization: "Bearer upstream" } }, ok, false],
    ["response no-store", get, { status: 200, headers: { "cache-control": "no-store" } }, false],
    ["response NO-STORE among others", get, { status: 200, headers: { "cache-control": "max-age=60, NO-STORE" } }, false],
    ["response private", get, { status: 200, headers: { "cache-control": "private, max-age=60" } }, false],
    ["response private naming a field", get, { status: 200, headers: { "cache-control": 'private="set-cookie, x-user", max-age=60' } }, false],
    ["response no-cache", get, { status: 200, headers: { "cache-control": "no-cache" } }, false],
    ["response Set-Cookie", get, { status: 200, headers: { "set-cookie": ["a=1", "b=2"] } }, false],
    ["response Vary: *", get, { status: 200, headers: { vary: "*" } }, false],
    ["response Vary on headers in the key", get, { status: 200, headers: { vary: "Accept, accept-encoding" } }, true],
    ["response Vary on a header outside the key", get, { status: 200, headers: { vary: "Accept-Encoding, Accept-Language" } }, false],
    ["response Vary: Origin", get, { status: 200, headers: { vary: ["accept", "Origin"] } }, false],
    ["body over the limit", get, { status: 200, headers: { "content-length": String(1024 * 1024 + 1) } }, false],
    ["body at the limit", get, { status: 200, headers: { "content-length": String(1024 * 1024) } }, true],
    ["HEAD announcing a large body", { method: "HEAD", headers: {} }, { status: 200, headers: { "content-length": String(10 * 1024 * 1024) } }, true],
  ];
  it.each(cases)("%s → %s", (_name, request, resp, expected) => {
    expect(isCacheable(request, resp)).toBe(expected);
  });

  it("takes the size limit as an option", () => {
    expect(isCacheable(get, { status: 200, headers: { "content-length": "2048" } }, { maxBodyBytes: 1024 })).toBe(false);
    expect(isCacheable(get, { status: 200, headers: { "content-length": "1024" } }, { maxBodyBytes: 1024 })).toBe(true);
  });
});

describe("ttlFor", () => {
  const now = Date.parse("2031-04-01T12:00:00Z");
  it.each([
    ["no freshness information: the API's TTL", 60, {}, 60],
    ["max-age below the API's TTL", 60, { "cache-control": "max-age=10" }, 10],
    ["max-age above the API's TTL", 60, { "cache-control": "public, max-age=3600" }, 60],
    ["s-maxage before max-age", 60, { "cache-control": "max-age=5, s-maxage=30" }, 30],
    ["max-age=0", 60, { "cache-control": "max-age=0" }, 0],
    ["malformed max-age counts as stale", 60, { "cache-control": "max-age=soon" }, 0],
    ["Age already spent upstream", 60, { "cache-control": "max-age=50", age: "20" }, 30],
    ["older than its max-age", 60, { "cache-control": "max-age=50", age: "80" }, 0],
    ["Expires against Date", 60, { expires: "Tue, 01 Apr 2031 12:00:20 GMT", date: "Tue, 01 Apr 2031 12:00:00 GMT" }, 20],
    ["Expires against now without Date", 60, { expires: "Tue, 01 Apr 2031 12:00:45 GMT" }, 45],
    ["invalid Expires means expired", 60, { expires: "0" }, 0],
    ["max-age wins over Expires", 60, { "cache-control": "max-age=7", expires: "Tue, 01 Apr 2031 13:00:00 GMT" }, 7],
    ["no-store", 60, { "cache-control": "no-store, max-age=60" }, 0],
    ["an API TTL of 0", 0, { "cache-control": "max-age=60" }, 0],
    ["a fractional API TTL", 2.9, {}, 2],
  ] as const)("%s", (_name, apiTtl, headers, expected) => {
    expect(ttlFor(apiTtl, headers, now)).toBe(expected);
  });
});

describe("Cache-Control parsing and request directives", () => {
  it("reads directives, quoted values with commas, and keeps the first of duplicates", () => {
    const cc = parseCacheControl(['Max-Age=60, private="set-cookie, x-user"', " , no-transform", "max-age=5"]);
    expect(Object.fromEntries(cc)).toEqual({ "max-age": "60", private: "set-cookie, x-user", "no-transform": "" });
  });

  it("serves from cache unless the client asks for a fresh answer", () => {
    expect(mayServeFromCache({})).toBe(true);
    expect(mayServeFromCache({ "cache-control": "max-age=60" })).toBe(true);
    expect(mayServeFromCache({ "cache-control": "no-cache" })).toBe(false);
    expect(mayServeFromCache({ "cache-control": "no-store" })).toBe(false);
    expect(mayServeFromCache({ "cache-control": "max-age=0" })).toBe(false);
    expect(mayServeFromCache({ pragma: "no-cache" })).toBe(false);
    expect(mayServeFromCache({ pragma: "no-cache", "cache-control": "max-age=60" })).toBe(true);
  });
});

describe("response cache when Redis is down", () => {
  let server: RedisChild;
  let down: Redis;
  let downCache: ResponseCache;
  beforeAll(async () => {
    server = await redisChild();
    await server.start();
    down = createRedis(server.url, () => {})!;
    await waitFor(() => down.status === "ready", 2000, "the client to connect");
    downCache = createResponseCache({ redis: down, prefix });
  });
  afterAll(async () => {
    down?.disconnect();
    await server?.kill();
  });

  it("misses quickly and stores nothing, without throwing, while Redis is not answering", async () => {
    const key = cacheKey(base);
    await downCache.set(key, response(Buffer.from("kept")), 30);
    expect(await downCache.get(key)).not.toBeNull();

    server.pause();
    try {
      const start = performance.now();
      expect(await downCache.get(key)).toBeNull();
      await downCache.set(key, response(Buffer.from("lost")), 30);
      expect(performance.now() - start).toBeLessThan(400);
    } finally {
      server.resume();
    }

    await server.kill();
    await waitFor(() => down.status !== "ready", 2000, "the client to notice");
    const start = performance.now();
    expect(await downCache.get(key)).toBeNull();
    await downCache.set(key, response(Buffer.from("lost")), 30);
    // No deadline to wait for: a client that knows it is disconnected answers at once.
    expect(performance.now() - start).toBeLessThan(50);
  });

  it("misses when no Redis was ever reachable", async () => {
    const nobody = createRedis(`redis://127.0.0.1:${await freePort()}`, () => {})!;
    try {
      const c = createResponseCache({ redis: nobody });
      expect(await c.get("k")).toBeNull();
      await expect(c.set("k", response(Buffer.from("x")), 30)).resolves.toBeUndefined();
    } finally {
      nobody.disconnect();
    }
    const none = createResponseCache({ redis: null });
    expect(await none.get("k")).toBeNull();
    await expect(none.set("k", response(Buffer.from("x")), 30)).resolves.toBeUndefined();
  });
});
