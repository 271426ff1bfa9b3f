// The /api/v1 route handlers, called as functions with real Requests against
// the real database.
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createTeam } from "@/lib/teams/teams";
import { REPO_ROOT } from "./database";
import { db, makePat, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";

// Outside Next there is no request scope for next-auth's cookie session; the
// tests choose who the session belongs to (nobody, unless a test says so).
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as meRoute from "@/app/api/v1/me/route";
import * as teamsRoute from "@/app/api/v1/teams/route";
import * as teamRoute from "@/app/api/v1/teams/[slug]/route";
import * as membersRoute from "@/app/api/v1/teams/[slug]/members/route";
import * as memberRoute from "@/app/api/v1/teams/[slug]/members/[userId]/route";
import * as invitationsRoute from "@/app/api/v1/teams/[slug]/invitations/route";
import * as auditRoute from "@/app/api/v1/audit-events/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

const BASE = "http://localhost/api/v1";
const PROBLEMS = "https://portico.dev/problems";

interface CallOptions {
  token?: string;
  authorization?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

async function call(handler: unknown, method: string, path: string, options: CallOptions = {}) {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.authorization) headers.set("authorization", options.authorization);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const request = new Request(`${BASE}${path}`, { method, headers, body });
  const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { response, status: response.status, json: text ? JSON.parse(text) : null };
}

/** Asserts an RFC 9457 answer: status, content type, stable type URI, the usual fields. */
function expectProblem(result: Awaited<ReturnType<typeof call>>, status: number, type: string) {
  expect({ status: result.status, contentType: result.response.headers.get("content-type") }).toEqual({ status, contentType: "application/problem+json" });
  expect(result.json).toMatchObject({ type: `${PROBLEMS}/${type}`, status, title: expect.any(String), detail: expect.any(String) });
  expect(result.response.headers.get("x-request-id")).toBe(result.json.requestId);
}

/**
 * Uses the token once, so its lastUsedAt is written now and not again for
 * 30 s: then a snapshot taken after this shows only what the request did.
 */
async function warmUp(token: string) {
  expect((await call(meRoute.GET, "GET", "/me", { token })).status).toBe(200);
}

let acme: TestTeam;
/** The OWNER of another team, "globex", its only member. */
let globexOwner: TestUser;
let tokens: Record<"OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER" | "globexOwner", string>;

beforeEach(async () => {
  session.userId = null;
  await resetDatabase();
  acme = await makeTeam({ slug: "acme", name: "Acme" });
  globexOwner = await makeUser();
  await createTeam(globexOwner.actor, { slug: "globex", name: "Globex" });
  tokens = {
    OWNER: (await makePat(acme.members.OWNER)).secret,
    ADMIN: (await makePat(acme.members.ADMIN)).secret,
    DEVELOPER: (await makePat(acme.members.DEVELOPER)).secret,
    VIEWER: (await makePat(acme.members.VIEWER)).secret,
    globexOwner: (await makePat(globexOwner)).secret,
  };
});

describe("authentication", () => {
  it("answers 401 problem+json without credentials", async () => {
    const result = await call(meRoute.GET, "GET", "/me");
    expectProblem(result, 401, "unauthenticated");
    expect(result.response.headers.get("www-authenticate")).toBe('Bearer realm="portico"');
    expect(result.json.instance).toBe("/api/v1/me");
  });

  it.each([
    ["an unknown token", "Bearer ptc_pat_thisisnotarealtoken"],
    ["a token without the prefix", "Bearer abc"],
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
  ])("answers 401 invalid-token for %s", async (_label, authorization) => {
    const result = await call(meRoute.GET, "GET", "/me", { authorization });
    expectProblem(result, 401, "invalid-token");
    expect(result.response.headers.get("www-authenticate")).toBe('Bearer realm="portico"');
  });

  it("answers 401 for a revoked or expired token", async () => {
    const revoked = await makePat(acme.members.OWNER);
    await db.personalAccessToken.update({ where: { id: revoked.token.id }, data: { revokedAt: new Date() } });
    expectProblem(await call(meRoute.GET, "GET", "/me", { token: revoked.secret }), 401, "invalid-token");
    const expired = await makePat(acme.members.OWNER);
    await db.personalAccessToken.update({ where: { id: expired.token.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expectProblem(await call(meRoute.GET, "GET", "/me", { token: expired.secret }), 401, "invalid-token");
  });

  it("a bad token is refused even when a session is present", async () => {
    session.userId = acme.members.OWNER.id;
    expectProblem(await call(meRoute.GET, "GET", "/me", { authorization: "Bearer ptc_pat_nope" }), 401, "invalid-token");
  });

  it("answers the caller for a valid token, with a request id", async () => {
    const result = await call(meRoute.GET, "GET", "/me", { token: tokens.DEVELOPER, headers: { "x-request-id": "trace-123" } });
    expect(result.status).toBe(200);
    expect(result.response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(result.response.headers.get("x-request-id")).toBe("trace-123");
    const developer = acme.members.DEVELOPER;
    expect(result.json).toEqual({ id: developer.id, email: developer.email, name: developer.name, platformRole: "MEMBER" });
  });

  it("refuses a cookie session that writes from another site, and accepts it from Portico's own pages", async () => {
    session.userId = acme.members.OWNER.id;
    const body = { name: "From the browser", slug: "browser" };
    expectProblem(await call(teamsRoute.POST, "POST", "/teams", { body }), 403, "cross-site");
    expectProblem(await call(teamsRoute.POST, "POST", "/teams", { body, headers: { origin: "https://evil.example" } }), 403, "cross-site");
    expect(await db.team.count({ where: { slug: "browser" } })).toBe(0);

    const sameSite = await call(teamsRoute.POST, "POST", "/teams", { body, headers: { origin: "http://localhost" } });
    expect(sameSite.status).toBe(201);
    // Reading needs no origin.
    expect((await call(meRoute.GET, "GET", "/me")).json.id).toBe(acme.members.OWNER.id);
  });
});

describe("teams", () => {
  it("lists the caller's teams", async () => {
    const result = await call(teamsRoute.GET, "GET", "/teams", { token: tokens.VIEWER });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({
      items: [{ id: acme.team.id, slug: "acme", name: "Acme", description: null, role: "VIEWER", memberCount: 4, apiCount: 0, createdAt: expect.any(String) }],
      nextCursor: null,
    });
  });

  it("paginates with limit and cursor, and refuses a limit over 100 with a pointer", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    const { secret } = await makePat(root);
    const first = await call(teamsRoute.GET, "GET", "/teams?all=true&limit=1", { token: secret });
    expect(first.json.items.map((team: { slug: string }) => team.slug)).toEqual(["acme"]);
    const second = await call(teamsRoute.GET, "GET", `/teams?all=true&limit=1&cursor=${first.json.nextCursor}`, { token: secret });
    expect(second.json).toMatchObject({ items: [{ slug: "globex" }], nextCursor: null });

    const tooMany = await call(teamsRoute.GET, "GET", "/teams?limit=101", { token: secret });
    expectProblem(tooMany, 422, "validation");
    expect(tooMany.json.errors).toEqual([{ pointer: "/limit", detail: expect.any(String) }]);
  });

  it("creates a team with 201 and a location", async () => {
    const result = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.DEVELOPER, body: { name: "Initech", slug: "initech" } });
    expect(result.status).toBe(201);
    expect(result.response.headers.get("location")).toBe("/api/v1/teams/initech");
    expect(result.json).toMatchObject({ slug: "initech", name: "Initech", role: "OWNER", memberCount: 1 });
    expect(await db.membership.findFirst({ where: { team: { slug: "initech" } }, select: { userId: true, role: true } })).toEqual({ userId: acme.members.DEVELOPER.id, role: "OWNER" });
  });

  it("answers 409 slug-taken for a taken slug", async () => {
    const result = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.DEVELOPER, body: { name: "Acme again", slug: "acme" } });
    expectProblem(result, 409, "slug-taken");
  });

  it("answers 422 with a JSON pointer per invalid field", async () => {
    await warmUp(tokens.OWNER);
    const before = await snapshotDatabase();
    const result = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body: { name: "", slug: "Not A Slug!", description: 42 } });

    expectProblem(result, 422, "validation");
    const pointers = (result.json.errors as { pointer: string; detail: string }[]).map((error) => error.pointer).sort();
    expect(pointers).toEqual(["/description", "/name", "/slug"]);
    for (const error of result.json.errors) expect(error.detail).toEqual(expect.any(String));
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const result = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, rawBody: '{"name": "Broken", "slug": ' });
    expectProblem(result, 400, "malformed-json");
    expect(await db.team.count()).toBe(2);
  });

  it("answers 413 for a body over the limit", async () => {
    const huge = JSON.stringify({ name: "Huge", slug: "huge", description: "x".repeat(1_000_001) });
    const result = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, rawBody: huge });
    expectProblem(result, 413, "payload-too-large");
    // Also when only the declared length is over the limit.
    const declared = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body: { name: "Huge", slug: "huge" }, headers: { "content-length": "2000000" } });
    expectProblem(declared, 413, "payload-too-large");
    expect(await db.team.count({ where: { slug: "huge" } })).toBe(0);
  });

  it("answers 404 for another team's team, the same as for a missing one", async () => {
    const other = await call(teamRoute.GET, "GET", "/teams/globex", { token: tokens.OWNER, params: { slug: "globex" } });
    const missing = await call(teamRoute.GET, "GET", "/teams/nope", { token: tokens.OWNER, params: { slug: "nope" } });
    expectProblem(other, 404, "not-found");
    expectProblem(missing, 404, "not-found");
    expect(other.json.detail).toBe(missing.json.detail);
    expect(JSON.stringify(other.json)).not.toContain("Globex");

    const patch = await call(teamRoute.PATCH, "PATCH", "/teams/globex", { token: tokens.OWNER, params: { slug: "globex" }, body: { name: "Hijacked" } });
    expectProblem(patch, 404, "not-found");
    expect((await db.team.findUniqueOrThrow({ where: { slug: "globex" } })).name).toBe("Globex");
  });

  it("lets the OWNER change the team's settings, and answers 403 to an ADMIN", async () => {
    const denied = await call(teamRoute.PATCH, "PATCH", "/teams/acme", { token: tokens.ADMIN, params: { slug: "acme" }, body: { name: "Acme by admin" } });
    expectProblem(denied, 403, "forbidden");

    const result = await call(teamRoute.PATCH, "PATCH", "/teams/acme", { token: tokens.OWNER, params: { slug: "acme" }, body: { name: "Acme Inc", description: "Rockets" } });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ slug: "acme", name: "Acme Inc", description: "Rockets", role: "OWNER" });
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer and creates only one team", async () => {
    const body = { name: "Once", slug: "once" };
    const headers = { "idempotency-key": "create-once-1" };

    const first = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body, headers });
    const retry = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body, headers });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.response.headers.get("idempotent-replayed")).toBe("true");
    expect(await db.team.count({ where: { slug: "once" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "team.created", team: { slug: "once" } } })).toBe(1);
  });

  it("refuses the same key with another body (422), and scopes keys per user", async () => {
    const headers = { "idempotency-key": "shared-key" };
    expect((await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body: { name: "First", slug: "first" }, headers })).status).toBe(201);

    const reused = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body: { name: "Second", slug: "second" }, headers });
    expectProblem(reused, 422, "idempotency-key-reused");
    expect(await db.team.count({ where: { slug: "second" } })).toBe(0);

    // Another user's identical key is theirs alone.
    const other = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.DEVELOPER, body: { name: "Second", slug: "second" }, headers });
    expect(other.status).toBe(201);
    expect(other.response.headers.get("idempotent-replayed")).toBeNull();
  });

  it("a failed first attempt does not stick: the retry runs again", async () => {
    const headers = { "idempotency-key": "retry-after-conflict" };
    const body = { name: "Taken", slug: "taken" };
    await db.team.create({ data: { name: "Squatter", slug: "taken" } });
    expectProblem(await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body, headers }), 409, "slug-taken");

    await db.team.delete({ where: { slug: "taken" } });
    const retry = await call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.response.headers.get("idempotent-replayed")).toBeNull();
  });

  it("two simultaneous requests with one key create one team", async () => {
    const request = () => call(teamsRoute.POST, "POST", "/teams", { token: tokens.OWNER, body: { name: "Racy", slug: "racy" }, headers: { "idempotency-key": "racy-1" } });
    const results = await Promise.all([request(), request()]);

    expect(results.some((result) => result.status === 201)).toBe(true);
    for (const result of results) expect([201, 409]).toContain(result.status);
    expect(await db.team.count({ where: { slug: "racy" } })).toBe(1);
  });

  it("works for invitations too", async () => {
    const headers = { "idempotency-key": "invite-grace" };
    const body = { email: "grace@example.test", role: "DEVELOPER" };
    const first = await call(invitationsRoute.POST, "POST", "/teams/acme/invitations", { token: tokens.ADMIN, params: { slug: "acme" }, body, headers });
    const retry = await call(invitationsRoute.POST, "POST", "/teams/acme/invitations", { token: tokens.ADMIN, params: { slug: "acme" }, body, headers });
    expect(first.status).toBe(201);
    expect(first.json.link).toMatch(/\/invitations\/ptc_inv_/);
    expect(retry.json.id).toBe(first.json.id);
    expect(await db.invitation.count({ where: { email: "grace@example.test" } })).toBe(1);
  });
});

