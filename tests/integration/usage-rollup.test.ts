// The per-minute rollup of gateway usage and the retention of usage rows
// (lib/usage/rollup.ts, lib/usage/retention.ts), on the real database.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BUCKET_COUNT, histogramOf } from "@/lib/usage/histogram";
import { rollUpUsage, runUsageRollup } from "@/lib/usage/rollup";
import { pruneUsage } from "@/lib/usage/retention";
import { db } from "./helpers";
import { clearUsage, cursor, minute, minuteRows, MINUTE, recordEvents, times, type EventInput } from "./usage-fixtures";

const BASE = new Date(Date.UTC(2031, 2, 10, 9, 0, 0));
const DAY = 86_400_000;
const LAG = { lagMs: 120_000 };

/** What UsageMinute should hold for these events, computed here without SQL. */
function expectedMinutes(events: EventInput[]) {
  const groups = new Map<string, EventInput[]>();
  for (const event of events) {
    const key = [minute(event.at).toISOString(), event.apiId, event.versionId ?? "", event.applicationId ?? ""].join("|");
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, group]) => {
      const [at, apiId, versionId, applicationId] = key.split("|");
      const statuses = group.map((event) => event.status ?? 200);
      return {
        minute: new Date(at),
        apiId,
        versionId,
        applicationId,
        teamId: group.find((event) => event.teamId)?.teamId ?? null,
        requests: group.length,
        errors4xx: statuses.filter((status) => status >= 400 && status <= 499).length,
        errors5xx: statuses.filter((status) => status >= 500 && status <= 599).length,
        bytesIn: group.reduce((sum, event) => sum + (event.bytesIn ?? 0), 0),
        bytesOut: group.reduce((sum, event) => sum + (event.bytesOut ?? 512), 0),
        latencySumMs: group.reduce((sum, event) => sum + (event.latencyMs ?? 12), 0),
        latencyBuckets: histogramOf(group.map((event) => event.latencyMs ?? 12)),
      };
    });
}

function roundLatency<T extends { latencySumMs: number }>(rows: T[]): T[] {
  return rows.map((row) => ({ ...row, latencySumMs: Math.round(row.latencySumMs * 1e6) / 1e6 }));
}

beforeEach(clearUsage);
afterEach(() => vi.unstubAllEnvs());

