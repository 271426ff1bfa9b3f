import { sql } from "@/lib/db";
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
  hits: { method: string; path: string; summary: string; operationId: string | null; tags: string[] }[] | null;
}

/**
 * The SQL of one catalog page and of its total: filtered by what the actor may
 * see, searched and ranked in PostgreSQL. Two statements, run side by side, so
 * the page can stop at its LIMIT (an index-ordered scan when listing) while
 * the count needs no ranking. Exported so the benchmark times exactly these.
 */
export function catalogSql(actor: MaybeActor, query: CatalogQuery): { page: Prisma.Sql; count: Prisma.Sql } {
  const tsQuery = toPrefixTsQuery(query.q);
  const lowerQ = (query.q ?? "").toLowerCase();
  const sort = query.sort ?? (tsQuery ? "relevance" : "name");

  const filters: Prisma.Sql[] = [visibleApisSql(actor)];
  if (query.team) filters.push(Prisma.sql`t."slug" = ${query.team}`);
  if (query.tag) filters.push(Prisma.sql`${query.tag} = ANY(a."tags")`);
  if (query.category) filters.push(Prisma.sql`a."category" = ${query.category}`);
  if (query.visibility) filters.push(Prisma.sql`a."visibility" = ${query.visibility}::"Visibility"`);
  // An API with only drafts has no catalog version: it counts as a draft.
  if (query.state === "DRAFT" || query.state === "IN_REVIEW") filters.push(Prisma.sql`(cv."state" = ${query.state}::"LifecycleState" OR cv."id" IS NULL)`);
  else if (query.state) filters.push(Prisma.sql`cv."state" = ${query.state}::"LifecycleState"`);

  // With a query, the candidates come from index lookups on stored columns:
  // full text on the API's own text and on its catalog version's operations,
  // and, only when those find fewer than five visible APIs, trigram
  // similarity on names and tags, for typos.
  let matches = Prisma.empty;
  let counted = Prisma.empty;
  let rank = Prisma.sql`0`;
  if (tsQuery) {
    const ts = Prisma.sql`to_tsquery('simple', ${tsQuery})`;
    const fewTextMatches = Prisma.sql`(SELECT count(*) FROM (
        SELECT 1 FROM "Api" a WHERE (a."searchDocument" @@ ${ts} OR a."searchOperations" @@ ${ts}) AND ${visibleApisSql(actor)} LIMIT 5) few) < 5`;
    matches = Prisma.sql`JOIN (
      SELECT id, max(text_score) AS text_score, max(typo_score) AS typo_score, bool_or(via_operation) AS via_operation FROM (
        SELECT s."id", ts_rank(s."searchDocument", ${ts}) AS text_score, 0 AS typo_score, false AS via_operation
        FROM "Api" s WHERE s."searchDocument" @@ ${ts}
        UNION ALL
        SELECT s."id", 0, 0, true FROM "Api" s WHERE s."searchOperations" @@ ${ts}
        UNION ALL
        SELECT s."id", 0, word_similarity(${lowerQ}, s."searchWords") + word_similarity(${lowerQ}, lower(s."name")), false
        FROM "Api" s WHERE ${lowerQ} <% s."searchWords" AND ${fewTextMatches}
      ) found GROUP BY id
    ) m ON m.id = a."id"`;
    // The count needs the matching ids only, not their scores.
    counted = Prisma.sql`JOIN (
      SELECT s."id" FROM "Api" s WHERE s."searchDocument" @@ ${ts}
      UNION SELECT s."id" FROM "Api" s WHERE s."searchOperations" @@ ${ts}
      UNION SELECT s."id" FROM "Api" s WHERE ${lowerQ} <% s."searchWords" AND ${fewTextMatches}
    ) m ON m.id = a."id"`;
    // Name matches first, then tags, summary and description (the document's
    // weights), then APIs found only through an operation; typos by closeness.
    rank = Prisma.sql`(CASE WHEN lower(a."name") = ${lowerQ} THEN 10 ELSE 0 END + m.text_score * 10 + m.typo_score * 2 + CASE WHEN m.via_operation THEN 0.5 ELSE 0 END)`;
  }
  const order = (row: Prisma.Sql) =>
    sort === "relevance" && tsQuery
      ? Prisma.sql`rank DESC, lower(${row}."name"), ${row}."id"`
      : sort === "updated"
        ? Prisma.sql`${row}."updatedAt" DESC, ${row}."id"`
        : Prisma.sql`lower(${row}."name"), ${row}."id"`;

  // The page is cut first; the per-row work (latest draft version of draft-only
  // APIs, operation hits) happens after the LIMIT, on the page's rows only.
  const page = Prisma.sql`
    SELECT a."id", a."slug", a."name", a."summary", a."tags", a."category", a."visibility", a."updatedAt",
           a."catalogVersionId", t."slug" AS "teamSlug", t."name" AS "teamName",
           cv."version" AS "catalogVersion", cv."state" AS "catalogState", ${rank} AS rank
    FROM "Api" a
    ${matches}
    JOIN "Team" t ON t."id" = a."teamId"
    LEFT JOIN "ApiVersion" cv ON cv."id" = a."catalogVersionId"
    WHERE ${Prisma.join(filters, " AND ")}
    ORDER BY ${order(Prisma.raw("a"))}
    LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit}`;
  const withVersion = Prisma.sql`
    SELECT page.*, COALESCE(page."catalogVersion", draft."version") AS "version", COALESCE(page."catalogState", draft."state") AS "state"
    FROM (${page}) page
    LEFT JOIN LATERAL (
      SELECT lv."version", lv."state" FROM "ApiVersion" lv
      WHERE page."catalogVersionId" IS NULL AND lv."apiId" = page."id"
      ORDER BY lv."major" DESC, lv."minor" DESC, lv."patch" DESC, lv."prerelease" IS NULL DESC, lv."prerelease" DESC
      LIMIT 1
    ) draft ON TRUE`;
  const count = Prisma.sql`
    SELECT count(*) AS total FROM "Api" a
    ${counted}
    JOIN "Team" t ON t."id" = a."teamId"
    LEFT JOIN "ApiVersion" cv ON cv."id" = a."catalogVersionId"
    WHERE ${Prisma.join(filters, " AND ")}`;
  if (!tsQuery) return { count, page: Prisma.sql`SELECT page.*, NULL::json AS hits FROM (${withVersion}) page ORDER BY ${order(Prisma.raw("page"))}` };
  // The best three matching operations of each API on the page, in the same
  // round trip (computed for the page's rows only, after the LIMIT).
  return {
    count,
    page: Prisma.sql`
    SELECT page.*, hits.list AS hits FROM (${withVersion}) page
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object('method', o."method", 'path', o."path", 'summary', o."summary", 'operationId', o."operationId", 'tags', o."tags")) AS list
      FROM (
        SELECT * FROM "ApiOperation" o
        WHERE o."versionId" = page."catalogVersionId" AND to_tsvector('simple', o."searchText") @@ to_tsquery('simple', ${tsQuery})
        ORDER BY ts_rank(to_tsvector('simple', o."searchText"), to_tsquery('simple', ${tsQuery})) DESC, o."path"
        LIMIT 3
      ) o
    ) hits ON TRUE
    ORDER BY ${order(Prisma.raw("page"))}`,
  };
}

