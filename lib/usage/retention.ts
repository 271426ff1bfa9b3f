// Usage tables must not grow without bound: raw events are kept for
// USAGE_RAW_RETENTION_DAYS (default 7: long enough to look into a single
// request), per-minute rollups for USAGE_ROLLUP_RETENTION_DAYS (default 400:
// a year compared with the last). Run hourly by the job worker.
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { ROLLUP_CURSOR_ID, ts } from "./sql";

const DAY = 86_400_000;

function days(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function retentionDays() {
  return { raw: days("USAGE_RAW_RETENTION_DAYS", 7), rollup: days("USAGE_ROLLUP_RETENTION_DAYS", 400) };
}

export interface PruneOptions {
  /** Rows per DELETE: short statements, so inserts by the gateway never wait long on them. */
  batchSize?: number;
  /** DELETEs per table and run; whatever is left goes at the next run. */
  maxBatches?: number;
}

async function deleteInBatches(statement: (batchSize: number) => Prisma.Sql, { batchSize = 5_000, maxBatches = 200 }: PruneOptions): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await db.$executeRaw(statement(batchSize));
    deleted += count;
    if (count < batchSize) break;
  }
  return deleted;
}

/**
 * Deletes raw events and minute rollups past their retention. A raw event
 * not rolled up yet is kept whatever its age (a worker that was down would
 * otherwise lose it before counting it). Answers how many rows went.
 */
export async function pruneUsage(now = new Date(), options: PruneOptions = {}): Promise<{ events: number; minutes: number }> {
  const retention = retentionDays();
  const [cursor] = await db.$queryRaw<{ rolledUpTo: Date }[]>`SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = ${ROLLUP_CURSOR_ID}`;
  // Without a cursor nothing has been rolled up yet: every raw row is still needed.
  const rawCutoff = cursor ? new Date(Math.min(now.getTime() - retention.raw * DAY, cursor.rolledUpTo.getTime())) : null;
  const rollupCutoff = new Date(now.getTime() - retention.rollup * DAY);

  const events = rawCutoff
    ? await deleteInBatches(
        (limit) => Prisma.sql`DELETE FROM "UsageEvent" WHERE "id" IN (SELECT "id" FROM "UsageEvent" WHERE "at" < ${ts(rawCutoff)} ORDER BY "at" LIMIT ${limit})`,
        options,
      )
    : 0;
  const minutes = await deleteInBatches(
    (limit) => Prisma.sql`DELETE FROM "UsageMinute" WHERE ("minute", "apiId", "versionId", "applicationId") IN (
      SELECT "minute", "apiId", "versionId", "applicationId" FROM "UsageMinute" WHERE "minute" < ${ts(rollupCutoff)} ORDER BY "minute" LIMIT ${limit})`,
    options,
  );
  return { events, minutes };
}
