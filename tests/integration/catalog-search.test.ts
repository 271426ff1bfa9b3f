// The catalog search against real PostgreSQL: prefixes as you type, ranking,
// typos, operations, filters, sorts, pages and the REST cursor, input
// validation and hostile input. The world is read-only, built once.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { MaybeActor } from "@/lib/authz/actor";
import { searchCatalog } from "@/lib/catalog/search";
import type { CatalogQueryInput } from "@/lib/catalog/query";
import { operationAnchor } from "@/lib/specs/operations";
import { createTeam } from "@/lib/teams/teams";
import { addMember, db, makeUser, resetDatabase, type TestUser } from "./helpers";
import { createApi, getJson, type ApiFixture } from "./catalog-fixtures";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as apisRoute from "@/app/api/v1/apis/route";

type Fixture = Omit<ApiFixture, "teamId"> & { team: "payments" | "logistics" };

const FIXTURES: Fixture[] = [
  {
    team: "payments",
    slug: "payments",
    name: "Payments",
    summary: "Charge cards and wallets.",
    tags: ["payments", "cards"],
    category: "Payments",
    visibility: "PUBLIC",
    resources: ["charges", "refunds"],
    actions: ["POST /charges/{id}/capture Capture an authorised charge"],
    versions: [{ version: "1.0.0", state: "PUBLISHED" }],
  },
  {
    team: "payments",
    slug: "payouts",
    name: "Payouts",
    summary: "Send money to bank accounts.",
    tags: ["payments", "banking"],
    category: "Payments",
    visibility: "INTERNAL",
    resources: ["payouts", "recipients"],
    actions: ["POST /batches/{id}/submit Submit a payout batch for approval"],
    versions: [
      { version: "1.0.0", state: "PUBLISHED" },
      // A word only the newer draft's operations have.
      { version: "2.0.0", state: "DRAFT", actions: ["POST /payouts/{id}/teleport Teleport a payout instantly"] },
    ],
  },
  { team: "logistics", slug: "shipping-rates", name: "Shipping Rates", summary: "Compare carrier rates and delivery times.", tags: ["shipping", "logistics"], category: "Logistics", visibility: "PUBLIC", resources: ["rates", "carriers"], versions: [{ version: "1.0.0", state: "PUBLISHED" }] },
  { team: "payments", slug: "ledger", name: "Ledger", summary: "Double-entry accounts and journal entries.", tags: ["accounting"], category: "Finance", visibility: "PUBLIC", resources: ["accounts", "entries"], versions: [{ version: "1.0.0", state: "PUBLISHED" }] },
  {
    team: "payments",
    slug: "accounting-exports",
    name: "Accounting Exports",
    summary: "Nightly exports of bookkeeping data.",
    description: "Sends every booking to the general ledger each night, as CSV or JSON.",
    tags: ["accounting"],
    category: "Finance",
    visibility: "PUBLIC",
    resources: ["exports"],
    versions: [{ version: "1.0.0", state: "PUBLISHED" }],
  },
  { team: "logistics", slug: "legacy-tracking", name: "Legacy Tracking", summary: "Parcel tracking, old style.", tags: ["logistics"], category: "Logistics", visibility: "PUBLIC", resources: ["parcels"], versions: [{ version: "1.0.0", state: "DEPRECATED" }] },
  { team: "logistics", slug: "old-labels", name: "Old Labels", summary: "Printed labels of the old carrier.", tags: ["logistics"], category: "Logistics", visibility: "INTERNAL", resources: ["labels"], versions: [{ version: "1.0.0", state: "RETIRED" }] },
  { team: "payments", slug: "draft-ideas", name: "Draft Ideas", summary: "Not ready yet.", tags: ["payments"], category: "Payments", visibility: "PUBLIC", resources: ["ideas"], versions: [{ version: "0.1.0", state: "DRAFT" }] },
  { team: "payments", slug: "fraud-signals", name: "Fraud Signals", summary: "Risk scores for payments.", tags: ["risk"], category: "Risk", visibility: "PRIVATE", resources: ["assessments"], versions: [{ version: "1.0.0", state: "PUBLISHED" }] },
];

/** What a signed-in non-member sees, by name. */
const OUTSIDER_VIEW = ["accounting-exports", "ledger", "legacy-tracking", "old-labels", "payments", "payouts", "shipping-rates"];
/** The order of the updatedAt timestamps set below, newest first. */
const BY_UPDATED = ["old-labels", "payments", "shipping-rates", "ledger", "payouts", "legacy-tracking", "accounting-exports", "draft-ideas", "fraud-signals"];

let outsider: TestUser;
let member: TestUser;