describe("rolling usage up per minute", () => {
  it("counts requests, 4xx and 5xx, bytes, latency and the histogram per minute, API, version and application", async () => {
    const at = (offsetMs: number) => new Date(BASE.getTime() + offsetMs);
    // Latencies on and around every kind of bucket bound: SQL must bucket them like bucketOf().
    const latencies = [0, 0.5, 0.999, 1, 2, 9.99, 10, 50, 999.9, 1_000, 9_999.99, 10_000, 120_000];
    const statuses = [200, 201, 204, 301, 400, 404, 429, 499, 500, 502, 503, 599, 200];
    const events: EventInput[] = [
      ...latencies.map((latencyMs, index) => ({ at: at(index * 1_000), apiId: "api-a", versionId: "v1", applicationId: "app-x", teamId: "team-x", status: statuses[index], latencyMs, bytesIn: index * 10, bytesOut: 1_000 + index })),
      { at: at(59_999), apiId: "api-a", versionId: "v2", applicationId: "app-x", teamId: "team-x", status: 200, latencyMs: 3.25, bytesIn: 5, bytesOut: 6 },
      ...times(3, { at: at(MINUTE + 5_000), apiId: "api-a", versionId: "v1", applicationId: "app-y", teamId: "team-y", latencyMs: 42 }),
      // A keyless call: no version resolved, no application.
      { at: at(30_000), apiId: "api-b", status: 404, latencyMs: 7 },
      { at: at(3 * MINUTE - 1), apiId: "api-a", versionId: "v1", applicationId: "app-x", teamId: "team-x", status: 500, latencyMs: 15_000 },
    ];
    await recordEvents(events);

    const result = await rollUpUsage(new Date(BASE.getTime() + 5 * MINUTE), LAG);
    expect(result).toEqual({ window: { from: BASE, to: minute(BASE, 3) }, minutes: 5, caughtUp: true });
    const rows = await minuteRows();
    expect(roundLatency(rows)).toEqual(roundLatency(expectedMinutes(events)));
    expect(rows.every((row) => row.latencyBuckets.length === BUCKET_COUNT)).toBe(true);
    expect(rows.find((row) => row.apiId === "api-b")).toMatchObject({ versionId: "", applicationId: "", teamId: null, requests: 1, errors4xx: 1 });
    expect(await cursor()).toEqual(minute(BASE, 3));
  });

  it("creates no cursor while there is no event, then starts at the first event's minute", async () => {
    expect(await rollUpUsage(new Date(BASE.getTime() + 10 * MINUTE), LAG)).toEqual({ window: null, minutes: 0, caughtUp: true });
    expect(await cursor()).toBeNull();
    await recordEvents([{ at: new Date(BASE.getTime() + 90_000), apiId: "api-a" }]);
    const result = await rollUpUsage(new Date(BASE.getTime() + 10 * MINUTE), LAG);
    expect(result.window).toEqual({ from: minute(BASE, 1), to: minute(BASE, 8) });
    expect(await cursor()).toEqual(minute(BASE, 8));
  });

  it("is idempotent: a second run, or several at once, count every event exactly once", async () => {
    const events = [0, 1, 2, 3].flatMap((offset) => times(25, { at: minute(BASE, offset), apiId: "api-a", versionId: "v1", applicationId: "app-x" }));
    await recordEvents(events);
    const now = new Date(BASE.getTime() + 10 * MINUTE);
    const runs = await Promise.all(Array.from({ length: 5 }, () => rollUpUsage(now, LAG)));
    expect(runs.filter((run) => run.window != null)).toHaveLength(1);
    const after = await minuteRows();
    expect(after.reduce((sum, row) => sum + row.requests, 0)).toBe(100);

    expect(await rollUpUsage(now, LAG)).toEqual({ window: null, minutes: 0, caughtUp: true });
    expect(await rollUpUsage(new Date(now.getTime() + 5 * MINUTE), LAG)).toMatchObject({ minutes: 0, caughtUp: true });
    expect(await minuteRows()).toEqual(after);
  });

  it("leaves the newest minutes open for late rows, and counts rows that arrive within the lag", async () => {
    await recordEvents([
      { at: new Date(BASE.getTime() + 10_000), apiId: "api-a", applicationId: "app-x" },
      { at: new Date(BASE.getTime() + MINUTE + 20_000), apiId: "api-a", applicationId: "app-x" },
    ]);
    // 09:03:30 with a 2-minute lag: only 09:00 is complete enough.
    await rollUpUsage(new Date(BASE.getTime() + 3.5 * MINUTE), LAG);
    expect((await minuteRows()).map((row) => [row.minute, row.requests])).toEqual([[minute(BASE, 0), 1]]);

    // The gateway flushes a batch: one more call made at 09:01:50.
    await recordEvents([{ at: new Date(BASE.getTime() + MINUTE + 50_000), apiId: "api-a", applicationId: "app-x" }]);
    await rollUpUsage(new Date(BASE.getTime() + 4.5 * MINUTE), LAG);
    expect((await minuteRows()).map((row) => [row.minute, row.requests])).toEqual([
      [minute(BASE, 0), 1],
      [minute(BASE, 1), 2],
    ]);
  });

  // (The gateway's writer counts such a row itself: gateway-usage-recorder.test.ts.)
  it("never rolls a minute twice: a run does not go back for a row inserted behind the cursor", async () => {
    await recordEvents([{ at: new Date(BASE.getTime() + 10_000), apiId: "api-a" }]);
    await rollUpUsage(new Date(BASE.getTime() + 5 * MINUTE), LAG);
    await recordEvents([{ at: new Date(BASE.getTime() + 20_000), apiId: "api-a" }]);
    await rollUpUsage(new Date(BASE.getTime() + 6 * MINUTE), LAG);
    await rollUpUsage(new Date(BASE.getTime() + 7 * MINUTE), LAG);
    expect((await minuteRows()).map((row) => row.requests)).toEqual([1]);
  });

  it("adds to a minute row that is already there (a backfill or the demo seed) element-wise, whatever its histogram's length", async () => {
    await db.usageMinute.create({
      data: { minute: BASE, apiId: "api-a", versionId: "v1", applicationId: "app-x", teamId: null, requests: 6, errors4xx: 1, errors5xx: 2, bytesIn: 100n, bytesOut: 200n, latencySumMs: 60, latencyBuckets: [1, 2, 3] },
    });
    await db.usageRollupCursor.create({ data: { id: "usage-minute", rolledUpTo: BASE } });
    await recordEvents([
      { at: new Date(BASE.getTime() + 1_000), apiId: "api-a", versionId: "v1", applicationId: "app-x", teamId: "team-x", status: 503, latencyMs: 0.5, bytesIn: 1, bytesOut: 2 },
      { at: new Date(BASE.getTime() + 2_000), apiId: "api-a", versionId: "v1", applicationId: "app-x", teamId: "team-x", status: 200, latencyMs: 700, bytesIn: 3, bytesOut: 4 },
    ]);
    await rollUpUsage(new Date(BASE.getTime() + 5 * MINUTE), LAG);
    const [row] = await minuteRows();
    const added = histogramOf([0.5, 700]);
    expect(row).toMatchObject({ teamId: "team-x", requests: 8, errors4xx: 1, errors5xx: 3, bytesIn: 104, bytesOut: 206, latencySumMs: 760.5 });
    expect(row.latencyBuckets).toEqual(added.map((count, index) => count + ([1, 2, 3][index] ?? 0)));
  });

  it("rolls a long backlog up one bounded window at a time until caught up", async () => {
    const events = Array.from({ length: 19 }, (_, index) => ({ at: minute(BASE, index * 10), apiId: "api-a" }));
    await recordEvents(events);
    const now = new Date(BASE.getTime() + 3 * 60 * MINUTE + 10 * MINUTE);
    const first = await rollUpUsage(now, LAG);
    expect(first).toEqual({ window: { from: BASE, to: minute(BASE, 60) }, minutes: 6, caughtUp: false });
    expect(await runUsageRollup(now)).toEqual({ minutes: 13, steps: 3, behind: false });
    expect(await cursor()).toEqual(minute(now, -2));
    expect((await minuteRows()).reduce((sum, row) => sum + row.requests, 0)).toBe(19);
  });
});

