// The whole lifecycle transition table through the REST API: every from-state
// x every action x every kind of caller, with the team's review policy off and
// on. The expected answers are written out here from PRODUCT.md (lifecycle and
// permission table), not read from lib/lifecycle. A refused call leaves the
// database exactly as it was; an allowed one changes the version, appends one
// LifecycleEvent and one AuditEvent, and keeps the API's catalog version.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { LifecycleState, TeamRole } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import { availableActions } from "@/lib/lifecycle/apply";
import { db, resetDatabase, snapshotDatabase } from "./helpers";
import {
  ACTIONS,
  CALLERS,
  DAY,
  actorOf,
  addedRows,
  changedTables,
  clearApis,
  createApi,
  expectProblem,
  makePeople,
  requestId,
  rows,
  tokenOf,
  transition,
  userOf,
  type Action,
  type Caller,
  type CreatedApi,
  type People,
  type VersionSpec,
} from "./lifecycle-fixtures";

// Nobody has a cookie session: callers are known by their token alone.
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

const FROM_STATES = ["DRAFT", "IN_REVIEW", "PUBLISHED", "DEPRECATED, sunset ahead", "DEPRECATED, sunset passed", "RETIRED"] as const;
type FromState = (typeof FROM_STATES)[number];
type Status = 200 | 401 | 403 | 404 | 409;

const STORED: Record<FromState, LifecycleState> = {
  DRAFT: "DRAFT",
  IN_REVIEW: "IN_REVIEW",
  PUBLISHED: "PUBLISHED",
  "DEPRECATED, sunset ahead": "DEPRECATED",
  "DEPRECATED, sunset passed": "DEPRECATED",
  RETIRED: "RETIRED",
};

/** Where each action leads (null: the draft is deleted). */
const TO: Record<Action, LifecycleState | null> = {
  submit: "IN_REVIEW",
  approve: "PUBLISHED",
  reject: "DRAFT",
  publish: "PUBLISHED",
  deprecate: "DEPRECATED",
  undeprecate: "PUBLISHED",
  retire: "RETIRED",
  delete: null,
};

/** PRODUCT.md: uploading (and so submitting and deleting a draft) is DEVELOPER and up; publish, deprecate, retire are ADMIN and up. */
const LEAST_ROLE: Record<Action, TeamRole> = {
  submit: "DEVELOPER",
  approve: "ADMIN",
  reject: "ADMIN",
  publish: "ADMIN",
  deprecate: "ADMIN",
  undeprecate: "ADMIN",
  retire: "ADMIN",
  delete: "DEVELOPER",
};
const RANK: Record<TeamRole, number> = { VIEWER: 1, DEVELOPER: 2, ADMIN: 3, OWNER: 4 };

const AUDIT_ACTION: Record<Action, string> = {
  submit: "version.submitted",
  approve: "version.approved",
  reject: "version.sent_back",
  publish: "version.published",
  deprecate: "version.deprecated",
  undeprecate: "version.undeprecated",
  retire: "version.retired",
  delete: "version.deleted",
};

/** The state table of PRODUCT.md, with the review policy and the sunset rules. */
function legal(from: FromState, action: Action, review: boolean): boolean {
  switch (action) {
    case "submit":
      return from === "DRAFT" && review;
    case "approve":
    case "reject":
      // Reviews already under way are finished even after the policy is turned off.
      return from === "IN_REVIEW";
    case "publish":
      return from === "DRAFT" && !review;
    case "deprecate":
      return from === "PUBLISHED";
    case "undeprecate":
      return from === "DEPRECATED, sunset ahead";
    case "retire":
      return from === "DEPRECATED, sunset passed";
    case "delete":
      return from === "DRAFT";
  }
}

function mayAct(caller: Caller, action: Action): boolean {
  if (caller === "platform admin") return true;
  if (caller === "member of another team" || caller === "signed out") return false;
  return RANK[caller] >= RANK[LEAST_ROLE[action]];
}

