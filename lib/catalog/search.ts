import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { LifecycleState, Visibility } from "@/lib/generated/prisma/enums";
import type { MaybeActor } from "@/lib/authz/actor";
import { visibleApisSql } from "@/lib/authz/permissions";
import { operationAnchor } from "@/lib/specs/operations";
import { catalogQuery, toPrefixTsQuery, type CatalogQuery, type CatalogQueryInput } from "./query";

export interface CatalogItem {
  id: string;
  slug: string;
  name: string;
  summary: string;
  tags: string[];
  category: string | null;
  visibility: Visibility;
  updatedAt: Date;
  team: { slug: string; name: string };
  latestVersion: { version: string; state: LifecycleState } | null;
  operationHits: { method: string; path: string; summary: string; anchor: string }[];
}

export interface CatalogPage {
  items: CatalogItem[];
  total: number;
  page: number;
  limit: number;
  hasMore: boolean;
}

export async function memberTeamIds(actor: MaybeActor): Promise<string[]> {
  if (!actor) return [];
  const memberships = await db.membership.findMany({ where: { userId: actor.userId }, select: { teamId: true } });
  return memberships.map((m) => m.teamId);
}

const API_DOCUMENT = Prisma.sql`portico_api_document(a."name", a."slug", a."tags", a."category", a."summary", a."description")`;
const API_WORDS = Prisma.sql`portico_api_words(a."name", a."tags", a."summary")`;

interface Row {
  id: string;
  slug: string;
  name: string;
  summary: string;
  tags: string[];
  category: string | null;
  visibility: Visibility;
  updatedAt: Date;
  teamSlug: string;
  teamName: string;
  version: string | null;
  state: LifecycleState | null;
  catalogVersionId: string | null;
  total: bigint;
}

/**
 * The SQL of one catalog page: filtered by what the actor may see, searched
 * and ranked in PostgreSQL (full text with weights, trigram word similarity
 * for typos, operations of each API's catalog version). Exported so the
 * benchmark can time exactly this query on its own.
 */
export function catalogPageSql(actor: MaybeActor, memberTeams: readonly string[], query: CatalogQuery): Prisma.Sql {
  const tsQuery = toPrefixTsQuery(query.q);
  const lowerQ = (query.q ?? "").toLowerCase();
  const sort = query.sort ?? (tsQuery ? "relevance" : "name");

  const filters: Prisma.Sql[] = [visibleApisSql(actor, memberTeams)];
  if (query.team) filters.push(Prisma.sql`t."slug" = ${query.team}`);
  if (query.tag) filters.push(Prisma.sql`${query.tag} = ANY(a."tags")`);
  if (query.category) filters.push(Prisma.sql`a."category" = ${query.category}`);
  if (query.visibility) filters.push(Prisma.sql`a."visibility" = ${query.visibility}::"Visibility"`);
  if (query.state) filters.push(Prisma.sql`v."state" = ${query.state}::"LifecycleState"`);

  let rank = Prisma.sql`0`;
  if (tsQuery) {
    const operationMatch = Prisma.sql`EXISTS (SELECT 1 FROM "ApiOperation" o WHERE o."versionId" = a."catalogVersionId" AND to_tsvector('simple', o."searchText") @@ to_tsquery('simple', ${tsQuery}))`;
    // Typos: a word of the query close to a word of the name, tags or summary.
    filters.push(Prisma.sql`(${API_DOCUMENT} @@ to_tsquery('simple', ${tsQuery}) OR ${lowerQ} <% ${API_WORDS} OR ${operationMatch})`);
    // Name matches first, then tags, summary and description (the document's
    // weights), then APIs found only through one of their operations.
    rank = Prisma.sql`(CASE WHEN lower(a."name") = ${lowerQ} THEN 10 ELSE 0 END
      + ts_rank(${API_DOCUMENT}, to_tsquery('simple', ${tsQuery})) * 10
      + similarity(lower(a."name"), ${lowerQ}) * 4
      + word_similarity(${lowerQ}, ${API_WORDS})
      + CASE WHEN ${operationMatch} THEN 0.5 ELSE 0 END)`;
  }
  const orderBy =
    sort === "relevance" && tsQuery
      ? Prisma.sql`rank DESC, lower(a."name"), a."id"`
      : sort === "updated"
        ? Prisma.sql`a."updatedAt" DESC, a."id"`
        : Prisma.sql`lower(a."name"), a."id"`;

  return Prisma.sql`
    SELECT a."id", a."slug", a."name", a."summary", a."tags", a."category", a."visibility", a."updatedAt",
           a."catalogVersionId", t."slug" AS "teamSlug", t."name" AS "teamName",
           v."version", v."state", ${rank} AS rank, COUNT(*) OVER () AS total
    FROM "Api" a
    JOIN "Team" t ON t."id" = a."teamId"
    LEFT JOIN LATERAL (
      SELECT lv."version", lv."state" FROM "ApiVersion" lv
      WHERE lv."id" = a."catalogVersionId"
         OR (a."catalogVersionId" IS NULL AND lv."apiId" = a."id")
      ORDER BY lv."major" DESC, lv."minor" DESC, lv."patch" DESC
      LIMIT 1
    ) v ON TRUE
    WHERE ${Prisma.join(filters, " AND ")}
    ORDER BY ${orderBy}
    LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit}`;
}

