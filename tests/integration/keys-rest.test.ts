// The key, verification and gateway-credential routes of /api/v1, called as
// functions with real Requests against the real database.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { hashSecret } from "@/lib/crypto";
import { createGatewayCredential } from "@/lib/keys/gateway-credentials";

// Outside Next there is no request scope for next-auth's cookie session; the
// tests choose who the session belongs to (nobody, unless a test says so).
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as keysRoute from "@/app/api/v1/applications/[id]/keys/route";
import * as keyRoute from "@/app/api/v1/applications/[id]/keys/[keyId]/route";
import * as rotateRoute from "@/app/api/v1/applications/[id]/keys/[keyId]/rotate/route";
import * as verifyRoute from "@/app/api/v1/keys/verify/route";
import * as credentialsRoute from "@/app/api/v1/gateway-credentials/route";
import * as credentialRoute from "@/app/api/v1/gateway-credentials/[id]/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { makeApplication, makeKey, makePeople, makeWorld, type People, type World } from "./access-fixtures";
import { db, snapshotDatabase, type TestUser } from "./helpers";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

const PROBLEMS = "https://portico.dev/problems";

interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

async function call(handler: unknown, method: string, path: string, options: CallOptions = {}) {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers.set("content-type", "application/json");
  const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body });
  const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { response, status: response.status, text, json: text ? JSON.parse(text) : null };
}

function expectProblem(result: Awaited<ReturnType<typeof call>>, status: number, type: string) {
  expect({ status: result.status, contentType: result.response.headers.get("content-type"), type: result.json?.type }).toEqual({
    status,
    contentType: "application/problem+json",
    type: `${PROBLEMS}/${type}`,
  });
  expect(result.json).toMatchObject({ title: expect.any(String), detail: expect.any(String) });
}

let people: People;
let world: World;
const tokenOf = (user: TestUser) => people.tokens.get(user.id)!;
const keysPath = () => ({ path: `/applications/${world.application.id}/keys`, params: { id: world.application.id } });
const keyPath = (keyId: string) => ({ path: `/applications/${world.application.id}/keys/${keyId}`, params: { id: world.application.id, keyId } });

beforeAll(async () => {
  people = await makePeople();
});

beforeEach(async () => {
  session.userId = null;
  world = await makeWorld(people);
});

