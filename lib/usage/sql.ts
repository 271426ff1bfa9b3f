// SQL shared by the rollup and the analytics reads, so that a minute counted
// from raw UsageEvent rows (not rolled up yet) and the same minute read back
// from UsageMinute are counted by one definition.
import { Prisma } from "@/lib/generated/prisma/client";
import { BUCKET_COUNT } from "./histogram";
import { EVENT_AGGREGATES_SQL, ROLLUP_CURSOR_ID } from "./minute-sql";

export { ROLLUP_CURSOR_ID };

/**
 * A timestamp parameter. Usage columns are UTC "timestamp without time
 * zone"; an ISO string cast to timestamp keeps its UTC wall time whatever the
 * session's or the Node process's time zone, which a Date parameter does not
 * guarantee on every driver path.
 */
export function ts(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString()}::timestamp`;
}

/** The aggregates of a group of UsageEvent rows aliased `e` (minute-sql.ts). */
export function eventAggregates(): Prisma.Sql {
  return Prisma.raw(EVENT_AGGREGATES_SQL);
}

/** Per-bucket sums of a latencyBuckets column over a group (PostgreSQL arrays are 1-based). */
export function bucketSums(column: Prisma.Sql): Prisma.Sql {
  const sums = Array.from({ length: BUCKET_COUNT }, (_, index) => Prisma.sql`coalesce(sum((${column})[${Prisma.raw(String(index + 1))}]), 0)`);
  return Prisma.sql`ARRAY[${Prisma.join(sums)}]::float8[]`;
}

/**
 * A filter on the usage rows of one API or one application. The column names
 * are the same in UsageEvent and UsageMinute.
 */
export type UsageFilter = { apiId: string } | { applicationId: string };

function filterOn(alias: "e" | "m", filter: UsageFilter): Prisma.Sql {
  const table = Prisma.raw(alias);
  return "apiId" in filter ? Prisma.sql`${table}."apiId" = ${filter.apiId}` : Prisma.sql`${table}."applicationId" = ${filter.applicationId}`;
}

/**
 * `WITH ... usage_rows AS (...)`: per minute, API, version and application, the usage
 * in [from, to). Minutes before the rollup cursor come from UsageMinute, the
 * rest from the raw UsageEvent rows not rolled up yet, so a call made seconds
 * ago is counted. One statement reads the cursor and both tables in a single
 * snapshot: a rollup committing meanwhile can neither double nor drop a
 * minute. "lastAt" is the last call: exact for raw rows, the minute otherwise.
 */
export function usageCte(filter: UsageFilter, from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`WITH rollup_cursor AS (
      SELECT coalesce((SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = ${ROLLUP_CURSOR_ID}), '-infinity'::timestamp) AS "upTo"
    ), usage_rows AS (
      SELECT m."minute", m."apiId", m."versionId", m."applicationId", m."teamId", m."requests", m."errors4xx", m."errors5xx",
        m."bytesIn", m."bytesOut", m."latencySumMs", m."latencyBuckets", m."minute" AS "lastAt"
      FROM "UsageMinute" m, rollup_cursor c
      WHERE ${filterOn("m", filter)} AND m."minute" >= ${ts(from)} AND m."minute" < ${ts(to)} AND m."minute" < c."upTo"
      UNION ALL
      SELECT date_trunc('minute', e."at"), e."apiId", coalesce(e."versionId", ''), coalesce(e."applicationId", ''), max(e."teamId"),
        ${eventAggregates()}, max(e."at")
      FROM "UsageEvent" e, rollup_cursor c
      WHERE ${filterOn("e", filter)} AND e."at" >= greatest(${ts(from)}, c."upTo") AND e."at" < ${ts(to)}
      GROUP BY 1, 2, 3, 4
    )`;
}