/** The catalog as the actor may see it, one page at a time. */
export async function searchCatalog(actor: MaybeActor, input: CatalogQueryInput): Promise<CatalogPage> {
  const query = catalogQuery.parse(input);
  const rows = await db.$queryRaw<Row[]>(catalogPageSql(actor, await memberTeamIds(actor), query));
  const tsQuery = toPrefixTsQuery(query.q);
  const offset = (query.page - 1) * query.limit;
  const hits = tsQuery ? await operationHits(rows.map((r) => r.catalogVersionId).filter((id): id is string => id != null), tsQuery) : new Map();
  const total = rows.length ? Number(rows[0].total) : 0;
  return {
    items: rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      summary: row.summary,
      tags: row.tags,
      category: row.category,
      visibility: row.visibility,
      updatedAt: row.updatedAt,
      team: { slug: row.teamSlug, name: row.teamName },
      latestVersion: row.version && row.state ? { version: row.version, state: row.state } : null,
      operationHits: (row.catalogVersionId && hits.get(row.catalogVersionId)) || [],
    })),
    total,
    page: query.page,
    limit: query.limit,
    hasMore: offset + rows.length < total,
  };
}

/** The best three matching operations of each listed version, in one query. */
async function operationHits(versionIds: string[], tsQuery: string) {
  const hits = new Map<string, CatalogItem["operationHits"]>();
  if (!versionIds.length) return hits;
  const rows = await db.$queryRaw<{ versionId: string; method: string; path: string; summary: string; operationId: string | null; tags: string[] }[]>`
    SELECT "versionId", "method", "path", "summary", "operationId", "tags" FROM (
      SELECT o.*, row_number() OVER (PARTITION BY o."versionId" ORDER BY ts_rank(to_tsvector('simple', o."searchText"), to_tsquery('simple', ${tsQuery})) DESC, o."path") AS n
      FROM "ApiOperation" o
      WHERE o."versionId" IN (${Prisma.join(versionIds)})
        AND to_tsvector('simple', o."searchText") @@ to_tsquery('simple', ${tsQuery})
    ) ranked WHERE n <= 3`;
  for (const row of rows) {
    const list = hits.get(row.versionId) ?? [];
    list.push({ method: row.method, path: row.path, summary: row.summary, anchor: operationAnchor(row) });
    hits.set(row.versionId, list);
  }
  return hits;
}

/** Filter choices with counts, over what the actor may see. */
export async function catalogFacets(actor: MaybeActor) {
  const teams = await memberTeamIds(actor);
  const visible = visibleApisSql(actor, teams);
  const [teamRows, tagRows, categoryRows] = await Promise.all([
    db.$queryRaw<{ slug: string; name: string; count: bigint }[]>`
      SELECT t."slug", t."name", COUNT(*) AS count FROM "Api" a JOIN "Team" t ON t."id" = a."teamId"
      WHERE ${visible} GROUP BY t."slug", t."name" ORDER BY t."name"`,
    db.$queryRaw<{ tag: string; count: bigint }[]>`
      SELECT tag, COUNT(*) AS count FROM "Api" a, unnest(a."tags") AS tag
      WHERE ${visible} GROUP BY tag ORDER BY count DESC, tag LIMIT 40`,
    db.$queryRaw<{ category: string; count: bigint }[]>`
      SELECT a."category" AS category, COUNT(*) AS count FROM "Api" a
      WHERE ${visible} AND a."category" IS NOT NULL GROUP BY a."category" ORDER BY a."category"`,
  ]);
  return {
    teams: teamRows.map((r) => ({ slug: r.slug, name: r.name, count: Number(r.count) })),
    tags: tagRows.map((r) => ({ value: r.tag, count: Number(r.count) })),
    categories: categoryRows.map((r) => ({ value: r.category, count: Number(r.count) })),
  };
}
