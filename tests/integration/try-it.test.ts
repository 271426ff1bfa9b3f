// Try-it from the docs page: Portico's /api/try-it route, called as a
// function with a mocked session, in front of a real gateway process (sharing
// PORTICO_SECRET_KEY with this test process) and a real upstream.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { applySubscriptionAction } from "@/lib/subscriptions/decisions";
import { updateApiSettings } from "@/lib/apis/settings";
import { tryItChoices } from "@/lib/subscriptions/try-it";
import { addMember, db, makeUser, type TestUser } from "./helpers";
import { makeWorld, spawnGateway, startUpstream, within, type GatewayProcess, type Upstream, type World } from "./gateway-fixtures";

let sessionUserId: string | null = null;
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (sessionUserId ? { user: { id: sessionUserId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as tryItRoute from "@/app/api/try-it/[slug]/[version]/[[...path]]/route";

const SECRET = "try-it-integration-secret";
const PORTICO = "http://portico.test:3000";
const MAX_BODY = 2_000;

let upstream: Upstream;
let world: World;
let gateway: GatewayProcess;
// The gateway's limit on keyless calls per client (here: per viewer).
const KEYLESS_PER_MINUTE = 3;
let outsider: TestUser;

beforeAll(async () => {
  process.env.PORTICO_SECRET_KEY = SECRET;
  process.env.GATEWAY_MAX_BODY_BYTES = String(MAX_BODY);
  upstream = await startUpstream((req, res, body) => {
    res.writeHead(req.method === "POST" ? 201 : 200, {
      "content-type": "application/json",
      "set-cookie": "next-auth.session-token=stolen; Path=/",
      "strict-transport-security": "max-age=63072000",
      "cache-control": "public, max-age=600",
      "www-authenticate": 'Basic realm="upstream"',
      "x-upstream": "yes",
    });
    res.end(JSON.stringify({ echo: true, method: req.method, url: req.url, body: body.toString() }));
  });
  world = await makeWorld(upstream.url);
  outsider = await makeUser({ name: "Outsider" });
  // A larger limit in the gateway than here, so a 413 below is Portico's own, sent before anything is forwarded.
  gateway = await spawnGateway({ PORTICO_SECRET_KEY: SECRET, GATEWAY_MAX_BODY_BYTES: String(MAX_BODY * 100), GATEWAY_USAGE_FLUSH_MS: "200", GATEWAY_KEYLESS_RATE_LIMIT: String(KEYLESS_PER_MINUTE) });
  process.env.GATEWAY_URL = gateway.url;
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  delete process.env.GATEWAY_URL;
  delete process.env.GATEWAY_MAX_BODY_BYTES;
  delete process.env.PORTICO_SECRET_KEY;
});

beforeEach(() => {
  sessionUserId = world.consumer.members.DEVELOPER.id;
});

type Segment = { params: Promise<{ slug: string; version: string; path?: string[] }> };
type Handler = (request: Request, segment: Segment) => Promise<Response>;

interface TryOptions {
  method?: string;
  application?: string | null;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Same-origin by default, as the docs page's fetch sends it. */
  origin?: string | null;
}

async function tryIt(path: string, options: TryOptions = {}) {
  const method = options.method ?? "GET";
  const headers = new Headers({ cookie: "next-auth.session-token=the-viewers-session", "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors", ...options.headers });
  const origin = options.origin === undefined ? PORTICO : options.origin;
  if (origin) headers.set("origin", origin);
  const application = options.application === undefined ? world.applicationId : options.application;
  if (application) headers.set("x-portico-application", application);
  const url = new URL(`${PORTICO}/api/try-it/${world.slug}${path}`);
  const [, , , slug, version, ...rest] = url.pathname.split("/");
  const request = new Request(url, { method, headers, body: options.body, ...(options.body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);
  const handler = (tryItRoute as unknown as Record<string, Handler>)[method];
  const response = await handler(request, { params: Promise.resolve({ slug, version, path: rest.length ? rest.map(decodeURIComponent) : undefined }) });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe("a subscribed member tries the API", () => {
  it("gets the upstream's answer through the gateway; the upstream sees the application, never the cookie or the try-it token", async () => {
    const seenBefore = upstream.seen.length;
    const answer = await tryIt("/2.1.0/orders/42?expand=items", { headers: { "x-request-id": "try-123", authorization: "Basic dXNlcjpwYXNz" } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ echo: true, method: "GET", url: "/orders/42?expand=items", body: "" });
    expect(answer.headers.get("x-upstream")).toBe("yes");
    expect(answer.headers.get("x-request-id")).toBe("try-123");
    expect(answer.headers.get("ratelimit-policy")).toBeTruthy();

    expect(upstream.seen.length).toBe(seenBefore + 1);
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers["x-portico-application-id"]).toBe(world.applicationId);
    expect(seen.headers["x-portico-team-id"]).toBe(world.consumer.team.id);
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers["x-portico-try-it"]).toBeUndefined();
    expect(seen.headers["x-portico-application"]).toBeUndefined();
    expect(seen.headers.origin).toBeUndefined();
    expect(seen.headers["sec-fetch-site"]).toBeUndefined();
    // The upstream's own credentials are the upstream's business and pass.
    expect(seen.headers.authorization).toBe("Basic dXNlcjpwYXNz");
    expect(JSON.stringify(seen.headers)).not.toContain("the-viewers-session");
  });

  it("what the upstream answers cannot act on Portico's origin", async () => {
    const answer = await tryIt("/2.1.0/orders");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("set-cookie")).toBeNull();
    expect(answer.headers.get("strict-transport-security")).toBeNull();
    expect(answer.headers.get("www-authenticate")).toBeNull();
    expect(answer.headers.get("x-upstream-www-authenticate")).toBe('Basic realm="upstream"');
    expect(answer.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
  });

  it("streams a request body to the upstream and the status back", async () => {
    const answer = await tryIt("/v2/orders", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ item: "book", quantity: 2 }) });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ method: "POST", url: "/orders", body: '{"item":"book","quantity":2}' });
    const chunks = ["{\"part\":", "1}"];
    const stream = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const streamed = await tryIt("/2.1.0/orders", { method: "PUT", body: stream });
    expect(streamed.json).toMatchObject({ method: "PUT", body: '{"part":1}' });
  });

  it("the team's OWNER may try as well; the gateway records the call against the application", async () => {
    sessionUserId = world.consumer.members.OWNER.id;
    const answer = await tryIt("/2.1.0/usage-check", { headers: { "x-request-id": "try-usage-1" } });
    expect(answer.status).toBe(200);
    await within(5_000, async () => (await db.usageEvent.count({ where: { requestId: "try-usage-1" } })) === 1);
    expect(await db.usageEvent.findFirstOrThrow({ where: { requestId: "try-usage-1" } })).toMatchObject({ apiId: world.apiId, applicationId: world.applicationId, teamId: world.consumer.team.id, status: 200 });
  });

  it("the gateway's lifecycle answers pass through: Deprecation headers, and 410 for a retired version", async () => {
    const deprecated = await tryIt("/1.5.0/orders");
    expect(deprecated.status).toBe(200);
    expect(deprecated.headers.get("deprecation")).toMatch(/^@\d+$/);
    expect(deprecated.headers.get("sunset")).toBeTruthy();
    const retired = await tryIt("/1.0.0/orders");
    expect(retired.status).toBe(410);
    expect(retired.json).toMatchObject({ type: "https://portico.dev/problems/version-retired" });
  });
});

