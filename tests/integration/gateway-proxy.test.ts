// The gateway as a consumer meets it: routing, keys, lifecycle headers,
// proxying (headers, bodies, redirects, failures), usage rows; against real
// gateway processes, real upstreams, PostgreSQL and Redis.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, revokeKey } from "@/lib/keys/keys";
import { applySubscriptionAction } from "@/lib/subscriptions/decisions";
import { db } from "./helpers";
import { makeWorld, spawnGateway, startUpstream, within, type GatewayProcess, type Upstream, type World } from "./gateway-fixtures";

let upstream: Upstream;
let world: World;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startUpstream((req, res, body) => {
    if (req.url?.startsWith("/redirect")) {
      res.writeHead(302, { location: "https://elsewhere.example/next" });
      return res.end();
    }
    if (req.url?.startsWith("/slow")) {
      setTimeout(() => res.writeHead(200).end("late"), 3_000);
      return;
    }
    if (req.url?.startsWith("/reset")) return req.socket.destroy();
    if (req.url?.startsWith("/paged")) {
      // Headers the gateway also sets, and a Link of the upstream's own.
      res.writeHead(200, { link: '</paged?page=2>; rel="next"', "x-request-id": "from-upstream", deprecation: "?0", ratelimit: '"upstream";r=1;t=1', "x-cache": "HIT" });
      return res.end("[]");
    }
    res.writeHead(201, { "content-type": "application/json", connection: "x-upstream-hop", "x-upstream-hop": "1", "x-upstream": "yes" });
    res.end(JSON.stringify({ method: req.method, url: req.url, bytes: body.length }));
  });
  world = await makeWorld(upstream.url);
  gateway = await spawnGateway({ GATEWAY_UPSTREAM_TIMEOUT_MS: "1000", GATEWAY_MAX_BODY_BYTES: "1000", GATEWAY_USAGE_FLUSH_MS: "200" });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const call = (path: string, init: RequestInit & { key?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set("authorization", `Bearer ${init.key ?? world.key}`);
  return fetch(`${gateway.url}/${world.slug}${path}`, { ...init, headers, redirect: "manual" });
};

/** A GET sent with its path exactly as given (fetch would resolve dot segments before sending). */
function rawCall(path: string, underApi = true): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${underApi ? `/${world.slug}` : ""}${path}`, { headers: { authorization: `Bearer ${world.key}` } });
    // node:http keeps the path as written; set it again in case a URL parser touched it.
    req.path = `${underApi ? `/${world.slug}` : ""}${path}`;
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("routing and proxying", () => {
  it("forwards method, path, query and body; the upstream sees the consumer, never the key", async () => {
    // node:http, as fetch will not send a Connection header.
    const response = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const body = JSON.stringify({ hello: "world" });
      const req = httpRequest(`${gateway.url}/${world.slug}/2.1.0/orders/42?expand=items`, {
        method: "POST",
        headers: { authorization: `Bearer ${world.key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-request-id": "req-123", connection: "keep-alive, x-secret-hop", "x-secret-hop": "drop me" },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toEqual({ method: "POST", url: "/orders/42?expand=items", bytes: 17 });
    expect(response.headers["x-request-id"]).toBe("req-123");
    expect(response.headers["x-upstream"]).toBe("yes");
    expect(response.headers["x-upstream-hop"]).toBeUndefined();
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers["x-request-id"]).toBe("req-123");
    expect(seen.headers["x-portico-application-id"]).toBe(world.applicationId);
    expect(seen.headers["x-portico-team-id"]).toBe(world.consumer.team.id);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers["x-secret-hop"]).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(world.key);
  });

  it("X-API-Key works too and is removed; another Authorization header is the upstream's and passes", async () => {
    const response = await call("/v2/things", { key: null, headers: { "x-api-key": world.key } });
    expect(response.status).toBe(201);
    expect(upstream.seen.at(-1)!.headers["x-api-key"]).toBeUndefined();
    await call("/v2/things", { key: null, headers: { "x-api-key": world.key, authorization: "Basic dXNlcjpwYXNz" } });
    expect(upstream.seen.at(-1)!.headers.authorization).toBe("Basic dXNlcjpwYXNz");
  });

  it("a large upload with Expect: 100-continue (as curl sends) goes through", async () => {
    const body = "z".repeat(900);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/${world.slug}/v2/upload`, { method: "POST", headers: { authorization: `Bearer ${world.key}`, "content-length": body.length, expect: "100-continue" } });
      req.on("continue", () => req.end(body));
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
    });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ method: "POST", bytes: 900 });
    expect(upstream.seen.at(-1)!.headers.expect).toBeUndefined();
  });

  it("generates a request id when none is sent", async () => {
    const response = await call("/v2/anything");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.seen.at(-1)!.headers["x-request-id"]).toBe(response.headers.get("x-request-id"));
  });

  it("passes redirects back unfollowed", async () => {
    const response = await call("/v2/redirect");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://elsewhere.example/next");
  });

  it("answers 504 for an upstream timeout and 502 for a reset or a refused connection, as problem+json", async () => {
    const slow = await call("/v2/slow");
    expect(slow.status).toBe(504);
    expect(slow.headers.get("content-type")).toBe("application/problem+json");
    expect((await slow.json()).type).toBe("https://portico.dev/problems/upstream-timeout");
    const reset = await call("/v2/reset");
    expect(reset.status).toBe(502);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await db.apiVersion.update({ where: { id: world.versionIds["2.0.0"] }, data: { upstreamUrl: `http://127.0.0.1:${port}` } });
    await within(1_000, async () => (await call("/2.0.0/x")).status === 502);
    await db.apiVersion.update({ where: { id: world.versionIds["2.0.0"] }, data: { upstreamUrl: upstream.url } });
  });

  it("refuses bodies over the limit with 413, declared or streamed", async () => {
    expect((await call("/v2/upload", { method: "POST", body: "x".repeat(1_001) })).status).toBe(413);
    const streamed = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i += 1) controller.enqueue(new TextEncoder().encode("y".repeat(400)));
        controller.close();
      },
    });
    const before = upstream.seen.length;
    const response = await call("/v2/upload", { method: "POST", body: streamed, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(upstream.seen.length - before).toBeLessThanOrEqual(1);
  });

  it("keeps every request below the version's base path: dot segments resolve inside it, never above it", async () => {
    await db.apiVersion.update({ where: { id: world.versionIds["2.0.0"] }, data: { upstreamUrl: `${upstream.url}/base/` } });
    try {
      await within(1_000, async () => (await rawCall("/2.0.0/ping")).status === 201 && upstream.seen.at(-1)!.url === "/base/ping");
      const resolved = await rawCall("/2.0.0/a/./b/../orders?x=1");
      expect(resolved.status).toBe(201);
      expect(upstream.seen.at(-1)!.url).toBe("/base/a/orders?x=1");

      const before = upstream.seen.length;
      for (const path of ["/2.0.0/orders/../../secrets", "/2.0.0/%2e%2E/secrets", "/2.0.0/..", "/2.0.0/..%2F..%2Fsecrets", "/2.0.0/a/..%5c..%5csecrets"]) {
        const escaped = await rawCall(path);
        expect(escaped.status, path).toBe(400);
        expect(JSON.parse(escaped.body).type).toBe("https://portico.dev/problems/path-outside-version");
      }
      expect(upstream.seen.length).toBe(before);
    } finally {
      await db.apiVersion.update({ where: { id: world.versionIds["2.0.0"] }, data: { upstreamUrl: upstream.url } });
    }
  });

  it("a malformed escape in the API or version is a 404, and an upstream URL that is not http(s) a 502", async () => {
    expect((await rawCall(`/${world.slug}%zz/v2/x`, false)).status).toBe(404);
    expect((await rawCall("/v%zz/x")).status).toBe(404);
    await db.apiVersion.update({ where: { id: world.versionIds["2.0.0"] }, data: { upstreamUrl: "ftp://files.example/api" } });
    try {
      await within(1_000, async () => (await rawCall("/2.0.0/x")).status === 502);
      const refused = await rawCall("/2.0.0/x");
      expect(JSON.parse(refused.body)).toMatchObject({ type: "https://portico.dev/problems/no-upstream", detail: expect.stringContaining("usable (http or https) upstream URL") });
    } finally {
      await db.apiVersion.update({ where: { id: world.versionIds["2.0.0"] }, data: { upstreamUrl: upstream.url } });
    }
  });

  it("unknown APIs and versions are 404; drafts are not routable", async () => {
    expect((await fetch(`${gateway.url}/no-such-api/v1/x`, { headers: { authorization: `Bearer ${world.key}` } })).status).toBe(404);
    expect((await call("/9.9.9/x")).status).toBe(404);
    expect((await call("/v3/x")).status).toBe(404);
  });
});

