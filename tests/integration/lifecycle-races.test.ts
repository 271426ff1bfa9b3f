// Transitions of the same version at once, through the REST API. Forced races
// hold the version's row locked until every call has passed its checks and
// waits at its write, so only the conditional update decides: exactly one
// wins, the others get 409 concurrent-change and change nothing. Free races
// (plain Promise.all) must end in a state some serial order of the calls
// would have produced.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db, resetDatabase, type TestUser } from "./helpers";
import {
  DAY,
  catalogVersionOf,
  clearApis,
  createApi,
  eventsOf,
  expectProblem,
  makePeople,
  raceAtRow,
  tokenOf,
  transition,
  type CallResult,
  type People,
} from "./lifecycle-fixtures";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

let people: People;

beforeAll(async () => {
  await resetDatabase();
  people = await makePeople();
});

beforeEach(async () => {
  await clearApis(people);
});

const days = (n: number) => new Date(Date.now() + n * DAY);
const as = (user: TestUser) => ({ token: tokenOf(people, user) });
const statuses = (results: CallResult[]) => results.map((result) => result.status);

async function auditsFor(versionId: string) {
  return db.auditEvent.findMany({ where: { targetId: versionId }, select: { action: true, actorId: true } });
}

describe("forced: every call has passed its checks before any writes", () => {
  it("publish and delete of the same draft: the first wins, the other gets 409 and changes nothing", async () => {
    for (const first of ["publish", "delete"] as const) {
      await clearApis(people);
      const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
      const id = api.ids["1.0.0"];
      const second = first === "publish" ? "delete" : "publish";
      const [winner, loser] = await raceAtRow("ApiVersion", id, [
        () => transition(api.slug, "1.0.0", { action: first }, as(people.members.ADMIN)),
        () => transition(api.slug, "1.0.0", { action: second }, as(people.members.OWNER)),
      ]);
      expect(statuses([winner, loser])).toEqual([200, 409]);
      expectProblem(loser, 409, "concurrent-change");
      if (first === "publish") {
        expect((await db.apiVersion.findUniqueOrThrow({ where: { id } })).state).toBe("PUBLISHED");
        expect(await eventsOf(id)).toEqual([{ from: "DRAFT", to: "PUBLISHED", actorId: people.members.ADMIN.id, reason: null }]);
        expect(await catalogVersionOf(api.id)).toBe(id);
      } else {
        expect(await db.apiVersion.findUnique({ where: { id } })).toBeNull();
        expect(await catalogVersionOf(api.id)).toBeNull();
      }
      expect(await auditsFor(id)).toEqual([{ action: first === "publish" ? "version.published" : "version.deleted", actorId: people.members.ADMIN.id }]);
    }
  });

  it("two ADMINs approving the same review: exactly one wins, one LifecycleEvent to PUBLISHED, the loser gets 409", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "IN_REVIEW", submitter: people.members.DEVELOPER }] }, { review: true });
    const id = api.ids["1.0.0"];
    const results = await raceAtRow("ApiVersion", id, [
      () => transition(api.slug, "1.0.0", { action: "approve" }, as(people.members.ADMIN)),
      () => transition(api.slug, "1.0.0", { action: "approve" }, as(people.secondAdmin)),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
    expectProblem(results[1], 409, "concurrent-change");
    expect(await eventsOf(id)).toEqual([
      { from: "DRAFT", to: "IN_REVIEW", actorId: people.members.DEVELOPER.id, reason: null },
      { from: "IN_REVIEW", to: "PUBLISHED", actorId: people.members.ADMIN.id, reason: null },
    ]);
    expect(await auditsFor(id)).toEqual([{ action: "version.approved", actorId: people.members.ADMIN.id }]);
  });

  it("an approval and a sending back at once: one decision only", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "IN_REVIEW", submitter: people.members.DEVELOPER }] }, { review: true });
    const id = api.ids["1.0.0"];
    const results = await raceAtRow("ApiVersion", id, [
      () => transition(api.slug, "1.0.0", { action: "reject", reason: "The examples are missing." }, as(people.secondAdmin)),
      () => transition(api.slug, "1.0.0", { action: "approve" }, as(people.members.ADMIN)),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
    expect((await db.apiVersion.findUniqueOrThrow({ where: { id } })).state).toBe("DRAFT");
    expect((await eventsOf(id)).map((event) => event.to)).toEqual(["IN_REVIEW", "DRAFT"]);
  });

  it("two deprecations of the same version with different sunsets: the first wins and its sunset is kept", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }] }, { review: false });
    const id = api.ids["1.0.0"];
    const [early, late] = [days(40), days(90)];
    const results = await raceAtRow("ApiVersion", id, [
      () => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: early }, as(people.members.ADMIN)),
      () => transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: late }, as(people.members.OWNER)),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
    expect(await db.apiVersion.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "DEPRECATED", sunsetAt: early });
    expect(await eventsOf(id)).toHaveLength(1);
    expect(await auditsFor(id)).toHaveLength(1);
  });

  it("ten publishes of the same draft: the first wins, nine get 409", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
    const id = api.ids["1.0.0"];
    const callers = [people.members.OWNER, people.members.ADMIN, people.secondAdmin, people.platformAdmin];
    const results = await raceAtRow(
      "ApiVersion",
      id,
      Array.from({ length: 10 }, (_, index) => () => transition(api.slug, "1.0.0", { action: "publish" }, as(callers[index % callers.length]))),
    );
    expect(statuses(results)).toEqual([200, ...Array(9).fill(409)]);
    for (const loser of results.slice(1)) expectProblem(loser, 409, "concurrent-change");
    expect(await eventsOf(id)).toHaveLength(1);
    expect(await auditsFor(id)).toHaveLength(1);
  });
});

