// Limits and cache across real gateway processes: one count shared through
// Redis, the fallback when Redis dies mid-run, and cached responses that
// never cross from one consumer to another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorld, secondConsumer, spawnGateway, startRedis, startUpstream, within, type GatewayProcess, type RedisProcess, type Upstream } from "./gateway-fixtures";

let upstream: Upstream;
const running: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  upstream = await startUpstream((req, res, _body, count) => {
    if (req.url?.startsWith("/private")) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify({ n: count }));
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ n: count, consumer: req.headers["x-portico-application-id"] }));
  });
});

afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
  await upstream?.close();
});

async function gatewayOn(redisUrl: string, extra: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await spawnGateway({ REDIS_URL: redisUrl, GATEWAY_USAGE: "off", ...extra });
  running.push(gateway);
  return gateway;
}

describe("limits shared by two gateway processes", () => {
  it("a plan of 10 requests per minute: of 100 parallel requests over both, exactly 10 succeed; the rest get 429 with Retry-After", async () => {
    const redis = await startRedis();
    running.push(redis);
    const world = await makeWorld(upstream.url, { rateLimitPerMinute: 10 });
    const [a, b] = await Promise.all([gatewayOn(redis.url), gatewayOn(redis.url)]);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => fetch(`${(i % 2 ? a : b).url}/${world.slug}/v2/items`, { headers: { authorization: `Bearer ${world.key}` } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
    const limited = responses.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-policy")).toContain('"minute";q=10;w=60');
    const ok = responses.find((r) => r.status === 200)!;
    expect(ok.headers.get("ratelimit")).toMatch(/"minute";r=\d+;t=\d+/);
  });
});

describe("Redis stopped in the middle of a run", () => {
  it("no 5xx, the limiter reports degraded and keeps limiting per process, and recovers when Redis is back", async () => {
    const redis: RedisProcess = await startRedis();
    running.push(redis);
    const world = await makeWorld(upstream.url, { rateLimitPerMinute: 1_000 });
    const gateway = await gatewayOn(redis.url);
    const hit = () => fetch(`${gateway.url}/${world.slug}/v2/items`, { headers: { authorization: `Bearer ${world.key}` } }).then((r) => r.status);
    expect(await hit()).toBe(200);

    await redis.stop();
    const during = await Promise.all(Array.from({ length: 30 }, hit));
    expect(during.every((status) => status < 500)).toBe(true);
    await within(3_000, async () => (await (await fetch(`${gateway.url}/health`)).json()).status === "degraded");
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/portico_gateway_limiter_degraded 1/);

    await redis.start();
    await within(5_000, async () => (await (await fetch(`${gateway.url}/health`)).json()).status === "ok");
    expect(await hit()).toBe(200);
  });
});

describe("cache", () => {
  it("keys cached GETs by consumer: one application never receives another's response; no-store is not cached", async () => {
    const redis = await startRedis();
    running.push(redis);
    const world = await makeWorld(upstream.url, { cacheEnabled: true });
    const other = await secondConsumer(world);
    const gateway = await gatewayOn(redis.url);
    const get = async (path: string, key: string) => {
      const response = await fetch(`${gateway.url}/${world.slug}/v2${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { cache: response.headers.get("x-cache"), body: (await response.json()) as { n: number; consumer?: string } };
    };
    const first = await get("/catalog?page=1", world.key);
    expect(first.cache).toBe("MISS");
    // The response is stored once it has finished streaming to the client.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await get("/catalog?page=1", world.key)).toEqual({ cache: "HIT", body: first.body });

    const theirs = await get("/catalog?page=1", other.key);
    expect(theirs.cache).toBe("MISS");
    expect(theirs.body.consumer).toBe(other.applicationId);
    expect(theirs.body.n).not.toBe(first.body.n);

    const private1 = await get("/private", world.key);
    const private2 = await get("/private", world.key);
    expect(private2.cache).toBe("MISS");
    expect(private2.body.n).toBeGreaterThan(private1.body.n);
  });
});