describe("refusals", () => {
  it("signed out: 401, nothing forwarded", async () => {
    sessionUserId = null;
    const seen = upstream.seen.length;
    const answer = await tryIt("/2.1.0/orders");
    expect(answer.status).toBe(401);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(upstream.seen.length).toBe(seen);
  });

  it("cross-site requests and navigations: 403, nothing forwarded", async () => {
    const seen = upstream.seen.length;
    const crossOrigin = await tryIt("/2.1.0/orders", { method: "POST", origin: "https://evil.example", body: "{}" });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.json).toMatchObject({ type: "https://portico.dev/problems/cross-site", status: 403 });
    expect((await tryIt("/2.1.0/orders", { origin: "null" })).status).toBe(403);
    expect((await tryIt("/2.1.0/orders", { origin: null, headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    // Neither Origin nor Sec-Fetch-Site: not provably from Portico's page.
    const bare = await tryIt("/2.1.0/orders", { origin: null, headers: { "sec-fetch-site": "" } });
    expect(bare.status).toBe(403);
    expect((await tryIt("/2.1.0/orders", { origin: null, headers: { "sec-fetch-mode": "navigate" } })).status).toBe(403);
    expect(upstream.seen.length).toBe(seen);
    // A same-origin GET from the page carries no Origin, only Sec-Fetch-Site.
    expect((await tryIt("/2.1.0/orders", { origin: null })).status).toBe(200);
  });

  it("someone outside the application's team, an unknown application and a VIEWER of the team: 403 alike", async () => {
    const seen = upstream.seen.length;
    for (const userId of [outsider.id, world.provider.members.ADMIN.id, world.consumer.members.VIEWER.id]) {
      sessionUserId = userId;
      const answer = await tryIt("/2.1.0/orders");
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ type: "https://portico.dev/problems/try-it-not-your-application" });
    }
    sessionUserId = world.consumer.members.DEVELOPER.id;
    const unknown = await tryIt("/2.1.0/orders", { application: "c0000000000000000000000000" });
    expect(unknown.json).toMatchObject({ status: 403, type: "https://portico.dev/problems/try-it-not-your-application" });
    expect(upstream.seen.length).toBe(seen);
  });

  it("an application of the viewer without an ACTIVE subscription: 403", async () => {
    const other = await createApplication(world.consumer.members.DEVELOPER.actor, { team: world.consumer.team.slug, name: `No access ${Date.now()}` });
    const seen = upstream.seen.length;
    const answer = await tryIt("/2.1.0/orders", { application: other.id });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ type: "https://portico.dev/problems/try-it-not-subscribed" });
    expect(String(answer.json?.detail)).toContain(`/apis/${world.slug}/access`);
    expect(upstream.seen.length).toBe(seen);
  });

  it("no application on an API that needs a key: 403 saying how to get access", async () => {
    const answer = await tryIt("/2.1.0/orders", { application: null });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ type: "https://portico.dev/problems/try-it-needs-application" });
  });

  it("bodies over the limit: 413, declared or streamed, and the upstream never sees them", async () => {
    const seen = upstream.seen.length;
    const declared = await tryIt("/2.1.0/orders", { method: "POST", body: "x".repeat(MAX_BODY + 1) });
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ type: "https://portico.dev/problems/payload-too-large", detail: `Request bodies may be at most ${MAX_BODY} bytes.` });
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1_000).fill(120));
        controller.close();
      },
    });
    const streamed = await tryIt("/2.1.0/orders", { method: "POST", body: stream });
    expect(streamed.status).toBe(413);
    expect(upstream.seen.length).toBe(seen);
    expect((await tryIt("/2.1.0/orders", { method: "POST", body: "x".repeat(MAX_BODY) })).status).toBe(201);
  });
});

