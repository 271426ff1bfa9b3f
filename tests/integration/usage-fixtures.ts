// Shared by the usage*.test.ts files: raw gateway events written as the
// gateway writes them (one row per request), and the tables emptied between
// tests without resetting the people and APIs around them.
import { randomUUID } from "node:crypto";
import { db } from "./helpers";

export const MINUTE = 60_000;

export interface EventInput {
  at: Date;
  apiId: string;
  versionId?: string | null;
  applicationId?: string | null;
  teamId?: string | null;
  status?: number;
  latencyMs?: number;
  bytesIn?: number;
  bytesOut?: number;
  method?: string;
  path?: string;
}

export async function recordEvents(events: EventInput[]): Promise<void> {
  await db.usageEvent.createMany({
    data: events.map((event) => ({
      at: event.at,
      apiId: event.apiId,
      versionId: event.versionId ?? null,
      applicationId: event.applicationId ?? null,
      teamId: event.teamId ?? null,
      method: event.method ?? "GET",
      path: event.path ?? "/charges",
      status: event.status ?? 200,
      latencyMs: event.latencyMs ?? 12,
      bytesIn: event.bytesIn ?? 0,
      bytesOut: event.bytesOut ?? 512,
      cache: null,
      requestId: randomUUID(),
      gateway: "gw-test",
    })),
  });
}

/** `count` copies of one event. */
export function times(count: number, event: EventInput): EventInput[] {
  return Array.from({ length: count }, () => ({ ...event }));
}

export async function clearUsage(): Promise<void> {
  await db.$executeRawUnsafe(`TRUNCATE TABLE "UsageEvent", "UsageMinute", "UsageRollupCursor" RESTART IDENTITY`);
}

/** The UsageMinute rows in a stable order, with numbers instead of bigints. */
export async function minuteRows() {
  const rows = await db.usageMinute.findMany({ orderBy: [{ minute: "asc" }, { apiId: "asc" }, { versionId: "asc" }, { applicationId: "asc" }] });
  return rows.map((row) => ({ ...row, bytesIn: Number(row.bytesIn), bytesOut: Number(row.bytesOut) }));
}

export async function cursor(): Promise<Date | null> {
  return (await db.usageRollupCursor.findUnique({ where: { id: "usage-minute" } }))?.rolledUpTo ?? null;
}

/** A whole minute, `offset` minutes after `base`. */
export function minute(base: Date, offset = 0): Date {
  return new Date(Math.floor(base.getTime() / MINUTE) * MINUTE + offset * MINUTE);
}