describe("free: Promise.all, whatever the interleaving", () => {
  it("ten parallel publishes of the same draft: exactly one 200, nine 409, one LifecycleEvent", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
    const id = api.ids["1.0.0"];
    const callers = [people.members.OWNER, people.members.ADMIN, people.secondAdmin, people.platformAdmin];
    const results = await Promise.all(Array.from({ length: 10 }, (_, index) => transition(api.slug, "1.0.0", { action: "publish" }, as(callers[index % callers.length]))));
    expect(statuses(results).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect(await eventsOf(id)).toHaveLength(1);
    expect(await auditsFor(id)).toHaveLength(1);
    expect((await db.apiVersion.findUniqueOrThrow({ where: { id } })).state).toBe("PUBLISHED");
  });

  it("two ADMINs approving at once: exactly one wins", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "IN_REVIEW", submitter: people.members.DEVELOPER }] }, { review: true });
    const id = api.ids["1.0.0"];
    const results = await Promise.all([
      transition(api.slug, "1.0.0", { action: "approve" }, as(people.members.ADMIN)),
      transition(api.slug, "1.0.0", { action: "approve" }, as(people.secondAdmin)),
    ]);
    expect(statuses(results).sort()).toEqual([200, 409]);
    const winner = results[0].status === 200 ? people.members.ADMIN : people.secondAdmin;
    expect((await eventsOf(id)).filter((event) => event.to === "PUBLISHED")).toEqual([{ from: "IN_REVIEW", to: "PUBLISHED", actorId: winner.id, reason: null }]);
  });

  it("publish and delete of the same draft: one wins; the loser gets 409 (or 404 when the draft is already gone)", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "DRAFT" }] }, { review: false });
    const id = api.ids["1.0.0"];
    const [publish, remove] = await Promise.all([
      transition(api.slug, "1.0.0", { action: "publish" }, as(people.members.ADMIN)),
      transition(api.slug, "1.0.0", { action: "delete" }, as(people.members.OWNER)),
    ]);
    const row = await db.apiVersion.findUnique({ where: { id } });
    if (publish.status === 200) {
      expect(remove.status).toBe(409);
      expect(row?.state).toBe("PUBLISHED");
      expect(await eventsOf(id)).toHaveLength(1);
    } else {
      expect(remove.status).toBe(200);
      expect([404, 409]).toContain(publish.status);
      expect(row).toBeNull();
    }
    expect(await auditsFor(id)).toHaveLength(1);
  });

  it("deprecate and retire of a published version: deprecate wins, retire is refused (before the sunset either way)", async () => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }] }, { review: false });
    const id = api.ids["1.0.0"];
    const results = await Promise.all([
      transition(api.slug, "1.0.0", { action: "deprecate", sunsetAt: days(40) }, as(people.members.ADMIN)),
      transition(api.slug, "1.0.0", { action: "retire" }, as(people.members.OWNER)),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
    expect((await db.apiVersion.findUniqueOrThrow({ where: { id } })).state).toBe("DEPRECATED");
    expect(await eventsOf(id)).toHaveLength(1);
  });

  it.each([
    ["deprecate and undeprecate of a published version", "PUBLISHED", ["deprecate", "undeprecate"]],
    ["publish and deprecate of a draft", "DRAFT", ["publish", "deprecate"]],
  ] as const)("%s: the outcome is that of some serial order", async (_label, state, actions) => {
    const api = await createApi(people, { versions: [{ version: "1.0.0", state }] }, { review: false });
    const id = api.ids["1.0.0"];
    const bodyOf = (action: string) => (action === "deprecate" ? { action, sunsetAt: days(40) } : { action });
    const results = await Promise.all(actions.map((action, index) => transition(api.slug, "1.0.0", bodyOf(action), as(index === 0 ? people.members.ADMIN : people.members.OWNER))));
    // The first always succeeds on its own; the second only if it came after the first.
    expect(results[0].status).toBe(200);
    expect([200, 409]).toContain(results[1].status);
    const events = await eventsOf(id);
    expect(events).toHaveLength(statuses(results).filter((status) => status === 200).length);
    // Each event starts where the one before ended; the version is where the last one ended.
    let current: string = state;
    for (const event of events) {
      expect(event.from).toBe(current);
      current = event.to;
    }
    expect((await db.apiVersion.findUniqueOrThrow({ where: { id } })).state).toBe(current);
    expect(await auditsFor(id)).toHaveLength(events.length);
  });
});
