// Who sees which API in the catalog: the search, the facets, the API page, the
// documents and the REST routes, for every kind of viewer and every kind of
// API. Hidden APIs are 404 and never counted. The world is read-only, so it is
// built once for the file.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { MaybeActor } from "@/lib/authz/actor";
import type { Visibility } from "@/lib/generated/prisma/enums";
import { canSeeApi, visibleApisSql, visibleApisWhere } from "@/lib/authz/permissions";
import { catalogFacets, searchCatalog } from "@/lib/catalog/search";
import { getApiOverview, getVersionDocument } from "@/lib/catalog/api-details";
import { createTeam } from "@/lib/teams/teams";
import { Prisma } from "@/lib/generated/prisma/client";
import { addMember, db, expectAppError, makeUser, resetDatabase, type TestUser } from "./helpers";
import { createApi, get, getJson, type VersionFixture } from "./catalog-fixtures";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as apisRoute from "@/app/api/v1/apis/route";
import * as apiRoute from "@/app/api/v1/apis/[slug]/route";
import * as versionsRoute from "@/app/api/v1/apis/[slug]/versions/route";
import * as jsonRoute from "@/app/api/v1/apis/[slug]/versions/[version]/openapi.json/route";
import * as yamlRoute from "@/app/api/v1/apis/[slug]/versions/[version]/openapi.yaml/route";

const VIEWERS = ["anonymous", "signed-in, no team", "member of another team", "member of the owner team", "platform admin"] as const;
type Viewer = (typeof VIEWERS)[number];
const NON_MEMBERS: readonly Viewer[] = ["anonymous", "signed-in, no team", "member of another team"];

interface Fixture {
  slug: string;
  team: "acme" | "globex";
  visibility: Visibility;
  category: string;
  tags: string[];
  /** A word found only in one operation of this API. */
  word: string;
  versions: VersionFixture[];
  seenBy: readonly Viewer[];
}

const EVERYONE = VIEWERS;
const SIGNED_IN: readonly Viewer[] = ["signed-in, no team", "member of another team", "member of the owner team", "platform admin"];
const ACME_AND_ADMINS: readonly Viewer[] = ["member of the owner team", "platform admin"];

const FIXTURES: Fixture[] = [
  {
    slug: "acme-public",
    team: "acme",
    visibility: "PUBLIC",
    category: "alpha",
    tags: ["shared", "public"],
    word: "quokka",
    versions: [
      { version: "1.0.0", state: "PUBLISHED" },
      { version: "1.1.0", state: "IN_REVIEW" },
      { version: "2.0.0", state: "DRAFT" },
    ],
    seenBy: EVERYONE,
  },
  { slug: "acme-retired", team: "acme", visibility: "PUBLIC", category: "alpha", tags: ["shared", "retired"], word: "wombat", versions: [{ version: "1.0.0", state: "RETIRED" }], seenBy: EVERYONE },
  { slug: "acme-internal", team: "acme", visibility: "INTERNAL", category: "beta", tags: ["shared", "internal"], word: "platypus", versions: [{ version: "1.0.0", state: "DEPRECATED" }], seenBy: SIGNED_IN },
  { slug: "acme-private", team: "acme", visibility: "PRIVATE", category: "gamma", tags: ["shared", "private"], word: "numbat", versions: [{ version: "1.0.0", state: "PUBLISHED" }], seenBy: ACME_AND_ADMINS },
  { slug: "acme-public-draft", team: "acme", visibility: "PUBLIC", category: "delta", tags: ["shared", "draft"], word: "bilby", versions: [{ version: "0.1.0", state: "DRAFT" }], seenBy: ACME_AND_ADMINS },
  {
    slug: "acme-internal-review",
    team: "acme",
    visibility: "INTERNAL",
    category: "delta",
    tags: ["shared", "draft"],
    word: "dingo",
    versions: [
      { version: "0.1.0", state: "DRAFT" },
      { version: "0.2.0", state: "IN_REVIEW" },
    ],
    seenBy: ACME_AND_ADMINS,
  },
  { slug: "acme-public-empty", team: "acme", visibility: "PUBLIC", category: "delta", tags: ["shared"], word: "echidna", versions: [], seenBy: ACME_AND_ADMINS },
  { slug: "globex-private", team: "globex", visibility: "PRIVATE", category: "gamma", tags: ["shared", "private"], word: "wallaby", versions: [{ version: "1.0.0", state: "PUBLISHED" }], seenBy: ["member of another team", "platform admin"] },
];

const hasCatalogVersion = (fixture: Fixture) => fixture.versions.some((v) => ["PUBLISHED", "DEPRECATED", "RETIRED"].includes(v.state));
const seen = (viewer: Viewer) => FIXTURES.filter((fixture) => fixture.seenBy.includes(viewer));
const hidden = (viewer: Viewer) => FIXTURES.filter((fixture) => !fixture.seenBy.includes(viewer));
const slugsOf = (items: { slug: string }[]) => items.map((item) => item.slug).sort();
const seesDrafts = (viewer: Viewer) => !NON_MEMBERS.includes(viewer);

