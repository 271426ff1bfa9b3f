// Catalog fixtures for the catalog*.test.ts files: APIs created directly and
// their versions stored through lib/catalog/versions.ts storeVersion (which
// extracts the operations and keeps the catalog version), in one transaction.
import type { LifecycleState, Visibility } from "@/lib/generated/prisma/enums";
import type { OpenApiDocument } from "@/lib/specs/operations";
import { storeVersion } from "@/lib/catalog/versions";
import { buildSpec, type SpecBlueprint } from "@/lib/demo/spec-generator";
import { db } from "./helpers";

export interface VersionFixture {
  version: string;
  state: LifecycleState;
  /** Extra operations of this version only (buildSpec "actions"). */
  actions?: string[];
  /** A document of its own instead of a generated one. */
  document?: OpenApiDocument;
}

export interface ApiFixture {
  teamId: string;
  slug: string;
  name: string;
  visibility: Visibility;
  summary?: string;
  description?: string;
  tags?: string[];
  category?: string | null;
  resources?: string[];
  /** Operations shared by every version. */
  actions?: string[];
  versions: VersionFixture[];
}

export interface CreatedApi {
  id: string;
  slug: string;
  documents: Record<string, OpenApiDocument>;
}

export function documentFor(api: Pick<ApiFixture, "name" | "slug" | "summary" | "resources" | "actions">, version: VersionFixture, extra: Partial<SpecBlueprint> = {}): OpenApiDocument {
  return (
    version.document ??
    buildSpec({
      title: api.name,
      version: version.version,
      description: api.summary ?? "",
      serverUrl: `https://api.example.test/${api.slug}`,
      resources: api.resources ?? ["widgets"],
      actions: [...(api.actions ?? []), ...(version.actions ?? [])],
      ...extra,
    })
  );
}

/** Creates the API and stores its versions in the order given. */
export async function createApi(fixture: ApiFixture): Promise<CreatedApi> {
  return db.$transaction(async (tx) => {
    const api = await tx.api.create({
      data: {
        teamId: fixture.teamId,
        slug: fixture.slug,
        name: fixture.name,
        summary: fixture.summary ?? "",
        description: fixture.description ?? "",
        tags: fixture.tags ?? [],
        category: fixture.category ?? null,
        visibility: fixture.visibility,
      },
    });
    const documents: Record<string, OpenApiDocument> = {};
    for (const version of fixture.versions) {
      const document = documentFor(fixture, version);
      documents[version.version] = document;
      const published = version.state === "DRAFT" || version.state === "IN_REVIEW" ? null : new Date();
      await storeVersion(tx, {
        apiId: api.id,
        version: version.version,
        document,
        sourceText: JSON.stringify(document, null, 2),
        sourceFormat: "json",
        state: version.state,
        publishedAt: published,
      });
    }
    return { id: api.id, slug: api.slug, documents };
  });
}

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler with a GET request; answers the response and its text. */
export async function get(handler: unknown, path: string, params: Record<string, string> = {}) {
  const request = new Request(`http://localhost/api/v1${path}`, { method: "GET" });
  const response = await (handler as Handler)(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return { response, status: response.status, text, contentType: response.headers.get("content-type") };
}

/** GET that expects JSON (or problem+json) back. */
export async function getJson(handler: unknown, path: string, params: Record<string, string> = {}) {
  const result = await get(handler, path, params);
  return { ...result, json: result.text ? JSON.parse(result.text) : null };
}
