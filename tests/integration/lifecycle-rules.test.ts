// The rules of the lifecycle beyond the bare table, through the REST API:
// deprecation inputs (sunset date, notice period, replacement), the sunset
// deciding between undeprecate and retire, four eyes on reviews, the
// publishing gates (governance errors, breaking changes without a major
// version, the recorded override), deleting drafts, RETIRED being final; and
// availableActions for the cases four eyes and the sunset decide.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { availableActions } from "@/lib/lifecycle/apply";
import { db, resetDatabase, snapshotDatabase, type TestUser } from "./helpers";
import {
  ACTIONS,
  DAY,
  addedRows,
  catalogVersionOf,
  clearApis,
  createApi,
  eventsOf,
  expectProblem,
  makePeople,
  tokenOf,
  transition,
  type People,
  type VersionSpec,
} from "./lifecycle-fixtures";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

let people: People;
let owner: string | undefined;
let admin: string | undefined;

beforeAll(async () => {
  await resetDatabase();
  people = await makePeople();
  owner = tokenOf(people, people.members.OWNER);
  admin = tokenOf(people, people.members.ADMIN);
});

beforeEach(async () => {
  await clearApis(people);
});

const days = (n: number) => new Date(Date.now() + n * DAY);
const as = (user: TestUser) => tokenOf(people, user);

/** Asserts the call was refused with this status and type and changed nothing. */
async function expectRefused(run: () => ReturnType<typeof transition>, status: number, type: string, pointer?: string) {
  const before = await snapshotDatabase();
  const result = await run();
  expectProblem(result, status, type);
  if (pointer) expect(result.json.errors).toEqual([{ pointer, detail: expect.any(String) }]);
  expect(await snapshotDatabase()).toEqual(before);
  return result;
}

async function versionRow(id: string) {
  return db.apiVersion.findUniqueOrThrow({ where: { id } });
}

describe("deprecate", () => {
  const published = (extra: VersionSpec[] = []) =>
    createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }, { version: "2.0.0", state: "PUBLISHED" }, ...extra] }, { review: false });

  it("needs a sunset date: 422 with the pointer /sunsetAt", async () => {
    const api = await published();
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "deprecate" }, { token: admin }), 422, "validation", "/sunsetAt");
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: "next spring" }, { token: admin }), 422, "validation", "/sunsetAt");
  });

  it("needs the sunset at least the API's minimum notice (30 days by default) ahead", async () => {
    const api = await published();
    const refused = await expectRefused(() => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(29) }, { token: admin }), 422, "validation", "/sunsetAt");
    expect(refused.json.detail).toContain("30 days");
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(-1) }, { token: admin }), 422, "validation", "/sunsetAt");

    const sunsetAt = days(30.05);
    const result = await transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt }, { token: admin });
    expect(result.status).toBe(200);
    expect((await versionRow(api.ids["1.0.0"])).sunsetAt).toEqual(sunsetAt);
  });

  it("uses the API's own notice period", async () => {
    const api = await createApi(people, { minNoticeDays: 90, versions: [{ version: "1.0.0", state: "PUBLISHED" }] }, { review: false });
    const refused = await expectRefused(() => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(60) }, { token: admin }), 422, "validation", "/sunsetAt");
    expect(refused.json.detail).toContain("90 days");
    expect((await transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(91) }, { token: admin })).status).toBe(200);
  });

  it.each([
    ["a version that does not exist", "9.9.9"],
    ["a draft", "3.0.0"],
    ["a version in review", "3.1.0"],
    ["a deprecated version", "0.9.0"],
    ["a retired version", "0.8.0"],
    ["the version itself", "1.0.0"],
    ["a version only another API has", "4.0.0"],
  ])("refuses as replacement %s: 422 /replacementVersion", async (_label, replacementVersion) => {
    const api = await published([
      { version: "3.0.0", state: "DRAFT" },
      { version: "3.1.0", state: "IN_REVIEW", submitter: people.members.DEVELOPER },
      { version: "0.9.0", state: "DEPRECATED", deprecatedAt: days(-1), sunsetAt: days(40) },
      { version: "0.8.0", state: "RETIRED", retiredAt: days(-1) },
    ]);
    await createApi(people, { versions: [{ version: "4.0.0", state: "PUBLISHED" }] });
    await expectRefused(
      () => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(45), replacementVersion }, { token: admin }),
      422,
      "validation",
      "/replacementVersion",
    );
  });

  it("records another PUBLISHED version as the replacement", async () => {
    const api = await published();
    const result = await transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(45), replacementVersion: "2.0.0" }, { token: admin });
    expect(result.status).toBe(200);
    expect(await versionRow(api.ids["1.0.0"])).toMatchObject({ state: "DEPRECATED", replacementId: api.ids["2.0.0"] });
  });
});