/**
 * 401 signed out; 404 when the caller may not see the version (drafts and
 * reviews are the team's own; the API itself is PUBLIC with a published
 * version); 403 when they see it but may not act; 409 when the table refuses.
 */
function expectedStatus(review: boolean, from: FromState, action: Action, caller: Caller): Status {
  if (caller === "signed out") return 401;
  if (caller === "member of another team" && (from === "DRAFT" || from === "IN_REVIEW")) return 404;
  if (!mayAct(caller, action)) return 403;
  if (!legal(from, action, review)) return 409;
  return 200;
}

const PROBLEM_TYPE: Record<Exclude<Status, 200>, string> = { 401: "unauthenticated", 403: "forbidden", 404: "not-found", 409: "illegal-transition" };

const TARGET = "2.0.0";
const BASE = "1.0.0";
const now = Date.now();
const SUNSET = new Date(now + 45 * DAY);
const REASON = "Add an example to every operation.";

/** The target version 2.0.0 in the from-state, beside a PUBLISHED 1.0.0 (so the PUBLIC API is in the catalog). */
function targetSpec(from: FromState, people: People): VersionSpec {
  switch (from) {
    case "DRAFT":
    case "PUBLISHED":
      return { version: TARGET, state: from };
    case "IN_REVIEW":
      return { version: TARGET, state: "IN_REVIEW", submitter: people.members.DEVELOPER };
    case "DEPRECATED, sunset ahead":
      return { version: TARGET, state: "DEPRECATED", deprecatedAt: new Date(now - DAY), sunsetAt: new Date(now + 60 * DAY), replacement: BASE };
    case "DEPRECATED, sunset passed":
      return { version: TARGET, state: "DEPRECATED", deprecatedAt: new Date(now - 60 * DAY), sunsetAt: new Date(now - DAY), replacement: BASE };
    case "RETIRED":
      return { version: TARGET, state: "RETIRED", deprecatedAt: new Date(now - 90 * DAY), sunsetAt: new Date(now - 30 * DAY), retiredAt: new Date(now - 30 * DAY), replacement: BASE };
  }
}

/** What each action needs so that it can succeed where the table allows it. */
function bodyFor(action: Action) {
  if (action === "deprecate") return { action, sunsetAt: SUNSET.toISOString(), replacementVersion: BASE };
  if (action === "reject") return { action, reason: REASON };
  return { action };
}

/** The row without these fields. */
function without(row: object, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([field]) => !fields.includes(field)));
}

let people: People;

beforeAll(async () => {
  await resetDatabase();
  people = await makePeople();
});

async function buildWorld(from: FromState, review: boolean): Promise<CreatedApi> {
  await clearApis(people);
  return createApi(people, { visibility: "PUBLIC", versions: [{ version: BASE, state: "PUBLISHED" }, targetSpec(from, people)] }, { review });
}

const call = (world: CreatedApi, action: Action, caller: Caller, id?: string) =>
  transition(world.slug, TARGET, bodyFor(action), { token: tokenOf(people, userOf(people, caller)), requestId: id });

interface Case {
  action: Action;
  caller: Caller;
  status: Status;
}