describe("members", () => {
  const memberPath = (userId: string) => ({ path: `/teams/acme/members/${userId}`, params: { slug: "acme", userId } });

  it("lists members for any member", async () => {
    const result = await call(membersRoute.GET, "GET", "/teams/acme/members", { token: tokens.VIEWER, params: { slug: "acme" } });
    expect(result.status).toBe(200);
    expect(result.json.items.map((member: { role: string }) => member.role)).toEqual(["OWNER", "ADMIN", "DEVELOPER", "VIEWER"]);
    expect(result.json.nextCursor).toBeNull();
  });

  it("answers 403 to a VIEWER changing a role, and changes nothing", async () => {
    await warmUp(tokens.VIEWER);
    const before = await snapshotDatabase();
    const { path, params } = memberPath(acme.members.DEVELOPER.id);

    const result = await call(memberRoute.PATCH, "PATCH", path, { token: tokens.VIEWER, params, body: { role: "ADMIN" } });

    expectProblem(result, 403, "forbidden");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("lets the OWNER change a role, with the member in the answer", async () => {
    const { path, params } = memberPath(acme.members.DEVELOPER.id);
    const result = await call(memberRoute.PATCH, "PATCH", path, { token: tokens.OWNER, params, body: { role: "ADMIN" } });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ userId: acme.members.DEVELOPER.id, role: "ADMIN" });
  });

  it("answers 422 with a pointer for an unknown role", async () => {
    const { path, params } = memberPath(acme.members.DEVELOPER.id);
    const result = await call(memberRoute.PATCH, "PATCH", path, { token: tokens.OWNER, params, body: { role: "SUPERUSER" } });
    expectProblem(result, 422, "validation");
    expect(result.json.errors).toEqual([{ pointer: "/role", detail: expect.any(String) }]);
  });

  it("removes a member with 204; the last OWNER leaving gets 409 last-owner", async () => {
    const { path, params } = memberPath(acme.members.VIEWER.id);
    const removed = await call(memberRoute.DELETE, "DELETE", path, { token: tokens.OWNER, params });
    expect(removed.status).toBe(204);
    expect(removed.json).toBeNull();
    expect(await db.membership.count({ where: { teamId: acme.team.id, userId: acme.members.VIEWER.id } })).toBe(0);

    const own = memberPath(acme.members.OWNER.id);
    expectProblem(await call(memberRoute.DELETE, "DELETE", own.path, { token: tokens.OWNER, params: own.params }), 409, "last-owner");

    // Anyone else may leave by deleting their own membership.
    const developer = memberPath(acme.members.DEVELOPER.id);
    expect((await call(memberRoute.DELETE, "DELETE", developer.path, { token: tokens.DEVELOPER, params: developer.params })).status).toBe(204);
  });
});

