import semver from "semver";
import { createHash } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { extractOperations, type OpenApiDocument } from "@/lib/specs/operations";

export function parseVersion(version: string) {
  const parsed = semver.parse(version);
  if (!parsed) {
    throw new AppError("validation", `"${version}" is not a semantic version (like 1.4.0).`, { errors: [{ pointer: "/version", detail: "not a semantic version" }] });
  }
  return { major: parsed.major, minor: parsed.minor, patch: parsed.patch, prerelease: parsed.prerelease.length ? parsed.prerelease.join(".") : null };
}

export function specHash(sourceText: string): string {
  return createHash("sha256").update(sourceText).digest("hex");
}

export interface NewVersion {
  apiId: string;
  version: string;
  document: OpenApiDocument;
  sourceText: string;
  sourceFormat: "json" | "yaml";
  state?: LifecycleState;
  upstreamUrl?: string | null;
  changelog?: string | null;
  createdById?: string | null;
  publishedAt?: Date | null;
  deprecatedAt?: Date | null;
  sunsetAt?: Date | null;
  retiredAt?: Date | null;
  lintReport?: Prisma.InputJsonValue;
  changeReport?: Prisma.InputJsonValue;
}

/**
 * Serialises changes to one API's versions: two transactions that each pick
 * the catalog version (or check a replacement) from what they read would
 * otherwise overwrite each other's choice. Call first in the transaction.
 */
export async function lockApi(tx: Tx, apiId: string) {
  await tx.$executeRaw`SELECT 1 FROM "Api" WHERE "id" = ${apiId} FOR UPDATE`;
}

/** Stores a version with its extracted operations, and refreshes the API's catalog version. */
export async function storeVersion(tx: Tx, input: NewVersion) {
  await lockApi(tx, input.apiId);
  const created = await tx.apiVersion.create({
    data: {
      apiId: input.apiId,
      version: input.version,
      ...parseVersion(input.version),
      state: input.state ?? "DRAFT",
      sourceFormat: input.sourceFormat,
      // Placeholders: the documents go in with the statement below.
      sourceDocument: "",
      openapiDocument: {},
      specHash: specHash(input.sourceText),
      upstreamUrl: input.upstreamUrl ?? null,
      changelog: input.changelog ?? null,
      createdById: input.createdById ?? null,
      publishedAt: input.publishedAt ?? null,
      deprecatedAt: input.deprecatedAt ?? null,
      sunsetAt: input.sunsetAt ?? null,
      retiredAt: input.retiredAt ?? null,
      lintReport: input.lintReport,
      changeReport: input.changeReport,
    },
    select: { id: true, version: true, state: true },
  });
  // Through Prisma's query engine the two documents take seconds for a large
  // one (GitHub's 13 MB description: 2.5 to 5 s); as parameters of one
  // statement, half a second. This transaction holds the API's row lock, and
  // on the embedded database every other connection waits for it to end.
  await tx.$executeRaw`UPDATE "ApiVersion" SET "sourceDocument" = ${input.sourceText}, "openapiDocument" = ${JSON.stringify(input.document)}::jsonb WHERE "id" = ${created.id}`;
  const operations = extractOperations(input.document);
  if (operations.length) {
    await tx.apiOperation.createMany({ data: operations.map((operation) => ({ ...operation, versionId: created.id })) });
  }
  await refreshCatalogVersion(tx, input.apiId);
  return created;
}

const CATALOG_PREFERENCE: LifecycleState[] = ["PUBLISHED", "DEPRECATED", "RETIRED"];

/**
 * The rule for which version the catalog shows: the highest PUBLISHED one,
 * else the highest DEPRECATED, else the highest RETIRED; none while only
 * drafts exist. Call after any change to an API's versions.
 */
export async function refreshCatalogVersion(tx: Tx, apiId: string) {
  const versions = await tx.apiVersion.findMany({ where: { apiId, state: { in: CATALOG_PREFERENCE } }, select: { id: true, version: true, state: true } });
  let chosen: string | null = null;
  for (const state of CATALOG_PREFERENCE) {
    const candidates = versions.filter((v) => v.state === state).sort((a, b) => semver.rcompare(a.version, b.version));
    if (candidates.length) {
      chosen = candidates[0].id;
      break;
    }
  }
  await tx.api.update({ where: { id: apiId }, data: { catalogVersionId: chosen } });
  // The catalog searches the operations of this version with the API itself.
  await tx.$executeRaw`UPDATE "Api" SET "searchOperations" = (SELECT to_tsvector('simple', string_agg(o."searchText", ' ')) FROM "ApiOperation" o WHERE o."versionId" = ${chosen}) WHERE "id" = ${apiId}`;
  return chosen;
}
