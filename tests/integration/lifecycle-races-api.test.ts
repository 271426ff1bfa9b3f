// Transitions of two versions of the same API at once, through the REST API.
// Each call checks and writes one version, then recomputes the API's catalog
// version; the result must be what the two calls one after the other give.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db, resetDatabase, type TestUser } from "./helpers";
import { DAY, catalogVersionOf, clearApis, createApi, makePeople, raceAtRow, tokenOf, transition, type CallResult, type People } from "./lifecycle-fixtures";

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

describe("publishing 2.0.0 while deprecating 1.0.0: the catalog shows 2.0.0, the highest PUBLISHED version", () => {
  const api = () => createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }, { version: "2.0.0", state: "DRAFT" }] }, { review: false });

  it("forced: both held at the Api row, the deprecation last", async () => {
    const created = await api();
    const results = await raceAtRow("Api", created.id, [
      () => transition(created.slug, "2.0.0", { action: "publish" }, as(people.members.ADMIN)),
      () => transition(created.slug, "1.0.0", { action: "deprecate", sunsetAt: days(40) }, as(people.members.OWNER)),
    ]);
    expect(statuses(results)).toEqual([200, 200]);
    expect(await db.apiVersion.findMany({ where: { apiId: created.id }, orderBy: { version: "asc" }, select: { version: true, state: true } })).toEqual([
      { version: "1.0.0", state: "DEPRECATED" },
      { version: "2.0.0", state: "PUBLISHED" },
    ]);
    expect(await catalogVersionOf(created.id)).toBe(created.ids["2.0.0"]);
  });

  it("free: Promise.all, five rounds", async () => {
    for (let round = 0; round < 5; round += 1) {
      await clearApis(people);
      const created = await api();
      const results = await Promise.all([
        transition(created.slug, "2.0.0", { action: "publish" }, as(people.members.ADMIN)),
        transition(created.slug, "1.0.0", { action: "deprecate", sunsetAt: days(40) }, as(people.members.OWNER)),
      ]);
      expect(statuses(results)).toEqual([200, 200]);
      expect(await catalogVersionOf(created.id)).toBe(created.ids["2.0.0"]);
    }
  });
});

describe("two versions deprecated at once, each naming the other as its replacement", () => {
  // Serially the second is refused (422: its replacement is no longer
  // PUBLISHED). At once, both may pass the check before either writes.
  it("forced: at most one succeeds; no DEPRECATED version names a non-PUBLISHED replacement it was given", async () => {
    const created = await createApi(people, { versions: [{ version: "1.0.0", state: "PUBLISHED" }, { version: "2.0.0", state: "PUBLISHED" }] }, { review: false });
    const results = await raceAtRow("Api", created.id, [
      () => transition(created.slug, "1.0.0", { action: "deprecate", sunsetAt: days(40), replacementVersion: "2.0.0" }, as(people.members.ADMIN)),
      () => transition(created.slug, "2.0.0", { action: "deprecate", sunsetAt: days(40), replacementVersion: "1.0.0" }, as(people.members.OWNER)),
    ]);
    expect(statuses(results).filter((status) => status === 200)).toHaveLength(1);
    expect(await db.apiVersion.count({ where: { apiId: created.id, state: "PUBLISHED" } })).toBe(1);
  });
});