describe("audit events", () => {
  it("answers a team's events to its ADMIN, 403 to a DEVELOPER, 404 to a non-member", async () => {
    await call(teamRoute.PATCH, "PATCH", "/teams/acme", { token: tokens.OWNER, params: { slug: "acme" }, body: { name: "Acme Inc" } });
    const first = await call(auditRoute.GET, "GET", "/audit-events?team=acme&limit=1", { token: tokens.ADMIN });
    expect(first.status).toBe(200);
    expect(first.json.items.map((event: { action: string }) => event.action)).toEqual(["team.updated"]);
    expect(first.json.nextCursor).toBe(first.json.items[0].id);
    const second = await call(auditRoute.GET, "GET", `/audit-events?team=acme&limit=1&cursor=${first.json.nextCursor}`, { token: tokens.ADMIN });
    expect(second.json.items.map((event: { action: string }) => event.action)).toEqual(["team.created"]);
    expect(second.json.nextCursor).toBeNull();
    expect(second.json.items[0]).toMatchObject({ team: { slug: "acme", name: "Acme Inc" }, actorId: acme.members.OWNER.id, createdAt: expect.any(String) });

    expectProblem(await call(auditRoute.GET, "GET", "/audit-events?team=acme", { token: tokens.DEVELOPER }), 403, "forbidden");
    expectProblem(await call(auditRoute.GET, "GET", "/audit-events?team=acme", { token: tokens.globexOwner }), 404, "not-found");
  });
});