describe("keys", () => {
  it("refuses a missing, invented or mistyped key with 401 and a key in the query string with 400", async () => {
    expect((await call("/v2/x", { key: null })).status).toBe(401);
    expect((await call("/v2/x", { key: "ptk_notarealkeyatall" })).status).toBe(401);
    expect((await call(`/v2/x?api_key=${world.key}`)).status).toBe(400);
    const inQuery = await call(`/v2/x?key=${world.key}`, { key: null });
    expect(inQuery.status).toBe(400);
    expect((await inQuery.json()).detail).toContain("never accepted in the query string");
  });
});

describe("lifecycle at the edge", () => {
  it("a deprecated version answers normally with Deprecation, Sunset and a successor Link", async () => {
    const response = await call("/1.5.0/orders");
    expect(response.status).toBe(201);
    const version = await db.apiVersion.findUniqueOrThrow({ where: { id: world.versionIds["1.5.0"] } });
    expect(response.headers.get("deprecation")).toBe(`@${Math.floor(version.deprecatedAt!.getTime() / 1000)}`);
    expect(response.headers.get("sunset")).toBe(version.sunsetAt!.toUTCString());
    expect(response.headers.get("link")).toBe(`</${world.slug}/2.1.0/orders>; rel="successor-version"`);
  });

  it("keeps the upstream's own Link beside the successor link; the gateway's request id, lifecycle and limit headers are not doubled", async () => {
    const response = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/${world.slug}/1.5.0/paged`, { headers: { authorization: `Bearer ${world.key}`, "x-request-id": "req-123" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.headers));
      });
      req.on("error", reject);
      req.end();
    });
    // node:http joins repeated fields with ", "; one value each means one field each.
    expect(response.link).toBe(`</paged?page=2>; rel="next", </${world.slug}/2.1.0/paged>; rel="successor-version"`);
    expect(response["x-request-id"]).toBe("req-123");
    expect(response.deprecation).toMatch(/^@\d+$/);
    expect(response["x-cache"]).toBeUndefined();
    expect(response.ratelimit).toMatch(/^"minute";r=\d+;t=\d+$/);
  });

  it("a retired version answers 410 Gone pointing at its replacement; a published one has no lifecycle headers", async () => {
    const gone = await call("/1.0.0/orders");
    expect(gone.status).toBe(410);
    expect(gone.headers.get("link")).toBe(`</${world.slug}/2.1.0/orders>; rel="successor-version"`);
    expect((await gone.json()).detail).toContain("Use 2.1.0 instead");
    const current = await call("/2.1.0/orders");
    expect(current.headers.get("deprecation")).toBeNull();
    expect(current.headers.get("sunset")).toBeNull();
  });
});

describe("config changes reach every gateway within a second", () => {
  it("with two gateway processes running, a new key works; a revoked key, a retired version and a revoked subscription are refused by both", async () => {
    const second = await spawnGateway({ GATEWAY_USAGE: "off" });
    try {
      // Both passed their test notification: changes arrive by NOTIFY, not by the one-second polling of a deaf connection.
      await within(2_000, async () => {
        const health = await Promise.all([gateway, second].map((g) => fetch(`${g.url}/health`).then((r) => r.json() as Promise<{ config: { listening: boolean } }>)));
        return health.every((h) => h.config.listening);
      });
      const both = async (key: string, status: number) => {
        const answers = await Promise.all([gateway, second].map((g) => fetch(`${g.url}/${world.slug}/v2/x`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status)));
        return answers.every((answer) => answer === status);
      };
      const { key: created, secret } = await createKey(world.consumer.members.DEVELOPER.actor, world.applicationId, { name: "second" });
      await within(1_000, () => both(secret, 201));

      const revokedAt = Date.now();
      await revokeKey(world.consumer.members.DEVELOPER.actor, world.applicationId, created.id);
      await within(1_000, () => both(secret, 401));
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      expect(await both(world.key, 201)).toBe(true);

      // A version retired (here by the sunset job's update) answers 410 everywhere.
      const deprecatedPath = async (status: number) =>
        (await Promise.all([gateway, second].map((g) => fetch(`${g.url}/${world.slug}/1.5.0/x`, { headers: { authorization: `Bearer ${world.key}` } }).then((r) => r.status)))).every((answer) => answer === status);
      expect(await deprecatedPath(201)).toBe(true);
      const retiredAt = Date.now();
      await db.apiVersion.update({ where: { id: world.versionIds["1.5.0"] }, data: { state: "RETIRED", retiredAt: new Date() } });
      await within(1_000, () => deprecatedPath(410));
      expect(Date.now() - retiredAt).toBeLessThan(1_000);

      const subscriptionRevokedAt = Date.now();
      await applySubscriptionAction(world.provider.members.OWNER.actor, world.subscriptionId, { action: "revoke", reason: "Tests" });
      await within(1_000, () => both(world.key, 403));
      expect(Date.now() - subscriptionRevokedAt).toBeLessThan(1_000);
    } finally {
      await second.stop();
    }
  });
});

describe("usage", () => {
  it("records each request in batches, without the key or the Authorization header anywhere", async () => {
    await within(3_000, async () => (await db.usageEvent.count({ where: { apiId: world.apiId } })) >= 10);
    const rows = await db.usageEvent.findMany({ where: { apiId: world.apiId } });
    expect(rows.some((row) => row.status === 410 && row.versionId === world.versionIds["1.0.0"])).toBe(true);
    expect(rows.some((row) => row.applicationId === world.applicationId && row.teamId === world.consumer.team.id && row.status === 201)).toBe(true);
    const everything = JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    expect(everything).not.toContain(world.key);
    expect(everything).not.toContain("ptk_");
    expect(everything.toLowerCase()).not.toContain("bearer");
    expect(gateway.output()).not.toContain(world.key);
  });
});