describe.each(
  [false, true].flatMap((review) => FROM_STATES.map((from) => ({ review, from, policy: review ? "on" : "off" }))),
)("review policy $policy, version $from", ({ review, from }) => {
  const cases: Case[] = ACTIONS.flatMap((action) => CALLERS.map((caller) => ({ action, caller, status: expectedStatus(review, from, action, caller) })));
  const refused = cases.filter((c) => c.status !== 200);
  const allowed = cases.filter((c) => c.status === 200);

  // Refusals change nothing, so they share one world.
  describe("refused calls", () => {
    let world: CreatedApi;
    beforeAll(async () => {
      world = await buildWorld(from, review);
    });

    it.each(refused)("$action by $caller: $status, nothing changes", async ({ action, caller, status }) => {
      const before = await snapshotDatabase();
      const result = await call(world, action, caller);
      expectProblem(result, status as Exclude<Status, 200>, PROBLEM_TYPE[status as Exclude<Status, 200>]);
      expect(await snapshotDatabase()).toEqual(before);
    });

    it.each(CALLERS)("availableActions for %s: exactly the allowed actions", async (caller) => {
      const before = await snapshotDatabase();
      const expected = ACTIONS.filter((action) => expectedStatus(review, from, action, caller) === 200);
      if (caller === "member of another team" && (from === "DRAFT" || from === "IN_REVIEW")) {
        const error = await availableActions(actorOf(people, caller), world.slug, TARGET).catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).status).toBe(404);
      } else {
        expect([...(await availableActions(actorOf(people, caller), world.slug, TARGET))].sort()).toEqual([...expected].sort());
      }
      expect(await snapshotDatabase()).toEqual(before);
    });
  });

  if (allowed.length) {
    // Allowed calls: a fresh world each.
    it.each(allowed)("$action by $caller: 200, with its effects", async ({ action, caller }) => {
      const world = await buildWorld(from, review);
      const user = userOf(people, caller)!;
      const targetId = world.ids[TARGET];
      const baseId = world.ids[BASE];
      const id = requestId();
      const versionBefore = await db.apiVersion.findUniqueOrThrow({ where: { id: targetId } });
      const before = await snapshotDatabase();
      const startedAt = new Date();

      const result = await call(world, action, caller, id);

      const finishedAt = new Date();
      const to = TO[action];
      expect({ status: result.status, body: result.json }).toEqual({ status: 200, body: { api: world.slug, version: TARGET, state: to ?? "DELETED" } });
      const after = await snapshotDatabase();

      // Only the lifecycle's own tables (and the API's catalog columns) change.
      const changed = changedTables(before, after);
      expect(changed.filter((table) => !["Api", "ApiVersion", "ApiOperation", "LifecycleEvent", "AuditEvent"].includes(table))).toEqual([]);
      expect(changed).toContain("AuditEvent");
      const apiRow = (snapshot: typeof before) => without(rows(snapshot, "Api").find((candidate) => candidate.id === world.id)!, ["catalogVersionId", "updatedAt", "searchOperations"]);
      expect(apiRow(after)).toEqual(apiRow(before));
      // The other version is untouched.
      const baseRow = (snapshot: typeof before) => rows(snapshot, "ApiVersion").find((candidate) => candidate.id === baseId);
      expect(baseRow(after)).toEqual(baseRow(before));

      // The version.
      const version = await db.apiVersion.findUnique({ where: { id: targetId } });
      if (to === null) {
        expect(version).toBeNull();
        expect(await db.apiOperation.count({ where: { versionId: targetId } })).toBe(0);
        expect(await db.lifecycleEvent.count({ where: { versionId: targetId } })).toBe(0);
      } else {
        expect(version).not.toBeNull();
        const changedFields = {
          state: version!.state,
          publishedAt: version!.publishedAt,
          deprecatedAt: version!.deprecatedAt,
          sunsetAt: version!.sunsetAt,
          retiredAt: version!.retiredAt,
          replacementId: version!.replacementId,
        };
        const expected = {
          state: to,
          publishedAt: versionBefore.publishedAt,
          deprecatedAt: versionBefore.deprecatedAt,
          sunsetAt: versionBefore.sunsetAt,
          retiredAt: versionBefore.retiredAt,
          replacementId: versionBefore.replacementId,
        };
        const inCall = expect.toSatisfy((value: unknown) => value instanceof Date && value >= startedAt && value <= finishedAt);
        if (to === "PUBLISHED" && versionBefore.publishedAt === null) Object.assign(expected, { publishedAt: inCall });
        if (action === "deprecate") Object.assign(expected, { deprecatedAt: inCall, sunsetAt: SUNSET, replacementId: baseId });
        if (action === "undeprecate") Object.assign(expected, { deprecatedAt: null, sunsetAt: null, replacementId: null });
        if (action === "retire") Object.assign(expected, { retiredAt: inCall });
        expect(changedFields).toEqual(expected);
        // Nothing else of the version changed.
        const lifecycleFields = [...Object.keys(changedFields), "updatedAt"];
        expect(without(version!, lifecycleFields)).toEqual(without(versionBefore, lifecycleFields));

        // One LifecycleEvent.
        expect(addedRows(before, after, "LifecycleEvent").map(({ versionId, from: f, to: t, actorId, reason }) => ({ versionId, from: f, to: t, actorId, reason }))).toEqual([
          { versionId: targetId, from: STORED[from], to, actorId: user.id, reason: action === "reject" ? REASON : null },
        ]);
      }

      // One AuditEvent.
      const audits = addedRows(before, after, "AuditEvent");
      expect(audits.map(({ actorId, actorEmail, teamId, action: a, targetType, targetId: t, requestId: r, before: b, after: af }) => ({
        actorId,
        actorEmail,
        teamId,
        action: a,
        targetType,
        targetId: t,
        requestId: r,
        before: b,
        after: af,
      }))).toEqual([
        {
          actorId: user.id,
          actorEmail: user.email,
          teamId: people.team.id,
          action: AUDIT_ACTION[action],
          targetType: "api_version",
          targetId,
          requestId: id,
          before: { state: STORED[from] },
          after: {
            api: world.slug,
            version: TARGET,
            state: to ?? "DELETED",
            ...(action === "reject" ? { reason: REASON } : {}),
            ...(action === "deprecate" ? { sunsetAt: SUNSET.toISOString(), replacementVersion: BASE } : {}),
          },
        },
      ]);

      // The catalog shows the highest PUBLISHED version: 2.0.0 if it is now PUBLISHED, else 1.0.0.
      expect((await db.api.findUniqueOrThrow({ where: { id: world.id } })).catalogVersionId).toBe(to === "PUBLISHED" ? targetId : baseId);
    });
  }
});