beforeAll(async () => {
  await resetDatabase();
  const paymentsOwner = await makeUser({ name: "Payments owner" });
  const payments = await createTeam(paymentsOwner.actor, { slug: "payments", name: "Payments team" });
  const logisticsOwner = await makeUser({ name: "Logistics owner" });
  const logistics = await createTeam(logisticsOwner.actor, { slug: "logistics", name: "Logistics team" });
  member = await makeUser({ name: "Payments developer" });
  await addMember(payments.id, member, "DEVELOPER");
  outsider = logisticsOwner;
  // A signed-in user of no team sees the same as a member of another team here,
  // except for that team's own APIs; logistics has no PRIVATE or draft-only API.
  const teamIds = { payments: payments.id, logistics: logistics.id };
  for (const { team, ...fixture } of FIXTURES) await createApi({ ...fixture, teamId: teamIds[team] });
  const now = Date.now();
  for (const [index, slug] of BY_UPDATED.entries()) {
    await db.$executeRaw`UPDATE "Api" SET "updatedAt" = ${new Date(now - index * 60_000)} WHERE "slug" = ${slug}`;
  }
});

const slugs = (page: { items: { slug: string }[] }) => page.items.map((item) => item.slug);
const search = (actor: MaybeActor, input: CatalogQueryInput) => searchCatalog(actor, { limit: 100, ...input });

describe("matching", () => {
  it("matches prefixes as you type, in any case", async () => {
    for (const q of ["s", "sh", "shi", "ship", "shipp", "shippi", "shippin", "shipping", "Shipping R", "shipping ra", "SHIPPING RATES"]) {
      expect(slugs(await search(null, { q })), q).toContain("shipping-rates");
    }
    const pay = slugs(await search(outsider.actor, { q: "pay" }));
    expect(pay).toEqual(expect.arrayContaining(["payments", "payouts"]));
    // Every word must match (or the whole query be close to the API's words).
    expect(slugs(await search(null, { q: "journal entr" }))).toEqual(["ledger"]);
    expect((await search(null, { q: "journal carrier" })).total).toBe(0);
  });

  it("ranks a match in the name above one in the description only", async () => {
    for (const q of ["ledger", "ledg", "Ledger"]) {
      expect(slugs(await search(null, { q })), q).toEqual(["ledger", "accounting-exports"]);
    }
    // Also without the exact-name bonus: a tag (weight B) outranks the description (D).
    expect(slugs(await search(null, { q: "accounting" }))).toEqual(["accounting-exports", "ledger"]);
  });

  it("tolerates a typo in a name", async () => {
    expect(slugs(await search(null, { q: "shiping" }))[0]).toBe("shipping-rates");
    expect(slugs(await search(null, { q: "ledgr" }))[0]).toBe("ledger");
    expect(slugs(await search(outsider.actor, { q: "paymnts" }))).toContain("payments");
    expect(slugs(await search(outsider.actor, { q: "payouts" }))[0]).toBe("payouts");
  });

  it("finds an API by a word of one operation, with that operation and its docs anchor", async () => {
    const page = await search(outsider.actor, { q: "approval" });
    expect(slugs(page)).toEqual(["payouts"]);
    const operation = await db.apiOperation.findFirstOrThrow({ where: { path: "/batches/{id}/submit", version: { version: "1.0.0", api: { slug: "payouts" } } } });
    expect(page.items[0].operationHits).toEqual([
      { method: "POST", path: "/batches/{id}/submit", summary: "Submit a payout batch for approval", anchor: "/Batches/submitAPayoutBatch" },
    ]);
    expect(operationAnchor(operation)).toBe("/Batches/submitAPayoutBatch");

    const capture = await search(null, { q: "capture authorised" });
    expect(slugs(capture)).toEqual(["payments"]);
    expect(capture.items[0].operationHits).toEqual([{ method: "POST", path: "/charges/{id}/capture", summary: "Capture an authorised charge", anchor: "/Charges/captureAnAuthorisedCharge" }]);

    // Without a query there are no hits to show.
    expect((await search(null, { q: "" })).items.every((item) => item.operationHits.length === 0)).toBe(true);
  });

  it("the REST list carries the operation hits", async () => {
    session.userId = outsider.id;
    try {
      const { status, json } = await getJson(apisRoute.GET, "/apis?q=approval");
      expect(status).toBe(200);
      expect(json.items).toHaveLength(1);
      expect(json.items[0]).toMatchObject({ slug: "payouts", latestVersion: { version: "1.0.0", state: "PUBLISHED" }, operationHits: [{ anchor: "/Batches/submitAPayoutBatch" }] });
    } finally {
      session.userId = null;
    }
  });

  it("does not search operations of versions outside the catalog for non-members", async () => {
    for (const actor of [null, outsider.actor]) {
      const page = await search(actor, { q: "teleport" });
      expect({ total: page.total, items: page.items }).toEqual({ total: 0, items: [] });
    }
    // The draft's copy of the approval operation is not a second hit.
    expect((await search(outsider.actor, { q: "approval" })).items[0].operationHits).toHaveLength(1);
  });
});

