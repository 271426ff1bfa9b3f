// Which version the catalog shows (refreshCatalogVersion), and the OpenAPI
// downloads in JSON and YAML, through the domain function and the REST routes.
import { beforeAll, describe, expect, it, vi } from "vitest";
import YAML from "yaml";
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import type { OpenApiDocument } from "@/lib/specs/operations";
import { refreshCatalogVersion, storeVersion } from "@/lib/catalog/versions";
import { documentDownload } from "@/lib/catalog/download";
import { createTeam } from "@/lib/teams/teams";
import { db, expectAppError, makeUser, resetDatabase, type TestUser } from "./helpers";
import { createApi, get, type VersionFixture } from "./catalog-fixtures";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as jsonRoute from "@/app/api/v1/apis/[slug]/versions/[version]/openapi.json/route";
import * as yamlRoute from "@/app/api/v1/apis/[slug]/versions/[version]/openapi.yaml/route";

let owner: TestUser;
let teamId: string;
let sequence = 0;

beforeAll(async () => {
  await resetDatabase();
  owner = await makeUser({ name: "Owner" });
  teamId = (await createTeam(owner.actor, { slug: "owners", name: "Owners" })).id;
});

async function catalogVersionOf(apiId: string): Promise<string | null> {
  const api = await db.api.findUniqueOrThrow({ where: { id: apiId }, select: { catalogVersion: { select: { version: true } } } });
  return api.catalogVersion?.version ?? null;
}

async function apiWith(versions: VersionFixture[]) {
  sequence += 1;
  return createApi({ teamId, slug: `api-${sequence}`, name: `API ${sequence}`, visibility: "PUBLIC", versions });
}

const v = (version: string, state: LifecycleState): VersionFixture => ({ version, state });

describe("refreshCatalogVersion", () => {
  it.each<[string, VersionFixture[], string | null]>([
    ["the highest PUBLISHED, by semver not by text", [v("1.9.0", "PUBLISHED"), v("1.10.0", "PUBLISHED"), v("1.2.0", "PUBLISHED")], "1.10.0"],
    ["a PUBLISHED over a higher DEPRECATED", [v("1.0.0", "PUBLISHED"), v("2.0.0", "DEPRECATED")], "1.0.0"],
    ["a PUBLISHED over higher drafts and reviews", [v("1.0.0", "PUBLISHED"), v("2.0.0", "DRAFT"), v("3.0.0", "IN_REVIEW")], "1.0.0"],
    ["else the highest DEPRECATED", [v("1.2.0", "DEPRECATED"), v("1.10.0", "DEPRECATED"), v("2.0.0", "RETIRED"), v("9.0.0", "DRAFT")], "1.10.0"],
    ["else the highest RETIRED", [v("0.9.0", "RETIRED"), v("0.10.0", "RETIRED"), v("1.0.0", "DRAFT")], "0.10.0"],
    ["none while only drafts and reviews exist", [v("1.0.0", "DRAFT"), v("2.0.0", "IN_REVIEW")], null],
    ["a release over its own pre-release", [v("2.0.0-rc.1", "PUBLISHED"), v("2.0.0", "PUBLISHED"), v("1.9.9", "PUBLISHED")], "2.0.0"],
    ["a pre-release of a higher version over a lower release", [v("1.5.0", "PUBLISHED"), v("2.0.0-beta.2", "PUBLISHED"), v("2.0.0-beta.10", "PUBLISHED")], "2.0.0-beta.10"],
    ["none without versions", [], null],
  ])("picks %s", async (_label, versions, expected) => {
    const api = await apiWith(versions);
    expect(await catalogVersionOf(api.id)).toBe(expected);
    // Stored in another order, the choice is the same.
    const reversed = await apiWith([...versions].reverse().map((fixture) => ({ ...fixture })));
    expect(await catalogVersionOf(reversed.id)).toBe(expected);
    // And it is what refreshCatalogVersion answers and stores.
    const chosen = await db.$transaction((tx) => refreshCatalogVersion(tx, api.id));
    const stored = await db.api.findUniqueOrThrow({ where: { id: api.id }, select: { catalogVersionId: true } });
    expect(chosen).toBe(stored.catalogVersionId);
    expect(await catalogVersionOf(api.id)).toBe(expected);
  });

  it("follows the versions through their lifecycle", async () => {
    const api = await apiWith([v("1.0.0", "PUBLISHED"), v("1.1.0", "DRAFT")]);
    const setState = async (version: string, state: LifecycleState) =>
      db.$transaction(async (tx) => {
        await tx.apiVersion.update({ where: { apiId_version: { apiId: api.id, version } }, data: { state } });
        return refreshCatalogVersion(tx, api.id);
      });
    expect(await catalogVersionOf(api.id)).toBe("1.0.0");
    await setState("1.1.0", "PUBLISHED");
    expect(await catalogVersionOf(api.id)).toBe("1.1.0");
    await setState("1.0.0", "DEPRECATED");
    await setState("1.1.0", "DEPRECATED");
    expect(await catalogVersionOf(api.id)).toBe("1.1.0");
    await setState("1.1.0", "RETIRED");
    expect(await catalogVersionOf(api.id)).toBe("1.0.0");
    await setState("1.0.0", "RETIRED");
    expect(await catalogVersionOf(api.id)).toBe("1.1.0");
    // A new published version takes over; storeVersion refreshes by itself.
    await db.$transaction(async (tx) => {
      const document = { openapi: "3.0.3", info: { title: "x", version: "0.5.0" }, paths: {} } as OpenApiDocument;
      await storeVersion(tx, { apiId: api.id, version: "0.5.0", document, sourceText: JSON.stringify(document), sourceFormat: "json", state: "PUBLISHED" });
    });
    expect(await catalogVersionOf(api.id)).toBe("0.5.0");
  });
});