describe("POST and GET /applications/{id}/keys", () => {
  it("creates a key (201) whose secret is in this answer only; the list never has the key or its hash", async () => {
    const developer = people.consumer.members.DEVELOPER;
    const { path, params } = keysPath();

    const created = await call(keysRoute.POST, "POST", path, { token: tokenOf(developer), params, body: { name: "backend", expiresInDays: 30 } });

    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      applicationId: world.application.id,
      name: "backend",
      status: "ACTIVE",
      prefix: created.json.secret.slice(0, 12),
      expiresAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
      replacedBy: null,
      createdBy: { id: developer.id, email: developer.email },
    });
    expect(created.json.secret).toMatch(/^ptk_[0-9A-Za-z]{49}$/);
    expect(created.response.headers.get("location")).toBe(`/api/v1/applications/${world.application.id}/keys/${created.json.id}`);

    const listed = await call(keysRoute.GET, "GET", path, { token: tokenOf(people.consumer.members.VIEWER), params });
    expect(listed.status).toBe(200);
    const shown = { ...created.json };
    delete shown.secret;
    expect(listed.json).toEqual({ items: [shown], nextCursor: null });
    expect(listed.text).not.toContain("keyHash");
    expect(listed.text).not.toContain(hashSecret(created.json.secret));
    expect(listed.text).not.toMatch(/ptk_[0-9A-Za-z]{49}/);

    const one = await call(keyRoute.GET, "GET", keyPath(created.json.id).path, { token: tokenOf(developer), params: keyPath(created.json.id).params });
    expect(one.json).toEqual(listed.json.items[0]);
    expect(one.text).not.toContain("keyHash");
  });

  it("with an Idempotency-Key, a retried create answers the same key, without its secret, and makes one", async () => {
    const { path, params } = keysPath();
    const request = () => call(keysRoute.POST, "POST", path, { token: tokenOf(people.consumer.members.DEVELOPER), params, body: { name: "retry" }, headers: { "idempotency-key": "key-retry-1" } });
    const first = await request();
    const retry = await request();
    expect(first.status).toBe(201);
    expect(first.json.secret).toMatch(/^ptk_/);
    const { secret, ...withoutSecret } = first.json;
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(withoutSecret);
    expect(retry.response.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.response.headers.get("location")).toBe(first.response.headers.get("location"));
    expect(await db.apiKey.count({ where: { applicationId: world.application.id } })).toBe(1);
    // The record that makes the replay possible does not keep the key.
    expect(JSON.stringify(await snapshotDatabase())).not.toContain(secret);
  });

  it("a retried rotation answers the same replacement without its secret, and a retried gateway credential likewise", async () => {
    const { key } = await makeKey(people, world);
    const one = keyPath(key.id);
    const rotate = () => call(rotateRoute.POST, "POST", `${one.path}/rotate`, { token: tokenOf(people.consumer.members.DEVELOPER), params: one.params, body: { graceSeconds: 60 }, headers: { "idempotency-key": "rotate-1" } });
    const first = await rotate();
    const retry = await rotate();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json.key.id).toBe(first.json.key.id);
    expect(retry.json.key).not.toHaveProperty("secret");
    expect(await db.apiKey.count({ where: { applicationId: world.application.id } })).toBe(2);

    const create = () => call(credentialsRoute.POST, "POST", "/gateway-credentials", { token: tokenOf(people.platformAdmin), body: { name: "edge" }, headers: { "idempotency-key": "gw-retry" } });
    const created = await create();
    const again = await create();
    expect(again.json.id).toBe(created.json.id);
    expect(again.json).not.toHaveProperty("secret");

    const everything = JSON.stringify(await snapshotDatabase());
    expect(everything).not.toContain(first.json.key.secret);
    expect(everything).not.toContain(created.json.secret);
  });

  it("answers 409 no-active-subscription for an application without an approved subscription", async () => {
    const other = await makeApplication(people.consumer.team.id, "Unapproved");
    const result = await call(keysRoute.POST, "POST", `/applications/${other.id}/keys`, { token: tokenOf(people.consumer.members.DEVELOPER), params: { id: other.id }, body: { name: "x" } });
    expectProblem(result, 409, "no-active-subscription");
    expect(await db.apiKey.count()).toBe(0);
  });

  it("answers 422 with a pointer for a bad expiry", async () => {
    const { path, params } = keysPath();
    const result = await call(keysRoute.POST, "POST", path, { token: tokenOf(people.consumer.members.DEVELOPER), params, body: { name: "x", expiresInDays: 1000 } });
    expectProblem(result, 422, "validation");
    expect(result.json.errors).toEqual([{ pointer: "/expiresInDays", detail: expect.any(String) }]);
  });

  it.each([
    ["a VIEWER of the team", 403, "forbidden", "VIEWER"],
    ["a member of another team", 404, "not-found", "outsider"],
    ["nobody", 401, "unauthenticated", "nobody"],
  ] as const)("refuses %s with %i %s on create, rotate and revoke, and nothing changes", async (_label, status, type, who) => {
    const { key } = await makeKey(people, world);
    const token = who === "VIEWER" ? tokenOf(people.consumer.members.VIEWER) : who === "outsider" ? tokenOf(people.outsider) : undefined;
    const before = await snapshotDatabase();

    const { path, params } = keysPath();
    expectProblem(await call(keysRoute.POST, "POST", path, { token, params, body: { name: "intruder" } }), status, type);
    const one = keyPath(key.id);
    expectProblem(await call(rotateRoute.POST, "POST", `${one.path}/rotate`, { token, params: one.params, body: { graceSeconds: 0 } }), status, type);
    expectProblem(await call(keyRoute.DELETE, "DELETE", one.path, { token, params: one.params }), status, type);
    if (who !== "VIEWER") expectProblem(await call(keysRoute.GET, "GET", path, { token, params }), status, type);

    expect(await snapshotDatabase()).toEqual(before);
  });
});