describe("the sunset date decides between undeprecate and retire", () => {
  const deprecated = (sunsetAt: Date) =>
    createApi(
      people,
      {
        versions: [
          { version: "1.0.0", state: "DEPRECATED", deprecatedAt: days(-40), sunsetAt, replacement: "2.0.0" },
          { version: "2.0.0", state: "PUBLISHED" },
        ],
      },
      { review: false },
    );

  it("before the sunset: undeprecate returns the version to PUBLISHED (dates and replacement cleared); retire is refused with 409", async () => {
    const api = await deprecated(days(10));
    const publishedAt = (await versionRow(api.ids["1.0.0"])).publishedAt;
    const refused = await expectRefused(() => transition(api.slug, "1.0.0", { action: "retire" }, { token: admin }), 409, "illegal-transition");
    expect(refused.json.detail).toContain(days(10).toISOString().slice(0, 10));

    expect((await transition(api.slug, "1.0.0", { action: "undeprecate" }, { token: admin })).status).toBe(200);
    expect(await versionRow(api.ids["1.0.0"])).toMatchObject({ state: "PUBLISHED", deprecatedAt: null, sunsetAt: null, replacementId: null, publishedAt });
  });

  it("after the sunset: undeprecate is refused with 409; retire answers 200 and sets retiredAt", async () => {
    const sunsetAt = days(-1);
    const api = await deprecated(sunsetAt);
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "undeprecate" }, { token: admin }), 409, "illegal-transition");

    const startedAt = new Date();
    expect((await transition(api.slug, "1.0.0", { action: "retire" }, { token: admin })).status).toBe(200);
    const retired = await versionRow(api.ids["1.0.0"]);
    expect(retired).toMatchObject({ state: "RETIRED", sunsetAt });
    expect(retired.retiredAt!.getTime()).toBeGreaterThanOrEqual(startedAt.getTime());
  });

  it("the catalog falls back to the DEPRECATED, then the RETIRED version when none is PUBLISHED", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
    const id = api.ids["1.0.0"];
    expect(await catalogVersionOf(api.id)).toBeNull();
    expect((await transition(api.slug, "1.0.0", { action: "publish" }, { token: admin })).status).toBe(200);
    expect(await catalogVersionOf(api.id)).toBe(id);
    expect((await transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(31) }, { token: admin })).status).toBe(200);
    expect(await catalogVersionOf(api.id)).toBe(id);
    await db.apiVersion.update({ where: { id }, data: { sunsetAt: days(-1) } });
    expect((await transition(api.slug, "1.0.0", { action: "retire" }, { token: admin })).status).toBe(200);
    expect(await catalogVersionOf(api.id)).toBe(id);
    expect((await eventsOf(id)).map((event) => `${event.from}->${event.to}`)).toEqual(["DRAFT->PUBLISHED", "PUBLISHED->DEPRECATED", "DEPRECATED->RETIRED"]);
  });
});