describe("downloads", () => {
  // Values a careless YAML writer would turn into other types, or mangle.
  const tricky: OpenApiDocument = {
    openapi: "3.1.0",
    info: {
      title: "Tricky: values & \"quotes\" 'too' # not a comment",
      version: "1.10",
      description: "Line one\nLine two: with colon\n\n  indented\ttab\n- not a list\n",
      "x-values": ["yes", "no", "on", "off", "null", "~", "true", "0123", "1e3", "0x1F", ".inf", "NaN", "2024-01-01", "12:30:00", "", " ", "*alias", "&anchor", "!tag", "%directive", "@at", "`tick`", "—", "日本語", "🚀"],
      "x-numbers": [0, -1, 1.5, 9007199254740991, 1e-7],
      "x-flags": [true, false, null],
      "x-nested": { "key: with colon": { "": "empty key" }, "#": "hash", "- dash": [] },
    } as OpenApiDocument["info"],
    paths: {
      "/things/{id}": {
        get: { operationId: "getThing", summary: "Get a thing", responses: { "200": { description: "OK" } } },
      },
    },
  } as OpenApiDocument;

  let slug: string;
  let generated: Record<string, OpenApiDocument>;

  beforeAll(async () => {
    const created = await createApi({
      teamId,
      slug: "downloads",
      name: "Downloads",
      visibility: "PUBLIC",
      resources: ["charges", "refunds"],
      actions: ["POST /charges/{id}/capture Capture an authorised charge"],
      versions: [{ version: "1.0.0", state: "PUBLISHED" }, { version: "1.10.0", state: "PUBLISHED", document: tricky }, { version: "2.0.0", state: "DRAFT" }],
    });
    slug = created.slug;
    generated = created.documents;
  });

  it.each([
    ["json", "application/json; charset=utf-8", JSON.parse],
    ["yaml", "application/yaml; charset=utf-8", (text: string) => YAML.parse(text)],
  ] as const)("%s parses back to the stored document, with its headers", async (format, contentType, parse) => {
    for (const version of ["1.0.0", "1.10.0"]) {
      const response = await documentDownload(null, slug, version, format);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(contentType);
      expect(response.headers.get("content-disposition")).toBe(`attachment; filename="downloads-${version}.${format}"`);
      const stored = await db.apiVersion.findFirstOrThrow({ where: { api: { slug }, version }, select: { openapiDocument: true, specHash: true } });
      expect(response.headers.get("etag")).toBe(`"${stored.specHash}-${format}"`);
      const parsed = parse(await response.text());
      expect(parsed).toEqual(stored.openapiDocument);
      expect(parsed).toEqual(generated[version]);
    }
  });

  it("YAML keeps look-alike strings as strings", async () => {
    const parsed = YAML.parse(await (await documentDownload(null, slug, "1.10.0", "yaml")).text());
    expect(parsed.info.version).toBe("1.10");
    expect(parsed.info["x-values"]).toEqual(tricky.info["x-values" as keyof typeof tricky.info]);
  });

  it("the REST routes serve the same files; latest is the catalog version", async () => {
    for (const format of ["json", "yaml"] as const) {
      const route = format === "json" ? jsonRoute.GET : yamlRoute.GET;
      for (const [version, served] of [["1.10.0", "1.10.0"], ["latest", "1.10.0"], ["1.0.0", "1.0.0"]]) {
        const answer = await get(route, `/apis/${slug}/versions/${version}/openapi.${format}`, { slug, version });
        expect(answer.status).toBe(200);
        expect(answer.contentType).toBe(`application/${format}; charset=utf-8`);
        expect(answer.response.headers.get("content-disposition")).toBe(`attachment; filename="downloads-${served}.${format}"`);
        expect(answer.response.headers.get("x-request-id")).toEqual(expect.any(String));
        const parsed = format === "json" ? JSON.parse(answer.text) : YAML.parse(answer.text);
        expect(parsed).toEqual(generated[served]);
      }
      // The draft is the owner team's alone; an unknown version is 404 too.
      for (const version of ["2.0.0", "3.0.0", "not-a-version"]) {
        const answer = await get(route, `/apis/${slug}/versions/${version}/openapi.${format}`, { slug, version });
        expect({ status: answer.status, contentType: answer.contentType }).toEqual({ status: 404, contentType: "application/problem+json" });
      }
      session.userId = owner.id;
      try {
        const draft = await get(route, `/apis/${slug}/versions/2.0.0/openapi.${format}`, { slug, version: "2.0.0" });
        expect(draft.status).toBe(200);
        expect(format === "json" ? JSON.parse(draft.text) : YAML.parse(draft.text)).toEqual(generated["2.0.0"]);
      } finally {
        session.userId = null;
      }
    }
    await expectAppError(documentDownload(null, slug, "2.0.0", "json"), 404);
  });
});