describe("rotating and revoking through REST", () => {
  it("rotates (201: the new key with its secret, the old one EXPIRING), revokes (204), and a second revoke is 409", async () => {
    const { key } = await makeKey(people, world);
    const token = tokenOf(people.consumer.members.DEVELOPER);
    const one = keyPath(key.id);

    const rotated = await call(rotateRoute.POST, "POST", `${one.path}/rotate`, { token, params: one.params, body: { graceSeconds: 3600 } });
    expect(rotated.status).toBe(201);
    expect(rotated.json).toMatchObject({
      key: { name: "backend", status: "ACTIVE", secret: expect.stringMatching(/^ptk_/) },
      previous: { id: key.id, status: "EXPIRING", replacedBy: rotated.json.key.id },
    });
    expect(rotated.json.previous).not.toHaveProperty("secret");

    const again = await call(rotateRoute.POST, "POST", `${one.path}/rotate`, { token, params: one.params, body: { graceSeconds: 0 } });
    expectProblem(again, 409, "key-rotated");

    const tooLong = await call(rotateRoute.POST, "POST", `${keyPath(rotated.json.key.id).path}/rotate`, { token, params: keyPath(rotated.json.key.id).params, body: { graceSeconds: 31 * 86_400 } });
    expectProblem(tooLong, 422, "validation");
    expect(tooLong.json.errors).toEqual([{ pointer: "/graceSeconds", detail: expect.stringMatching(/30 days/) }]);

    const revoked = await call(keyRoute.DELETE, "DELETE", one.path, { token, params: one.params });
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe("");
    expectProblem(await call(keyRoute.DELETE, "DELETE", one.path, { token, params: one.params }), 409, "key-revoked");
    expectProblem(await call(keyRoute.DELETE, "DELETE", keyPath("nope").path, { token, params: keyPath("nope").params }), 404, "not-found");
  });
});

describe("POST /keys/verify", () => {
  let gateway: string;
  beforeEach(async () => {
    gateway = (await createGatewayCredential(people.platformAdmin.actor, { name: "gateway" })).secret;
  });

  const verify = (body: unknown, options: { token?: string; query?: string } = {}) => call(verifyRoute.POST, "POST", `/keys/verify${options.query ?? ""}`, { token: options.token ?? gateway, body });

  it("answers 200 with the verdict, allowed or not", async () => {
    const { key, secret } = await makeKey(people, world);

    const allowed = await verify({ key: secret, api: "payments", version: "v2" });
    expect(allowed.status).toBe(200);
    expect(allowed.json).toEqual({
      allowed: true,
      application: { id: world.application.id, name: "Checkout", teamId: people.consumer.team.id },
      subscription: { id: world.subscription.id, plan: { id: world.plan.id, name: "Gold", limitUnit: "REQUESTS", rateLimitPerMinute: 600, monthlyQuota: "10000000000" } },
      version: { version: "2.1.0", state: "PUBLISHED", sunsetAt: null, replacement: null },
    });
    expect((await verify({ key: secret, api: "payments", version: "1.5.0" })).json.version).toEqual({ version: "1.5.0", state: "DEPRECATED", sunsetAt: "2031-01-15T12:00:00.000Z", replacement: "2.1.0" });

    expect((await verify({ key: secret, api: "payments", version: "1.0.0" })).json).toMatchObject({ allowed: false, reason: "version-retired", version: { state: "RETIRED" } });
    expect((await verify({ key: "ptk_typo", api: "payments", version: "v2" })).json).toEqual({ allowed: false, reason: "invalid-key" });

    await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const refused = await verify({ key: secret, api: "payments", version: "v2" });
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ allowed: false, reason: "key-revoked", application: { id: world.application.id, name: "Checkout", teamId: people.consumer.team.id } });
    expect(refused.text).not.toContain(secret);
  });

  it.each(["key", "api_key", "apikey", "API_KEY"])("refuses a key in the query string (?%s=) with 400 key-in-query", async (name) => {
    const { secret } = await makeKey(people, world);
    const result = await verify({ key: secret, api: "payments", version: "v2" }, { query: `?${name}=${secret}` });
    expectProblem(result, 400, "key-in-query");
    expect(result.json.detail).toMatch(/never accepted in a query string/);
    expect(result.text).not.toContain(secret);
    expect((await db.apiKey.findFirstOrThrow({ select: { lastUsedAt: true } })).lastUsedAt).toBeNull();
  });

  it("is for gateways only: a personal access token, a session, nothing or a revoked credential is 401", async () => {
    const { secret } = await makeKey(people, world);
    const body = { key: secret, api: "payments", version: "v2" };

    for (const user of [people.platformAdmin, people.consumer.members.OWNER]) {
      const result = await verify(body, { token: tokenOf(user) });
      expectProblem(result, 401, "invalid-gateway-credential");
      expect(result.response.headers.get("www-authenticate")).toBe('Bearer realm="portico"');
    }

    session.userId = people.platformAdmin.id;
    expectProblem(await call(verifyRoute.POST, "POST", "/keys/verify", { body, headers: { origin: "http://localhost" } }), 401, "invalid-gateway-credential");
    session.userId = null;
    expectProblem(await call(verifyRoute.POST, "POST", "/keys/verify", { body }), 401, "invalid-gateway-credential");
    expectProblem(await verify(body, { token: secret }), 401, "invalid-gateway-credential");

    await db.gatewayCredential.updateMany({ data: { revokedAt: new Date() } });
    expectProblem(await verify(body), 401, "invalid-gateway-credential");
    // None of these used the key.
    expect((await db.apiKey.findFirstOrThrow({ select: { lastUsedAt: true } })).lastUsedAt).toBeNull();
  });

  it("answers 422 with pointers for a body without key, api or version", async () => {
    const result = await verify({ key: "" });
    expectProblem(result, 422, "validation");
    expect(result.json.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual(["/api", "/key", "/version"]);
  });
});