describe("filters and sorts", () => {
  it.each<[string, CatalogQueryInput, string[], string[]]>([
    ["team", { team: "logistics" }, ["legacy-tracking", "old-labels", "shipping-rates"], ["legacy-tracking", "old-labels", "shipping-rates"]],
    ["unknown team", { team: "nobody" }, [], []],
    ["tag", { tag: "accounting" }, ["accounting-exports", "ledger"], ["accounting-exports", "ledger"]],
    ["category", { category: "Payments" }, ["payments", "payouts"], ["draft-ideas", "payments", "payouts"]],
    ["state PUBLISHED", { state: "PUBLISHED" }, ["accounting-exports", "ledger", "payments", "payouts", "shipping-rates"], ["accounting-exports", "fraud-signals", "ledger", "payments", "payouts", "shipping-rates"]],
    ["state DEPRECATED", { state: "DEPRECATED" }, ["legacy-tracking"], ["legacy-tracking"]],
    ["state RETIRED", { state: "RETIRED" }, ["old-labels"], ["old-labels"]],
    ["state DRAFT", { state: "DRAFT" }, [], ["draft-ideas"]],
    ["visibility INTERNAL", { visibility: "INTERNAL" }, ["old-labels", "payouts"], ["old-labels", "payouts"]],
    ["visibility PRIVATE", { visibility: "PRIVATE" }, [], ["fraud-signals"]],
    ["query and visibility", { q: "pay", visibility: "PUBLIC" }, ["payments"], ["draft-ideas", "payments"]],
    ["team and tag", { team: "payments", tag: "payments" }, ["payments", "payouts"], ["draft-ideas", "payments", "payouts"]],
  ])("filters by %s", async (_label, input, forOutsider, forMember) => {
    const outsiderPage = await search(outsider.actor, input);
    expect(slugs(outsiderPage).sort()).toEqual(forOutsider);
    expect(outsiderPage.total).toBe(forOutsider.length);
    const memberPage = await search(member.actor, input);
    expect(slugs(memberPage).sort()).toEqual(forMember);
    expect(memberPage.total).toBe(forMember.length);
  });

  it("sorts by name without a query, by relevance with one, and as asked", async () => {
    expect(slugs(await search(outsider.actor, {}))).toEqual(OUTSIDER_VIEW);
    expect(slugs(await search(outsider.actor, { sort: "name" }))).toEqual(OUTSIDER_VIEW);
    expect(slugs(await search(outsider.actor, { sort: "updated" }))).toEqual(BY_UPDATED.filter((slug) => OUTSIDER_VIEW.includes(slug)));
    expect(slugs(await search(member.actor, { sort: "updated" }))).toEqual(BY_UPDATED);
    expect(slugs(await search(null, { q: "ledger", sort: "name" }))).toEqual(["accounting-exports", "ledger"]);
    expect(slugs(await search(null, { q: "ledger", sort: "relevance" }))).toEqual(["ledger", "accounting-exports"]);
  });
});

