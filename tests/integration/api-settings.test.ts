// API settings (details, visibility, gateway behaviour) and version upstreams:
// who may change them (the API team's ADMIN and up), the keyless rule, the
// audit rows, and the REST routes as functions with personal access tokens.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { MaybeActor } from "@/lib/authz/actor";
import { updateApiSettings, updateVersionUpstream } from "@/lib/apis/settings";
import { addMember, db, expectAppError, makePat, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";
import { DAY, makeApi, type CreatedApi } from "./access-fixtures";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

import * as apiRoute from "@/app/api/v1/apis/[slug]/route";
import * as upstreamRoute from "@/app/api/v1/apis/[slug]/versions/[version]/upstream/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

let owners: TestTeam;
let outsider: TestUser;
let platformAdmin: TestUser;
let api: CreatedApi;
const tokens = new Map<string, string>();

beforeAll(async () => {
  await resetDatabase();
  owners = await makeTeam({ slug: "orders-team", name: "Orders team" });
  outsider = await makeUser({ name: "Outsider" });
  await makeTeam({ slug: "elsewhere", owner: outsider });
  platformAdmin = await makeUser({ name: "Root", platformRole: "ADMIN" });
  for (const user of [...Object.values(owners.members), outsider, platformAdmin]) tokens.set(user.id, (await makePat(user)).secret);
  // In the future, a token's lastUsedAt is never rewritten during the run: snapshots show only what a call did.
  await db.personalAccessToken.updateMany({ data: { lastUsedAt: new Date(Date.now() + 365 * DAY) } });
});

beforeEach(async () => {
  await db.api.deleteMany();
  api = await makeApi(owners.team.id, "orders", [
    { version: "1.0.0", state: "RETIRED" },
    { version: "1.5.0", state: "DEPRECATED", sunsetAt: new Date(Date.now() + 60 * DAY) },
    { version: "2.0.0", state: "PUBLISHED" },
    { version: "2.1.0", state: "DRAFT" },
  ]);
  await db.api.update({ where: { id: api.id }, data: { visibility: "INTERNAL" } });
});

const stored = () => db.api.findUniqueOrThrow({ where: { id: api.id } });
const lastAudit = (action: string) => db.auditEvent.findFirst({ where: { action }, orderBy: { createdAt: "desc" } });

describe("updateApiSettings", () => {
  it("the team's ADMIN changes details and gateway settings; one audit row holds only what changed", async () => {
    const admin = owners.members.ADMIN;
    const result = await updateApiSettings(admin.actor, "orders", {
      name: "Orders",
      summary: "Place and track orders.",
      tags: "orders, commerce",
      category: "Commerce",
      contactEmail: "Orders@Example.test",
      minNoticeDays: 90,
      cacheEnabled: true,
      cacheTtlSeconds: 300,
    });
    expect(result).toMatchObject({ name: "Orders", tags: ["orders", "commerce"], category: "Commerce", contactEmail: "orders@example.test", minNoticeDays: 90, cacheEnabled: true, cacheTtlSeconds: 300, keyless: false });
    expect(await stored()).toMatchObject({ name: "Orders", summary: "Place and track orders.", minNoticeDays: 90, cacheEnabled: true, cacheTtlSeconds: 300, visibility: "INTERNAL" });
    const audit = await lastAudit("api.updated");
    expect(audit).toMatchObject({ actorId: admin.id, actorEmail: admin.email, requestId: admin.actor.requestId, teamId: owners.team.id, targetType: "api", targetId: api.id });
    expect(audit!.before).toEqual({ name: "API orders", summary: "", tags: [], category: null, contactEmail: null, minNoticeDays: 30, cacheEnabled: false, cacheTtlSeconds: 60 });
    expect(audit!.after).toEqual({ name: "Orders", summary: "Place and track orders.", tags: ["orders", "commerce"], category: "Commerce", contactEmail: "orders@example.test", minNoticeDays: 90, cacheEnabled: true, cacheTtlSeconds: 300 });

    // Clearing optional fields; the OWNER may too.
    await updateApiSettings(owners.members.OWNER.actor, "orders", { category: "", contactEmail: null });
    expect(await stored()).toMatchObject({ category: null, contactEmail: null });
  });

  it("a save that changes nothing writes no audit row", async () => {
    const before = await db.auditEvent.count();
    const current = await stored();
    await updateApiSettings(owners.members.ADMIN.actor, "orders", { name: current.name, visibility: current.visibility, cacheEnabled: current.cacheEnabled, keyless: false });
    expect(await db.auditEvent.count()).toBe(before);
  });

  it("keyless is refused with 422 unless the API is PUBLIC, and nothing changes", async () => {
    const snapshot = await snapshotDatabase();
    const error = await expectAppError(updateApiSettings(owners.members.ADMIN.actor, "orders", { keyless: true, summary: "changed" }), 422, "keyless-needs-public");
    expect(error.errors).toEqual([{ pointer: "/keyless", detail: expect.stringContaining("PUBLIC") }]);
    await expectAppError(updateApiSettings(owners.members.ADMIN.actor, "orders", { visibility: "PRIVATE", keyless: true }), 422, "keyless-needs-public");
    expect(await snapshotDatabase()).toEqual(snapshot);
  });

  it("keyless on a PUBLIC API; turning visibility away from PUBLIC turns it off", async () => {
    const admin = owners.members.ADMIN.actor;
    await updateApiSettings(admin, "orders", { visibility: "PUBLIC", keyless: true });
    expect(await stored()).toMatchObject({ visibility: "PUBLIC", keyless: true });
    await updateApiSettings(admin, "orders", { visibility: "INTERNAL" });
    expect(await stored()).toMatchObject({ visibility: "INTERNAL", keyless: false });
    const audit = await lastAudit("api.updated");
    expect(audit!.before).toEqual({ visibility: "PUBLIC", keyless: true });
    expect(audit!.after).toEqual({ visibility: "INTERNAL", keyless: false });
  });

  it("making the API INTERNAL and turning keyless on at the same time never leave an INTERNAL keyless API", async () => {
    const admin = owners.members.ADMIN.actor;
    for (let round = 0; round < 5; round++) {
      await db.api.update({ where: { id: api.id }, data: { visibility: "PUBLIC", keyless: false } });
      const outcomes = await Promise.allSettled([updateApiSettings(admin, "orders", { visibility: "INTERNAL" }), updateApiSettings(owners.members.OWNER.actor, "orders", { keyless: true })]);
      expect(outcomes[0].status).toBe("fulfilled");
      const after = await stored();
      expect(after.visibility).toBe("INTERNAL");
      expect(after.keyless).toBe(false);
    }
  });

  it("refuses invalid values and fields that are not settings with 422", async () => {
    const admin = owners.members.ADMIN.actor;
    const snapshot = await snapshotDatabase();
    for (const input of [{ minNoticeDays: 0 }, { minNoticeDays: 366 }, { minNoticeDays: 1.5 }, { cacheTtlSeconds: 0 }, { cacheTtlSeconds: 86_401 }, { visibility: "SECRET" }, { contactEmail: "not an email" }, { name: "x" }, { tags: ["Bad Tag"] }]) {
      await expectAppError(updateApiSettings(admin, "orders", input as never), 422);
    }
    for (const input of [{ slug: "taken" }, { teamId: outsider.id }, { catalogVersionId: null }]) {
      const error = await expectAppError(updateApiSettings(admin, "orders", input as never), 422);
      expect(error.errors[0].detail).toContain("Unrecognized key");
    }
    expect(await snapshotDatabase()).toEqual(snapshot);
  });

  it("DEVELOPER and VIEWER of the team get 403, another team 403 on an INTERNAL API and 404 on a PRIVATE one, signed out 404; nothing changes", async () => {
    const snapshot = await snapshotDatabase();
    const cases: [MaybeActor, number][] = [
      [owners.members.DEVELOPER.actor, 403],
      [owners.members.VIEWER.actor, 403],
      [outsider.actor, 403],
      // Signed out, an INTERNAL API is not even visible (REST answers 401 before asking).
      [null, 404],
    ];
    for (const [actor, status] of cases) {
      await expectAppError(updateApiSettings(actor, "orders", { name: "Hijacked" }), status);
      await expectAppError(updateVersionUpstream(actor, "orders", "2.0.0", "https://evil.example"), status);
    }
    expect(await snapshotDatabase()).toEqual(snapshot);

    await db.api.update({ where: { id: api.id }, data: { visibility: "PRIVATE" } });
    const privateSnapshot = await snapshotDatabase();
    await expectAppError(updateApiSettings(outsider.actor, "orders", { name: "Hijacked" }), 404);
    await expectAppError(updateVersionUpstream(outsider.actor, "orders", "2.0.0", "https://evil.example"), 404);
    await expectAppError(updateApiSettings(owners.members.VIEWER.actor, "orders", { name: "Hijacked" }), 403);
    expect(await snapshotDatabase()).toEqual(privateSnapshot);
  });

  it("a platform admin may change any team's API", async () => {
    await updateApiSettings(platformAdmin.actor, "orders", { summary: "Set by the platform team." });
    expect(await stored()).toMatchObject({ summary: "Set by the platform team." });
    expect(await lastAudit("api.updated")).toMatchObject({ actorId: platformAdmin.id, teamId: owners.team.id });
  });
});

describe("updateVersionUpstream", () => {
  it("sets and clears the upstream of a draft, a published and a deprecated version, with an audit row each", async () => {
    const admin = owners.members.ADMIN;
    for (const version of ["2.1.0", "2.0.0", "1.5.0"]) {
      const result = await updateVersionUpstream(admin.actor, "orders", version, `https://orders-${version.replace(/\./g, "-")}.internal:8443/base`);
      expect(result).toMatchObject({ api: "orders", version, upstreamUrl: `https://orders-${version.replace(/\./g, "-")}.internal:8443/base` });
    }
    expect((await db.apiVersion.findUniqueOrThrow({ where: { id: api.ids["2.0.0"] } })).upstreamUrl).toBe("https://orders-2-0-0.internal:8443/base");
    const audit = await lastAudit("version.upstream_changed");
    expect(audit).toMatchObject({ actorId: admin.id, teamId: owners.team.id, targetType: "api_version", targetId: api.ids["1.5.0"] });
    expect(audit!.before).toEqual({ api: "orders", version: "1.5.0", upstreamUrl: null });
    expect(audit!.after).toEqual({ api: "orders", version: "1.5.0", upstreamUrl: "https://orders-1-5-0.internal:8443/base" });

    await updateVersionUpstream(admin.actor, "orders", "2.0.0", null);
    expect((await db.apiVersion.findUniqueOrThrow({ where: { id: api.ids["2.0.0"] } })).upstreamUrl).toBeNull();
    const count = await db.auditEvent.count({ where: { action: "version.upstream_changed" } });
    await updateVersionUpstream(admin.actor, "orders", "2.0.0", null);
    expect(await db.auditEvent.count({ where: { action: "version.upstream_changed" } })).toBe(count);
  });

  it("refuses a retired version (409), an unknown one (404) and URLs that are not plain http(s) bases (422)", async () => {
    const admin = owners.members.ADMIN.actor;
    const snapshot = await snapshotDatabase();
    await expectAppError(updateVersionUpstream(admin, "orders", "1.0.0", "https://orders.internal"), 409, "version-retired");
    await expectAppError(updateVersionUpstream(admin, "orders", "9.9.9", "https://orders.internal"), 404);
    for (const url of ["ftp://orders.internal", "orders.internal", "https://user:secret@orders.internal", "https://orders.internal/?tenant=1", "https://orders.internal/#x", "javascript:alert(1)", ""]) {
      await expectAppError(updateVersionUpstream(admin, "orders", "2.0.0", url), 422);
    }
    expect(await snapshotDatabase()).toEqual(snapshot);
  });
});

describe("REST", () => {
  async function call(handler: unknown, method: string, path: string, options: { as?: TestUser; body?: unknown; params: Record<string, string> }) {
    const headers = new Headers({ "content-type": "application/json" });
    if (options.as) headers.set("authorization", `Bearer ${tokens.get(options.as.id)}`);
    const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const response = await (handler as Handler)(request, { params: Promise.resolve(options.params) });
    return { status: response.status, contentType: response.headers.get("content-type"), json: await response.json() };
  }

  it("PATCH /apis/{slug} answers the settings; PUT .../upstream answers the version's upstream", async () => {
    const patched = await call(apiRoute.PATCH, "PATCH", "/apis/orders", { as: owners.members.ADMIN, params: { slug: "orders" }, body: { summary: "Orders over REST", cacheEnabled: true, cacheTtlSeconds: 120 } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ slug: "orders", summary: "Orders over REST", visibility: "INTERNAL", keyless: false, cacheEnabled: true, cacheTtlSeconds: 120, minNoticeDays: 30 });
    expect(patched.json.versions.map((v: { version: string }) => v.version)).toEqual(["2.1.0", "2.0.0", "1.5.0", "1.0.0"]);

    const put = await call(upstreamRoute.PUT, "PUT", "/apis/orders/versions/2.0.0/upstream", { as: owners.members.ADMIN, params: { slug: "orders", version: "2.0.0" }, body: { upstreamUrl: "http://127.0.0.1:9000" } });
    expect(put).toMatchObject({ status: 200, json: { api: "orders", version: "2.0.0", state: "PUBLISHED", upstreamUrl: "http://127.0.0.1:9000" } });
  });

  it("keyless on an INTERNAL API is a 422 problem pointing at /keyless", async () => {
    const refused = await call(apiRoute.PATCH, "PATCH", "/apis/orders", { as: owners.members.ADMIN, params: { slug: "orders" }, body: { keyless: true } });
    expect(refused.status).toBe(422);
    expect(refused.contentType).toBe("application/problem+json");
    expect(refused.json).toMatchObject({ type: "https://portico.dev/problems/keyless-needs-public", status: 422, errors: [{ pointer: "/keyless" }] });
  });

  it("wrong callers: 401 without a token, 403 for DEVELOPER and VIEWER, mass assignment 422; nothing changes", async () => {
    const snapshot = await snapshotDatabase();
    expect((await call(apiRoute.PATCH, "PATCH", "/apis/orders", { params: { slug: "orders" }, body: { name: "Nope" } })).status).toBe(401);
    for (const user of [owners.members.DEVELOPER, owners.members.VIEWER, outsider]) {
      expect((await call(apiRoute.PATCH, "PATCH", "/apis/orders", { as: user, params: { slug: "orders" }, body: { name: "Nope" } })).status).toBe(403);
      expect((await call(upstreamRoute.PUT, "PUT", "/apis/orders/versions/2.0.0/upstream", { as: user, params: { slug: "orders", version: "2.0.0" }, body: { upstreamUrl: "https://evil.example" } })).status).toBe(403);
    }
    const mass = await call(apiRoute.PATCH, "PATCH", "/apis/orders", { as: owners.members.ADMIN, params: { slug: "orders" }, body: { teamId: "someone-else" } });
    expect(mass).toMatchObject({ status: 422, json: { errors: [{ pointer: "" }] } });
    const noUrl = await call(upstreamRoute.PUT, "PUT", "/apis/orders/versions/2.0.0/upstream", { as: owners.members.ADMIN, params: { slug: "orders", version: "2.0.0" }, body: {} });
    expect(noUrl).toMatchObject({ status: 422, json: { errors: [{ pointer: "/upstreamUrl" }] } });
    expect((await call(upstreamRoute.PUT, "PUT", "/apis/orders/versions/1.0.0/upstream", { as: owners.members.ADMIN, params: { slug: "orders", version: "1.0.0" }, body: { upstreamUrl: "https://orders.internal" } })).status).toBe(409);
    expect(await snapshotDatabase()).toEqual(snapshot);
  });
});

describe("roles are read on every call", () => {
  it("someone made ADMIN of the team may change settings at once", async () => {
    const newcomer = await makeUser({ name: "Newcomer" });
    await expectAppError(updateApiSettings(newcomer.actor, "orders", { summary: "x" }), 403);
    await addMember(owners.team.id, newcomer, "ADMIN");
    await updateApiSettings(newcomer.actor, "orders", { summary: "x" });
    expect(await stored()).toMatchObject({ summary: "x" });
  });
});