describe("/gateway-credentials", () => {
  it("a platform admin creates (201, secret once), lists (no hash) and revokes (204, then 409)", async () => {
    const admin = tokenOf(people.platformAdmin);
    const created = await call(credentialsRoute.POST, "POST", "/gateway-credentials", { token: admin, body: { name: "edge" }, headers: { "idempotency-key": "gw-1" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "edge", prefix: created.json.secret.slice(0, 13), revokedAt: null, createdBy: { id: people.platformAdmin.id } });
    expect(created.json.secret).toMatch(/^ptc_gw_/);

    const listed = await call(credentialsRoute.GET, "GET", "/gateway-credentials", { token: admin });
    expect(listed.json.items.map((item: { id: string }) => item.id)).toEqual([created.json.id]);
    expect(listed.text).not.toContain("secretHash");
    expect(listed.text).not.toContain(created.json.secret);

    const params = { id: created.json.id };
    expect((await call(credentialRoute.DELETE, "DELETE", `/gateway-credentials/${created.json.id}`, { token: admin, params })).status).toBe(204);
    expectProblem(await call(credentialRoute.DELETE, "DELETE", `/gateway-credentials/${created.json.id}`, { token: admin, params }), 409, "gateway-credential-revoked");
  });

  it("answers 403 to anyone else, 401 without credentials, and changes nothing", async () => {
    const { credential } = await createGatewayCredential(people.platformAdmin.actor, { name: "edge" });
    const before = await snapshotDatabase();
    const owner = tokenOf(people.consumer.members.OWNER);
    expectProblem(await call(credentialsRoute.POST, "POST", "/gateway-credentials", { token: owner, body: { name: "mine" } }), 403, "forbidden");
    expectProblem(await call(credentialsRoute.GET, "GET", "/gateway-credentials", { token: owner }), 403, "forbidden");
    expectProblem(await call(credentialRoute.DELETE, "DELETE", `/gateway-credentials/${credential.id}`, { token: owner, params: { id: credential.id } }), 403, "forbidden");
    expectProblem(await call(credentialsRoute.GET, "GET", "/gateway-credentials"), 401, "unauthenticated");
    expect(await snapshotDatabase()).toEqual(before);
  });
});

describe("openapi.json", () => {
  it("documents the key routes, and the verify route with the gateway's own security scheme", async () => {
    const document = (await call(openapiRoute.GET, "GET", "/openapi.json")).json;
    expect(document.components.securitySchemes.gatewayCredential).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/keys/verify"].post.security).toEqual([{ gatewayCredential: [] }]);
    expect(document.paths["/keys/verify"].post.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/KeyVerification" });
    expect(Object.keys(document.paths["/applications/{id}/keys"]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(document.paths["/applications/{id}/keys/{keyId}"]).sort()).toEqual(["delete", "get"]);
    expect(document.paths["/applications/{id}/keys/{keyId}/rotate"].post.security).toEqual([{ personalAccessToken: [] }]);
    expect(document.components.schemas.NewApiKey.properties).toHaveProperty("secret");
    expect(document.components.schemas.ApiKey.properties).not.toHaveProperty("secret");
  });
});