describe("usage retention", () => {
  const now = BASE;

  async function rolledUpTo(date: Date) {
    await db.usageRollupCursor.upsert({ where: { id: "usage-minute" }, create: { id: "usage-minute", rolledUpTo: date }, update: { rolledUpTo: date } });
  }

  async function minuteRowAt(at: Date, apiId = "api-a") {
    await db.usageMinute.create({ data: { minute: at, apiId, versionId: "", applicationId: "", requests: 1, errors4xx: 0, errors5xx: 0, bytesIn: 0n, bytesOut: 0n, latencySumMs: 1, latencyBuckets: histogramOf([1]) } });
  }

  it("deletes raw events older than 7 days and minute rollups older than 400 days, and nothing newer", async () => {
    await recordEvents([
      ...times(3, { at: new Date(now.getTime() - 8 * DAY), apiId: "api-a" }),
      { at: new Date(now.getTime() - 7 * DAY + MINUTE), apiId: "api-a" },
      ...times(2, { at: new Date(now.getTime() - DAY), apiId: "api-a" }),
    ]);
    await rolledUpTo(minute(now, -2));
    await minuteRowAt(new Date(now.getTime() - 401 * DAY));
    await minuteRowAt(new Date(now.getTime() - 401 * DAY), "api-b");
    await minuteRowAt(new Date(now.getTime() - 399 * DAY));

    expect(await pruneUsage(now)).toEqual({ events: 3, minutes: 2 });
    expect((await db.usageEvent.findMany({ select: { at: true } })).every((event) => event.at.getTime() > now.getTime() - 7 * DAY)).toBe(true);
    expect(await db.usageEvent.count()).toBe(3);
    expect(await db.usageMinute.count()).toBe(1);
    expect(await pruneUsage(now)).toEqual({ events: 0, minutes: 0 });
  });

  it("keeps raw events the rollup has not reached, however old (a worker that was down catches up first)", async () => {
    await recordEvents(times(4, { at: new Date(now.getTime() - 9 * DAY), apiId: "api-a" }));
    expect(await pruneUsage(now)).toEqual({ events: 0, minutes: 0 });
    await rolledUpTo(new Date(now.getTime() - 10 * DAY));
    expect(await pruneUsage(now)).toEqual({ events: 0, minutes: 0 });
    expect(await db.usageEvent.count()).toBe(4);
  });

  it("deletes in bounded batches, leaving the rest for the next run", async () => {
    await recordEvents(times(12, { at: new Date(now.getTime() - 30 * DAY), apiId: "api-a" }));
    await rolledUpTo(now);
    expect(await pruneUsage(now, { batchSize: 5, maxBatches: 2 })).toEqual({ events: 10, minutes: 0 });
    expect(await db.usageEvent.count()).toBe(2);
    expect(await pruneUsage(now, { batchSize: 5, maxBatches: 2 })).toEqual({ events: 2, minutes: 0 });
  });

  it("takes its periods from USAGE_RAW_RETENTION_DAYS and USAGE_ROLLUP_RETENTION_DAYS, ignoring nonsense", async () => {
    await recordEvents(times(2, { at: new Date(now.getTime() - 2 * DAY), apiId: "api-a" }));
    await minuteRowAt(new Date(now.getTime() - 40 * DAY));
    await rolledUpTo(now);
    vi.stubEnv("USAGE_RAW_RETENTION_DAYS", "seven");
    vi.stubEnv("USAGE_ROLLUP_RETENTION_DAYS", "-1");
    expect(await pruneUsage(now)).toEqual({ events: 0, minutes: 0 });
    vi.stubEnv("USAGE_RAW_RETENTION_DAYS", "1");
    vi.stubEnv("USAGE_ROLLUP_RETENTION_DAYS", "30");
    expect(await pruneUsage(now)).toEqual({ events: 2, minutes: 1 });
  });
});