describe("unexpected failures", () => {
  it("are a generic 500 problem that leaks nothing", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const spy = vi.spyOn(db.team, "findMany").mockRejectedValueOnce(new Error("connection to postgresql://portico:hunter2@db failed"));
    try {
      const result = await call(teamsRoute.GET, "GET", "/teams", { token: tokens.OWNER });
      expectProblem(result, 500, "internal");
      expect(JSON.stringify(result.json)).not.toContain("hunter2");
      expect(log).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
  });
});

// ---------------------------------------------------------------------------
// /api/v1/openapi.json
// ---------------------------------------------------------------------------

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const API_ROOT = join(REPO_ROOT, "app", "api", "v1");

/** Every route file under app/api/v1, as its OpenAPI path ("/teams/{slug}"). */
function routeFiles(directory = API_ROOT): { file: string; path: string }[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = join(directory, entry);
    if (statSync(full).isDirectory()) return routeFiles(full);
    if (entry !== "route.ts") return [];
    const segments = relative(API_ROOT, directory).split(sep).filter(Boolean);
    return [{ file: full, path: "/" + segments.map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/") }];
  });
}

describe("/api/v1/openapi.json", () => {
  it("is served without credentials", async () => {
    const result = await call(openapiRoute.GET, "GET", "/openapi.json");
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ openapi: "3.1.0", info: { title: expect.any(String) } });
  });

  it("lists every path and method the routes implement, and none they do not", async () => {
    const document = (await call(openapiRoute.GET, "GET", "/openapi.json")).json as { paths: Record<string, Record<string, unknown>> };
    const implemented: string[] = [];
    for (const route of routeFiles()) {
      // The document describes the API, not itself.
      if (route.path === "/openapi.json") continue;
      const handlers = (await import(route.file)) as Record<string, unknown>;
      for (const method of METHODS) if (typeof handlers[method] === "function") implemented.push(`${method.toLowerCase()} ${route.path}`);
    }
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).filter((key) => METHODS.includes(key.toUpperCase() as (typeof METHODS)[number])).map((method) => `${method} ${path}`));

    expect(implemented.length).toBeGreaterThanOrEqual(11);
    expect(documented.sort()).toEqual(implemented.sort());
  });

  it("documents problem+json errors and the bearer scheme", async () => {
    const document = (await call(openapiRoute.GET, "GET", "/openapi.json")).json;
    expect(document.components.securitySchemes.personalAccessToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/teams/{slug}"].patch.responses["403"].content).toHaveProperty(["application/problem+json"]);
  });
});
