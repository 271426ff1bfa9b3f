// Rolls raw UsageEvent rows up into UsageMinute, the table the analytics read.
//
// The lag. The gateway writes its events in batches a few seconds after the
// requests, so the newest minutes are still filling up. The rollup therefore
// only takes minutes that ended at least USAGE_ROLLUP_LAG_SECONDS (default
// 120) ago, and a time cursor records how far it got. Nothing is lost to the
// lag: the analytics read the raw rows past the cursor (lib/usage/sql.ts), so
// a call shows up at once either way. Why not a cursor on the event id? Ids
// come from a sequence when a row is inserted, not when its transaction
// commits: a batch that took id 100 can commit after one that took 101 was
// rolled up, and id 100 would be skipped for good.
//
// Rows later than the lag (a gateway cut off from the database for minutes
// writes its backlog when it is back): the gateway's writer adds the rows of
// its batch that fall before the cursor to UsageMinute itself, in the same
// transaction as the rows (gateway/usage.ts). It holds a share lock on the
// cursor row while it does; a run holds it exclusively from before it reads
// the events until it has moved it. So a batch either commits before a run reads, and is
// rolled by the run, or sees the moved cursor, and adds its late rows itself:
// counted once either way.
//
// Never twice. Each run covers [cursor, upTo) and moves the cursor in the
// same transaction, conditionally on the cursor still being where the run
// read it: of two runs at once, one moves it and rolls up, the other does
// nothing. Window bounds are whole minutes, so a minute is rolled by one run
// only; the ON CONFLICT clause adds counts and histograms element-wise
// instead of overwriting, so rows a backfill or the demo seed wrote for a
// minute are kept.
import { db } from "@/lib/db";
import { addToMinutesSql } from "./minute-sql";
import { ROLLUP_CURSOR_ID, ts } from "./sql";

const MINUTE = 60_000;

/** Seconds a minute is left open for late rows before it is rolled up. */
export function rollupLagMs(): number {
  const seconds = Number(process.env.USAGE_ROLLUP_LAG_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : 120) * 1_000;
}

/** At most this much time per run, so a worker catching up after days does it in bounded statements. */
export const MAX_ROLLUP_WINDOW_MS = 60 * MINUTE;

export function floorToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);
}

export interface RollupResult {
  /** The window rolled up, or null when there was nothing to do. */
  window: { from: Date; to: Date } | null;
  /** UsageMinute rows inserted or added to. */
  minutes: number;
  /** Whether the cursor reached now minus the lag. */
  caughtUp: boolean;
}

/** Where the cursor is; created at the first event's minute the first time there are events. */
async function readCursor(): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ rolledUpTo: Date }[]>`SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = ${ROLLUP_CURSOR_ID}`;
  if (row) return row.rolledUpTo;
  // No cursor yet: start at the oldest event rather than now, so events
  // recorded before the first run are not skipped.
  await db.$executeRaw`
    INSERT INTO "UsageRollupCursor" ("id", "rolledUpTo")
    SELECT ${ROLLUP_CURSOR_ID}, date_trunc('minute', min("at")) FROM "UsageEvent" HAVING count(*) > 0
    ON CONFLICT ("id") DO NOTHING`;
  const [created] = await db.$queryRaw<{ rolledUpTo: Date }[]>`SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = ${ROLLUP_CURSOR_ID}`;
  return created?.rolledUpTo ?? null;
}

/**
 * One rollup step: the complete minutes from the cursor up to `now` minus the
 * lag (at most MAX_ROLLUP_WINDOW_MS of them), aggregated in one transaction
 * that holds the cursor row.
 */
export async function rollUpUsage(now = new Date(), options: { lagMs?: number; maxWindowMs?: number } = {}): Promise<RollupResult> {
  const upTo = floorToMinute(new Date(now.getTime() - (options.lagMs ?? rollupLagMs())));
  const from = await readCursor();
  if (from == null) return { window: null, minutes: 0, caughtUp: true };
  const to = new Date(Math.min(upTo.getTime(), from.getTime() + (options.maxWindowMs ?? MAX_ROLLUP_WINDOW_MS)));
  if (to <= from) return { window: null, minutes: 0, caughtUp: true };

  const minutes = await db.$transaction(
    async (tx) => {
      // Taken first, in a statement of its own: once it is held no gateway
      // batch is half written (each holds a share lock on this row while it
      // writes), and the next statement's snapshot sees every batch written
      // so far. Gone when another run moved the cursor meanwhile.
      const [held] = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "UsageRollupCursor" WHERE "id" = ${ROLLUP_CURSOR_ID} AND "rolledUpTo" = ${ts(from)} FOR UPDATE`;
      if (!held) return null;
      const added = await tx.$executeRawUnsafe(addToMinutesSql(`"UsageEvent" e`, `e."at" >= $1::timestamp AND e."at" < $2::timestamp`), from.toISOString(), to.toISOString());
      await tx.$executeRaw`UPDATE "UsageRollupCursor" SET "rolledUpTo" = ${ts(to)} WHERE "id" = ${ROLLUP_CURSOR_ID}`;
      return added;
    },
    { maxWait: 10_000, timeout: 10 * 60_000 },
  );
  // Another run moved the cursor first: it rolled this window, so this one did nothing.
  if (minutes === null) return { window: null, minutes: 0, caughtUp: false };
  return { window: { from, to }, minutes, caughtUp: to.getTime() >= upTo.getTime() };
}

/**
 * The worker's job: rolls up window after window until caught up. After
 * `maxSteps` windows it stops and says it is behind; the next run goes on.
 */
export async function runUsageRollup(now = new Date(), maxSteps = 48): Promise<{ minutes: number; steps: number; behind: boolean }> {
  let minutes = 0;
  for (let step = 1; step <= maxSteps; step++) {
    const result = await rollUpUsage(now);
    minutes += result.minutes;
    // Caught up, or another worker's run took the window and carries on: this run is done either way.
    if (result.caughtUp || result.window == null) return { minutes, steps: step, behind: false };
  }
  return { minutes, steps: maxSteps, behind: true };
}