describe("review with four eyes", () => {
  const draft = () => createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: true });

  it("the ADMIN who submitted cannot approve or send back (403, nothing changes); another ADMIN approves", async () => {
    const api = await draft();
    const id = api.ids["1.0.0"];
    expect((await transition(api.slug, "1.0.0", { action: "submit" }, { token: admin })).status).toBe(200);
    expect(await eventsOf(id)).toEqual([{ from: "DRAFT", to: "IN_REVIEW", actorId: people.members.ADMIN.id, reason: null }]);

    await expectRefused(() => transition(api.slug, "1.0.0", { action: "approve" }, { token: admin }), 403, "forbidden");
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "reject", reason: "Looks wrong to me." }, { token: admin }), 403, "forbidden");
    expect(await availableActions(people.members.ADMIN.actor, api.slug, "1.0.0")).toEqual([]);
    expect([...(await availableActions(people.secondAdmin.actor, api.slug, "1.0.0"))].sort()).toEqual(["approve", "reject"]);
    expect([...(await availableActions(people.members.OWNER.actor, api.slug, "1.0.0"))].sort()).toEqual(["approve", "reject"]);

    expect((await transition(api.slug, "1.0.0", { action: "approve" }, { token: as(people.secondAdmin) })).status).toBe(200);
    expect((await versionRow(id)).state).toBe("PUBLISHED");
    expect((await eventsOf(id)).at(-1)).toEqual({ from: "IN_REVIEW", to: "PUBLISHED", actorId: people.secondAdmin.id, reason: null });
  });

  it("holds for a platform admin who submitted too", async () => {
    const api = await draft();
    expect((await transition(api.slug, "1.0.0", { action: "submit" }, { token: as(people.platformAdmin) })).status).toBe(200);
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "approve" }, { token: as(people.platformAdmin) }), 403, "forbidden");
    expect(await availableActions(people.platformAdmin.actor, api.slug, "1.0.0")).toEqual([]);
    expect((await transition(api.slug, "1.0.0", { action: "approve" }, { token: owner })).status).toBe(200);
  });

  it("looks at the latest submission: sent back and submitted again by someone else, the first submitter may review", async () => {
    const api = await draft();
    const id = api.ids["1.0.0"];
    expect((await transition(api.slug, "1.0.0", { action: "submit" }, { token: admin })).status).toBe(200);
    const reason = "Describe the error responses.";
    expect((await transition(api.slug, "1.0.0", { action: "reject", reason }, { token: owner })).status).toBe(200);
    expect((await transition(api.slug, "1.0.0", { action: "submit" }, { token: as(people.secondAdmin) })).status).toBe(200);
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "approve" }, { token: as(people.secondAdmin) }), 403, "forbidden");
    expect((await transition(api.slug, "1.0.0", { action: "approve" }, { token: admin })).status).toBe(200);
    expect(await eventsOf(id)).toEqual([
      { from: "DRAFT", to: "IN_REVIEW", actorId: people.members.ADMIN.id, reason: null },
      { from: "IN_REVIEW", to: "DRAFT", actorId: people.members.OWNER.id, reason },
      { from: "DRAFT", to: "IN_REVIEW", actorId: people.secondAdmin.id, reason: null },
      { from: "IN_REVIEW", to: "PUBLISHED", actorId: people.members.ADMIN.id, reason: null },
    ]);
    const sentBack = await db.auditEvent.findFirstOrThrow({ where: { action: "version.sent_back", targetId: id } });
    expect(sentBack.after).toMatchObject({ state: "DRAFT", reason });
  });

  it.each([
    ["no reason", {}],
    ["an empty reason", { reason: "" }],
    ["a blank reason", { reason: "   " }],
  ])("sending back needs a reason: %s is 422 /reason", async (_label, extra) => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "IN_REVIEW", submitter: people.members.DEVELOPER }] }, { review: true });
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "reject", ...extra }, { token: admin }), 422, "validation", "/reason");
  });
});