describe("a caller who may not see the API", () => {
  it.each(FROM_STATES)("member of another team on a PRIVATE API, version %s: 404 for every action, the same answer as for a missing API", async (from) => {
    await clearApis(people);
    const world = await createApi(people, { visibility: "PRIVATE", versions: [{ version: BASE, state: "PUBLISHED" }, targetSpec(from, people)] }, { review: false });
    const outsider = tokenOf(people, people.outsider);
    const missing = await transition("no-such-api", TARGET, { action: "publish" }, { token: outsider });
    expectProblem(missing, 404, "not-found");
    const before = await snapshotDatabase();
    for (const action of ACTIONS) {
      const result = await transition(world.slug, TARGET, bodyFor(action), { token: outsider });
      expectProblem(result, 404, "not-found");
      expect(result.json.detail).toBe(missing.json.detail);
    }
    expect(await snapshotDatabase()).toEqual(before);
    // A member of the team, even a VIEWER, sees it: refused with 403.
    expectProblem(await transition(world.slug, TARGET, bodyFor("deprecate"), { token: tokenOf(people, people.members.VIEWER) }), 403, "forbidden");
  });

  it("a draft of a PUBLIC API is answered like a version that does not exist", async () => {
    const world = await buildWorld("DRAFT", false);
    const outsider = tokenOf(people, people.outsider);
    const draft = await transition(world.slug, TARGET, { action: "publish" }, { token: outsider });
    const missing = await transition(world.slug, "9.9.9", { action: "publish" }, { token: outsider });
    expectProblem(draft, 404, "not-found");
    expectProblem(missing, 404, "not-found");
    expect(draft.json.detail).toBe(missing.json.detail);
  });

  it("a PUBLIC API with drafts only is not seen by others at all", async () => {
    await clearApis(people);
    const world = await createApi(people, { visibility: "PUBLIC", versions: [{ version: TARGET, state: "DRAFT" }] }, { review: false });
    const before = await snapshotDatabase();
    const result = await transition(world.slug, TARGET, { action: "delete" }, { token: tokenOf(people, people.outsider) });
    expectProblem(result, 404, "not-found");
    expect(await snapshotDatabase()).toEqual(before);
  });
});