/** Versions the viewer may list, newest first. */
function listedVersions(viewer: Viewer, fixture: Fixture): string[] {
  return fixture.versions
    .filter((v) => seesDrafts(viewer) || !["DRAFT", "IN_REVIEW"].includes(v.state))
    .map((v) => v.version)
    .reverse();
}

const users = {} as Record<Exclude<Viewer, "anonymous">, TestUser>;
const apiIds: Record<string, string> = {};

function actorOf(viewer: Viewer): MaybeActor {
  return viewer === "anonymous" ? null : users[viewer].actor;
}

beforeAll(async () => {
  await resetDatabase();
  const acmeOwner = await makeUser({ name: "Acme owner" });
  const acme = await createTeam(acmeOwner.actor, { slug: "acme", name: "Acme" });
  // The least team role is enough to see the team's PRIVATE and draft-only APIs.
  users["member of the owner team"] = await makeUser({ name: "Acme viewer" });
  await addMember(acme.id, users["member of the owner team"], "VIEWER");
  users["member of another team"] = await makeUser({ name: "Globex owner" });
  const globex = await createTeam(users["member of another team"].actor, { slug: "globex", name: "Globex" });
  users["signed-in, no team"] = await makeUser({ name: "Stranger" });
  users["platform admin"] = await makeUser({ name: "Root", platformRole: "ADMIN" });
  const teamIds = { acme: acme.id, globex: globex.id };
  for (const fixture of FIXTURES) {
    const created = await createApi({
      teamId: teamIds[fixture.team],
      slug: fixture.slug,
      name: fixture.slug.replace(/-/g, " "),
      summary: `The ${fixture.slug} API.`,
      visibility: fixture.visibility,
      tags: fixture.tags,
      category: fixture.category,
      actions: [`POST /widgets/{id}/${fixture.word} Make a ${fixture.word} of a widget`],
      versions: fixture.versions,
    });
    apiIds[fixture.slug] = created.id;
  }
});