describe("publishing gates", () => {
  const withReports = (version: string, reports: Pick<VersionSpec, "lintReport" | "changeReport">, review = false, previous = "1.0.0") =>
    createApi(
      people,
      {
        versions: [
          { version: previous, state: "PUBLISHED" },
          review ? { version, state: "IN_REVIEW", submitter: people.members.DEVELOPER, ...reports } : { version, state: "DRAFT", ...reports },
        ],
      },
      { review },
    );

  it("refuses a version with governance errors: 409 governance-errors, even for a platform admin, override or not", async () => {
    const api = await withReports("1.1.0", { lintReport: { errors: 2, warnings: 1 } });
    const refused = await expectRefused(() => transition(api.slug, "1.1.0", { action: "publish" }, { token: admin }), 409, "governance-errors");
    expect(refused.json.detail).toContain("2 governance errors");
    await expectRefused(() => transition(api.slug, "1.1.0", { action: "publish" }, { token: as(people.platformAdmin) }), 409, "governance-errors");
    await expectRefused(
      () => transition(api.slug, "1.1.0", { action: "publish", overrideBreaking: true, reason: "We really need this out today." }, { token: owner }),
      409,
      "governance-errors",
    );
  });

  it("refuses approving a review with governance errors too", async () => {
    const api = await withReports("1.1.0", { lintReport: { errors: 1, warnings: 0 } }, true);
    await expectRefused(() => transition(api.slug, "1.1.0", { action: "approve" }, { token: admin }), 409, "governance-errors");
  });

  it("publishes with warnings only", async () => {
    const api = await withReports("1.1.0", { lintReport: { errors: 0, warnings: 5 } });
    expect((await transition(api.slug, "1.1.0", { action: "publish" }, { token: admin })).status).toBe(200);
  });

  const breaking = { changeReport: { againstVersion: "1.0.0", breaking: 2 } };

  it("refuses breaking changes without a major version: 409 breaking-without-major", async () => {
    const api = await withReports("1.1.0", breaking);
    const refused = await expectRefused(() => transition(api.slug, "1.1.0", { action: "publish" }, { token: admin }), 409, "breaking-without-major");
    expect(refused.json.detail).toContain("1.0.0");
  });

  it("refuses approving a review with breaking changes without a major version", async () => {
    const api = await withReports("1.1.0", breaking, true);
    await expectRefused(() => transition(api.slug, "1.1.0", { action: "approve" }, { token: admin }), 409, "breaking-without-major");
  });

  it.each([
    ["without a reason", {}],
    ["with a reason under 10 characters", { reason: "too short" }],
    ["with a blank reason", { reason: "          " }],
  ])("an override %s is 422 /reason", async (_label, extra) => {
    const api = await withReports("1.1.0", breaking);
    await expectRefused(() => transition(api.slug, "1.1.0", { action: "publish", overrideBreaking: true, ...extra }, { token: admin }), 422, "validation", "/reason");
  });

  it("publishes with overrideBreaking and a written reason, recorded in the LifecycleEvent and the AuditEvent", async () => {
    const api = await withReports("1.1.0", breaking);
    const id = api.ids["1.1.0"];
    const reason = "Clients of the removed field were migrated in March.";
    const before = await snapshotDatabase();
    const result = await transition(api.slug, "1.1.0", { action: "publish", overrideBreaking: true, reason }, { token: admin });
    expect(result.status).toBe(200);
    const after = await snapshotDatabase();
    expect((await versionRow(id)).state).toBe("PUBLISHED");
    expect(await eventsOf(id)).toEqual([{ from: "DRAFT", to: "PUBLISHED", actorId: people.members.ADMIN.id, reason }]);
    const audits = addedRows(before, after, "AuditEvent");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: "version.published", targetId: id, actorId: people.members.ADMIN.id, after: { state: "PUBLISHED", reason, overrideBreaking: true } });
  });

  it("a reviewer may override when approving, with a reason", async () => {
    const api = await withReports("1.1.0", breaking, true);
    const reason = "Agreed with both consumers in writing.";
    expect((await transition(api.slug, "1.1.0", { action: "approve", overrideBreaking: true, reason }, { token: admin })).status).toBe(200);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "version.approved", targetId: api.ids["1.1.0"] } });
    expect(audit.after).toMatchObject({ reason, overrideBreaking: true });
  });

  it.each([
    ["2.0.0", "1.0.0", 200],
    ["2.0.0-rc.1", "1.0.0", 200],
    ["1.0.1", "1.0.0", 409],
    ["0.4.0", "0.3.0", 200],
    ["0.3.1", "0.3.0", 409],
    ["1.0.0", "0.9.0", 200],
  ] as const)("version %s breaking %s: %s without an override (a 0.x minor bump counts as major)", async (version, previous, status) => {
    const api = await withReports(version, { changeReport: { againstVersion: previous, breaking: 2 } }, false, previous);
    if (status === 200) {
      expect((await transition(api.slug, version, { action: "publish" }, { token: admin })).status).toBe(200);
      expect((await versionRow(api.ids[version])).state).toBe("PUBLISHED");
    } else {
      await expectRefused(() => transition(api.slug, version, { action: "publish" }, { token: admin }), 409, "breaking-without-major");
    }
  });

  it("publishes a minor version without breaking changes", async () => {
    const api = await withReports("1.1.0", { changeReport: { againstVersion: "1.0.0", breaking: 0 } });
    expect((await transition(api.slug, "1.1.0", { action: "publish" }, { token: admin })).status).toBe(200);
  });
});