describe("pages", () => {
  it("pages through the results with page, limit, total and hasMore", async () => {
    const pages = [];
    for (let page = 1; page <= 3; page++) pages.push(await searchCatalog(outsider.actor, { page, limit: 3 }));
    expect(pages.map((p) => ({ page: p.page, limit: p.limit, total: p.total, hasMore: p.hasMore, count: p.items.length }))).toEqual([
      { page: 1, limit: 3, total: 7, hasMore: true, count: 3 },
      { page: 2, limit: 3, total: 7, hasMore: true, count: 3 },
      { page: 3, limit: 3, total: 7, hasMore: false, count: 1 },
    ]);
    expect(pages.flatMap(slugs)).toEqual(OUTSIDER_VIEW);
    const exact = await searchCatalog(outsider.actor, { page: 1, limit: 7 });
    expect({ hasMore: exact.hasMore, total: exact.total }).toEqual({ hasMore: false, total: 7 });
    const past = await searchCatalog(outsider.actor, { page: 4, limit: 3 });
    expect({ items: past.items, hasMore: past.hasMore }).toEqual({ items: [], hasMore: false });
  });

  it("the REST cursor round-trips through every page", async () => {
    session.userId = outsider.id;
    try {
      const seen: string[] = [];
      let path = "/apis?limit=2";
      for (let requests = 0; requests < 10; requests++) {
        const { status, json } = await getJson(apisRoute.GET, path);
        expect(status).toBe(200);
        expect(json.total).toBe(7);
        seen.push(...json.items.map((item: { slug: string }) => item.slug));
        if (json.nextCursor === null) break;
        expect(json.nextCursor).toMatch(/^[\w-]+$/);
        path = `/apis?limit=2&cursor=${json.nextCursor}`;
      }
      expect(seen).toEqual(OUTSIDER_VIEW);
    } finally {
      session.userId = null;
    }
  });

  const b64 = (text: string) => Buffer.from(text).toString("base64url");
  it.each([
    ["not base64 of a page", "forged"],
    ["a page that is not a number", b64("page:two")],
    ["another prefix", b64("offset:2")],
    ["a page number too long", b64("page:123456")],
    ["a cursor over 100 characters", "A".repeat(101)],
    ["page zero", b64("page:0")],
    ["a page past the limit", b64("page:99999")],
  ])("refuses a forged cursor (%s) with 422 problem+json", async (label, cursor) => {
    const { status, contentType, json } = await getJson(apisRoute.GET, `/apis?cursor=${encodeURIComponent(cursor)}`);
    expect({ status, contentType, type: json.type }).toEqual({ status: 422, contentType: "application/problem+json", type: "https://portico.dev/problems/validation" });
    // Out-of-range pages pass the cursor's own check and are refused by the
    // page schema, whose pointer is "/page" (a parameter the REST API lacks).
    expect(json.errors).toEqual([expect.objectContaining({ pointer: "/cursor" })]);
  });
});

describe("input", () => {
  it.each([
    ["state=bogus", "/state"],
    ["visibility=SECRET", "/visibility"],
    ["sort=random", "/sort"],
    ["limit=0", "/limit"],
    ["limit=101", "/limit"],
    ["limit=ten", "/limit"],
    [`q=${"a".repeat(201)}`, "/q"],
    [`team=${"t".repeat(49)}`, "/team"],
  ])("answers 422 with a pointer for %s", async (query, pointer) => {
    const { status, contentType, json } = await getJson(apisRoute.GET, `/apis?${query}`);
    expect({ status, contentType }).toEqual({ status: 422, contentType: "application/problem+json" });
    expect(json).toMatchObject({ type: "https://portico.dev/problems/validation", status: 422, errors: [expect.objectContaining({ pointer })] });
  });

  it("the domain function refuses invalid input too", async () => {
    await expect(searchCatalog(null, { state: "bogus" as never })).rejects.toThrow();
    await expect(searchCatalog(null, { q: "a".repeat(201) })).rejects.toThrow();
    await expect(searchCatalog(null, { page: 0 })).rejects.toThrow();
  });

  const HOSTILE = [
    "'",
    '"',
    "\\",
    "\\'",
    "pay:*",
    ":*",
    "&|!()",
    "pay & !ship | (led)",
    "<->",
    "pay <-> ment",
    "%",
    "_",
    "%_%",
    "'; DROP TABLE \"Api\"; --",
    "1' OR '1'='1",
    "$1",
    "?",
    "*",
    "pay\u0000ments",
    "\u0000",
    "\t\n\r",
    "Zahlungsverkehr über Grenzen",
    "日本語の検索",
    "💳 pay 🚚",
    "مدفوعات",
    "e\u0301",
    "\u200b\u200bpay",
    "a".repeat(200),
    "pay ".repeat(50),
    "é".repeat(200),
    "日".repeat(200),
    "'".repeat(200),
    "😀".repeat(100),
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
  ];

  it("never fails on hostile search input, in the domain function or over REST", async () => {
    const before = await db.api.count();
    for (const q of HOSTILE) {
      for (const actor of [null, member.actor]) {
        const page = await searchCatalog(actor, { q });
        expect(page.items.length, JSON.stringify(q)).toBe(page.total);
      }
      const rest = await getJson(apisRoute.GET, `/apis?${new URLSearchParams({ q })}`);
      expect(rest.status, JSON.stringify(q)).toBe(200);
      expect(Array.isArray(rest.json.items)).toBe(true);
    }
    // NUL, which PostgreSQL text cannot hold, in any free-text parameter.
    for (const query of ["q=%00", "q=pay%00", "team=a%00b", "tag=%00", "category=Pay%00ments"]) {
      const rest = await getJson(apisRoute.GET, `/apis?${query}`);
      expect(rest.status, query).toBe(200);
    }
    expect(await db.api.count()).toBe(before);
    // Operators are words to the search, not syntax.
    expect(slugs(await search(null, { q: "pay:*" }))).toEqual(["payments"]);
    expect(slugs(await search(null, { q: "'ledger'" }))).toEqual(["ledger", "accounting-exports"]);
  });
});