describe("keyless APIs and the docs page's picker", () => {
  it("the picker lists the viewer's applications with an ACTIVE subscription, for DEVELOPER and up only", async () => {
    const choices = await tryItChoices(world.consumer.members.DEVELOPER.actor, world.slug);
    expect(choices).toMatchObject({ signedIn: true, keyless: false, applications: [{ id: world.applicationId, team: { slug: world.consumer.team.slug } }] });
    expect((await tryItChoices(world.consumer.members.VIEWER.actor, world.slug)).applications).toEqual([]);
    expect((await tryItChoices(outsider.actor, world.slug)).applications).toEqual([]);
    expect(await tryItChoices(null, world.slug)).toEqual({ signedIn: false, keyless: false, applications: [] });
  });

  it("once the team makes the API keyless, it can be tried without an application, limited per viewer", async () => {
    await updateApiSettings(world.provider.members.ADMIN.actor, world.slug, { keyless: true });
    sessionUserId = outsider.id;
    const seen = upstream.seen.length;
    // Every gateway applies the change within a second (LISTEN/NOTIFY).
    await within(3_000, async () => (await tryIt("/2.1.0/open", { application: null })).status === 200);
    expect(upstream.seen.length).toBeGreaterThan(seen);
    expect(upstream.seen.at(-1)!.headers["x-portico-application-id"]).toBeUndefined();
    // All try-it calls come from Portico's one address: the gateway counts
    // each viewer apart, not all of them against that address.
    for (let i = 1; i < KEYLESS_PER_MINUTE; i++) expect((await tryIt("/2.1.0/open", { application: null })).status).toBe(200);
    const over = await tryIt("/2.1.0/open", { application: null });
    expect(over.status).toBe(429);
    sessionUserId = world.consumer.members.VIEWER.id;
    expect((await tryIt("/2.1.0/open", { application: null })).status).toBe(200);
    sessionUserId = outsider.id;
    expect((await tryItChoices(outsider.actor, world.slug)).keyless).toBe(true);
    await updateApiSettings(world.provider.members.ADMIN.actor, world.slug, { keyless: false });
  });
});

describe("a revoked subscription", () => {
  it("is refused by Portico at once", async () => {
    const viewerAsDeveloper = await makeUser({ name: "Second developer" });
    await addMember(world.consumer.team.id, viewerAsDeveloper, "DEVELOPER");
    sessionUserId = viewerAsDeveloper.id;
    expect((await tryIt("/2.1.0/orders")).status).toBe(200);
    await applySubscriptionAction(world.provider.members.ADMIN.actor, world.subscriptionId, { action: "revoke", reason: "Moved to another plan." });
    const answer = await tryIt("/2.1.0/orders");
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ type: "https://portico.dev/problems/try-it-not-subscribed" });
  });
});