describe("delete", () => {
  it("removes a draft with its operations; the history is its AuditEvent", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }, { version: "1.1.0", state: "DRAFT" }] }, { review: false });
    const id = api.ids["1.1.0"];
    expect(await db.apiOperation.count({ where: { versionId: id } })).toBeGreaterThan(0);
    const result = await transition(api.slug, "1.1.0", { action: "delete" }, { token: as(people.members.DEVELOPER) });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ api: api.slug, version: "1.1.0", state: "DELETED" });
    expect(await db.apiVersion.findUnique({ where: { id } })).toBeNull();
    expect(await db.apiOperation.count({ where: { versionId: id } })).toBe(0);
    expect(await db.apiVersion.count({ where: { apiId: api.id } })).toBe(1);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "version.deleted", targetId: id } });
    expect(audit).toMatchObject({ actorId: people.members.DEVELOPER.id, before: { state: "DRAFT" }, after: { state: "DELETED", version: "1.1.0" } });
    // Gone: a second delete finds nothing.
    expectProblem(await transition(api.slug, "1.1.0", { action: "delete" }, { token: admin }), 404, "not-found");
  });

  it("refuses to delete a released version: 409", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }] }, { review: false });
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "delete" }, { token: owner }), 409, "illegal-transition");
  });
});

describe("RETIRED is final", () => {
  it.each([false, true])("every action on a retired version is 409 for a platform admin (review policy %s)", async (review) => {
    const api = await createApi(
      people,
      { versions: [{ version: "1.0.0", state: "RETIRED", deprecatedAt: days(-90), sunsetAt: days(-30), retiredAt: days(-30) }, { version: "2.0.0", state: "PUBLISHED" }] },
      { review },
    );
    for (const action of ACTIONS) {
      const body = action === "deprecate" ? { action, sunsetAt: days(60) } : action === "reject" ? { action, reason: "A reason long enough." } : { action };
      await expectRefused(() => transition(api.slug, "1.0.0", body, { token: as(people.platformAdmin) }), 409, "illegal-transition");
    }
    expect(await availableActions(people.platformAdmin.actor, api.slug, "1.0.0")).toEqual([]);
  });
});

describe("input", () => {
  it("refuses an unknown action (422 /action), a body that is not JSON (400), and unknown APIs and versions (404)", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "promote" }, { token: admin }), 422, "validation", "/action");
    await expectRefused(() => transition(api.slug, "1.0.0", {}, { token: admin }), 422, "validation", "/action");
    await expectRefused(() => transition(api.slug, "1.0.0", null, { token: admin, rawBody: '{"action": ' }), 400, "malformed-json");
    await expectRefused(() => transition(api.slug, "9.9.9", { action: "publish" }, { token: admin }), 404, "not-found");
    await expectRefused(() => transition("no-such-api", "1.0.0", { action: "publish" }, { token: admin }), 404, "not-found");
  });

  it("refuses an unknown token with 401", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
    await expectRefused(() => transition(api.slug, "1.0.0", { action: "publish" }, { token: "ptc_pat_not-a-real-token" }), 401, "invalid-token");
  });
});