/** The catalog as the actor may see it, one page at a time. */
export async function searchCatalog(actor: MaybeActor, input: CatalogQueryInput): Promise<CatalogPage> {
  const query = catalogQuery.parse(input);
  const statements = catalogSql(actor, query);
  const [rows, [{ total: counted }]] = await Promise.all([sql<Row>(statements.page), sql<{ total: string }>(statements.count)]);
  const offset = (query.page - 1) * query.limit;
  const total = Number(counted);
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
      operationHits: (row.hits ?? []).map((hit) => ({ method: hit.method, path: hit.path, summary: hit.summary, anchor: operationAnchor(hit) })),
    })),
    total,
    page: query.page,
    limit: query.limit,
    hasMore: offset + rows.length < total,
  };
}

/** Filter choices with counts, over what the actor may see. */
export async function catalogFacets(actor: MaybeActor) {
  const visible = visibleApisSql(actor);
  const [teamRows, tagRows, categoryRows] = await Promise.all([
    sql<{ slug: string; name: string; count: string }>(Prisma.sql`
      SELECT t."slug", t."name", COUNT(*) AS count FROM "Api" a JOIN "Team" t ON t."id" = a."teamId"
      WHERE ${visible} GROUP BY t."slug", t."name" ORDER BY t."name"`),
    sql<{ tag: string; count: string }>(Prisma.sql`
      SELECT tag, COUNT(*) AS count FROM "Api" a, unnest(a."tags") AS tag
      WHERE ${visible} GROUP BY tag ORDER BY count DESC, tag LIMIT 40`),
    sql<{ category: string; count: string }>(Prisma.sql`
      SELECT a."category" AS category, COUNT(*) AS count FROM "Api" a
      WHERE ${visible} AND a."category" IS NOT NULL GROUP BY a."category" ORDER BY a."category"`),
  ]);
  return {
    teams: teamRows.map((r) => ({ slug: r.slug, name: r.name, count: Number(r.count) })),
    tags: tagRows.map((r) => ({ value: r.tag, count: Number(r.count) })),
    categories: categoryRows.map((r) => ({ value: r.category, count: Number(r.count) })),
  };
}