describe.each(VIEWERS)("as %s", (viewer) => {
  it("the catalog lists and counts exactly the visible APIs", async () => {
    const actor = actorOf(viewer);
    const page = await searchCatalog(actor, { limit: 100 });
    expect(slugsOf(page.items)).toEqual(slugsOf(seen(viewer)));
    expect({ total: page.total, hasMore: page.hasMore }).toEqual({ total: seen(viewer).length, hasMore: false });
    for (const item of page.items) {
      // The version shown is the catalog's, or for the owner team the newest draft.
      const fixture = FIXTURES.find((f) => f.slug === item.slug)!;
      if (NON_MEMBERS.includes(viewer)) expect(["PUBLISHED", "DEPRECATED", "RETIRED"]).toContain(item.latestVersion?.state);
      if (fixture.slug === "acme-public") expect(item.latestVersion).toEqual({ version: "1.0.0", state: "PUBLISHED" });
      if (fixture.slug === "acme-internal-review") expect(item.latestVersion).toEqual({ version: "0.2.0", state: "IN_REVIEW" });
      if (fixture.slug === "acme-public-empty") expect(item.latestVersion).toBeNull();
    }
  });

  it("a search finds an API by its name or an operation only when it is visible", async () => {
    const actor = actorOf(viewer);
    for (const fixture of FIXTURES) {
      const byName = await searchCatalog(actor, { q: fixture.slug.replace(/-/g, " "), limit: 100 });
      expect(slugsOf(byName.items).includes(fixture.slug), `${fixture.slug} by name`).toBe(fixture.seenBy.includes(viewer));
      expect(byName.total).toBe(byName.items.length);

      const byOperation = await searchCatalog(actor, { q: fixture.word });
      const expected = fixture.seenBy.includes(viewer) && hasCatalogVersion(fixture) ? [fixture.slug] : [];
      expect(slugsOf(byOperation.items), `${fixture.slug} by operation`).toEqual(expected);
      expect(byOperation.total).toBe(expected.length);
    }
  });

  it("facets count only the visible APIs", async () => {
    const visible = seen(viewer);
    const count = <K extends string>(keys: K[]) => {
      const counts = new Map<K, number>();
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    };
    const teams = count(visible.map((f) => f.team));
    const tags = count(visible.flatMap((f) => f.tags));
    const categories = count(visible.map((f) => f.category));
    const facets = await catalogFacets(actorOf(viewer));
    expect(facets.teams).toEqual(
      [...teams].sort(([a], [b]) => (a < b ? -1 : 1)).map(([slug, n]) => ({ slug, name: slug === "acme" ? "Acme" : "Globex", count: n })),
    );
    expect(facets.tags).toEqual([...tags].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([value, n]) => ({ value, count: n })));
    expect(facets.categories).toEqual([...categories].sort(([a], [b]) => (a < b ? -1 : 1)).map(([value, n]) => ({ value, count: n })));
  });

  it("the API page and documents: visible ones answer, hidden ones are 404", async () => {
    const actor = actorOf(viewer);
    for (const fixture of seen(viewer)) {
      const overview = await getApiOverview(actor, fixture.slug);
      expect(overview.api.slug).toBe(fixture.slug);
      expect(overview.versions.map((v) => v.version), fixture.slug).toEqual(listedVersions(viewer, fixture));
      for (const version of fixture.versions) {
        const call = getVersionDocument(actor, fixture.slug, version.version);
        if (listedVersions(viewer, fixture).includes(version.version)) expect((await call).version.version).toBe(version.version);
        else await expectAppError(call, 404);
      }
      const latest = getVersionDocument(actor, fixture.slug, "latest");
      const expectedLatest = hasCatalogVersion(fixture) ? fixture.versions.find((v) => v.state !== "DRAFT" && v.state !== "IN_REVIEW")!.version : listedVersions(viewer, fixture)[0];
      if (expectedLatest) expect((await latest).version.version).toBe(expectedLatest);
      else await expectAppError(latest, 404);
    }
    for (const fixture of hidden(viewer)) {
      await expectAppError(getApiOverview(actor, fixture.slug), 404);
      await expectAppError(getVersionDocument(actor, fixture.slug, "latest"), 404);
      for (const version of fixture.versions) await expectAppError(getVersionDocument(actor, fixture.slug, version.version), 404);
    }
    await expectAppError(getApiOverview(actor, "no-such-api"), 404);
  });

  it("the REST routes agree: hidden APIs and versions are 404 problem+json, never 403 or 500", async () => {
    session.userId = viewer === "anonymous" ? null : users[viewer].id;
    try {
      const list = await getJson(apisRoute.GET, "/apis?limit=100");
      expect(list.status).toBe(200);
      expect(slugsOf(list.json.items)).toEqual(slugsOf(seen(viewer)));
      expect({ total: list.json.total, nextCursor: list.json.nextCursor }).toEqual({ total: seen(viewer).length, nextCursor: null });

      for (const fixture of FIXTURES) {
        const visible = fixture.seenBy.includes(viewer);
        const one = await getJson(apiRoute.GET, `/apis/${fixture.slug}`, { slug: fixture.slug });
        const versions = await getJson(versionsRoute.GET, `/apis/${fixture.slug}/versions`, { slug: fixture.slug });
        if (!visible) {
          for (const answer of [one, versions]) {
            expect({ status: answer.status, contentType: answer.contentType, type: answer.json.type }).toEqual({
              status: 404,
              contentType: "application/problem+json",
              type: "https://portico.dev/problems/not-found",
            });
          }
        } else {
          expect(one.status).toBe(200);
          expect(one.json).toMatchObject({ slug: fixture.slug, visibility: fixture.visibility, team: { slug: fixture.team } });
          expect(one.json.versions.map((v: { version: string }) => v.version)).toEqual(listedVersions(viewer, fixture));
          expect(versions.status).toBe(200);
          expect(versions.json).toEqual({ items: one.json.versions, nextCursor: null });
        }
        for (const version of [...fixture.versions.map((v) => v.version), "latest"]) {
          const mayDownload = visible && (version === "latest" ? hasCatalogVersion(fixture) || (seesDrafts(viewer) && fixture.versions.length > 0) : listedVersions(viewer, fixture).includes(version));
          for (const [format, route] of [["json", jsonRoute.GET], ["yaml", yamlRoute.GET]] as const) {
            const answer = await get(route, `/apis/${fixture.slug}/versions/${version}/openapi.${format}`, { slug: fixture.slug, version });
            expect({ status: answer.status, contentType: answer.contentType }, `${fixture.slug}@${version}.${format}`).toEqual(
              mayDownload ? { status: 200, contentType: `application/${format}; charset=utf-8` } : { status: 404, contentType: "application/problem+json" },
            );
          }
        }
      }
    } finally {
      session.userId = null;
    }
  });
});

describe("visibleApisSql, visibleApisWhere and canSeeApi", () => {
  it.each(VIEWERS)("admit exactly the same APIs for %s", async (viewer) => {
    const actor = actorOf(viewer);
    const teams = actor ? (await db.membership.findMany({ where: { userId: actor.userId }, select: { teamId: true } })).map((m) => m.teamId) : [];
    const viaSql = await db.$queryRaw<{ id: string }[]>(Prisma.sql`SELECT a."id" FROM "Api" a WHERE ${visibleApisSql(actor)}`);
    const viaWhere = await db.api.findMany({ where: visibleApisWhere(actor, teams), select: { id: true } });
    const all = await db.api.findMany({ select: { id: true, teamId: true, visibility: true, catalogVersionId: true } });
    const viaFunction = all.filter((api) => canSeeApi(actor, { visibility: api.visibility, actorIsTeamMember: teams.includes(api.teamId), hasCatalogVersion: api.catalogVersionId != null }));
    const expected = seen(viewer).map((fixture) => apiIds[fixture.slug]).sort();
    expect(all).toHaveLength(FIXTURES.length);
    expect(viaSql.map((row) => row.id).sort()).toEqual(expected);
    expect(viaWhere.map((row) => row.id).sort()).toEqual(expected);
    expect(viaFunction.map((row) => row.id).sort()).toEqual(expected);
  });
});
