// The SQL that turns UsageEvent rows into UsageMinute rows, as plain text:
// used by the rollup (through Prisma, lib/usage/sql.ts) and by the gateway's
// usage writer (through pg, gateway/usage.ts), which must count a late row
// exactly as the rollup would have.
import { BUCKET_COUNT, LATENCY_BOUNDS_MS } from "./histogram";

/** The one UsageRollupCursor row. */
export const ROLLUP_CURSOR_ID = "usage-minute";

const BOUNDS = `ARRAY[${LATENCY_BOUNDS_MS.join(", ")}]::float8[]`;

/**
 * The aggregates of a group of UsageEvent rows aliased `e`, in UsageMinute's
 * column order from "requests" on. width_bucket numbers buckets exactly like
 * bucketOf() (see histogram.ts).
 */
export const EVENT_AGGREGATES_SQL = `count(*)::int AS "requests",
    (count(*) FILTER (WHERE e."status" BETWEEN 400 AND 499))::int AS "errors4xx",
    (count(*) FILTER (WHERE e."status" BETWEEN 500 AND 599))::int AS "errors5xx",
    coalesce(sum(e."bytesIn"), 0)::bigint AS "bytesIn",
    coalesce(sum(e."bytesOut"), 0)::bigint AS "bytesOut",
    coalesce(sum(e."latencyMs"), 0)::float8 AS "latencySumMs",
    ARRAY[${Array.from({ length: BUCKET_COUNT }, (_, index) => `count(*) FILTER (WHERE width_bucket(e."latencyMs", ${BOUNDS}) = ${index})`).join(", ")}]::int[] AS "latencyBuckets"`;

/**
 * INSERT INTO "UsageMinute" the minutes of the UsageEvent rows `e` that
 * `where` selects (SQL over `e`), adding to a minute already there: counts
 * and histograms element-wise, so neither a rollup nor a late batch ever
 * overwrites what another wrote.
 */
export function addToMinutesSql(from: string, where: string): string {
  return `INSERT INTO "UsageMinute" ("minute", "apiId", "versionId", "applicationId", "teamId",
        "requests", "errors4xx", "errors5xx", "bytesIn", "bytesOut", "latencySumMs", "latencyBuckets")
      SELECT date_trunc('minute', e."at"), e."apiId", coalesce(e."versionId", ''), coalesce(e."applicationId", ''), max(e."teamId"),
        ${EVENT_AGGREGATES_SQL}
      FROM ${from}
      WHERE ${where}
      GROUP BY 1, 2, 3, 4
      ON CONFLICT ("minute", "apiId", "versionId", "applicationId") DO UPDATE SET
        "teamId" = coalesce(EXCLUDED."teamId", "UsageMinute"."teamId"),
        "requests" = "UsageMinute"."requests" + EXCLUDED."requests",
        "errors4xx" = "UsageMinute"."errors4xx" + EXCLUDED."errors4xx",
        "errors5xx" = "UsageMinute"."errors5xx" + EXCLUDED."errors5xx",
        "bytesIn" = "UsageMinute"."bytesIn" + EXCLUDED."bytesIn",
        "bytesOut" = "UsageMinute"."bytesOut" + EXCLUDED."bytesOut",
        "latencySumMs" = "UsageMinute"."latencySumMs" + EXCLUDED."latencySumMs",
        "latencyBuckets" = ARRAY(
          SELECT coalesce(stored, 0) + coalesce(added, 0)
          FROM unnest("UsageMinute"."latencyBuckets", EXCLUDED."latencyBuckets") WITH ORDINALITY AS b(stored, added, position)
          ORDER BY position
        )`;
}
