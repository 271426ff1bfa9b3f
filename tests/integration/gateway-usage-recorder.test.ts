// The gateway's usage recorder (gateway/usage.ts) against the real database,
// through both of its ways in (COPY, and the JSON INSERT that embedded
// PGlite needs): what a request records arrives intact, whatever its text;
// a backlog is bounded; a failing database is retried and a poisoned batch
// is not; rows later than the rollup's lag are still counted, once.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { copySink, createUsageRecorder, jsonInsertSink, usageSinkFor, type UsageRow, type UsageSink } from "@/gateway/usage";
import { utcTypes } from "@/lib/pg-types";
import { rollUpUsage } from "@/lib/usage/rollup";
import { db } from "./helpers";
import { clearUsage, cursor, MINUTE, minuteRows, recordEvents, times } from "./usage-fixtures";

let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2, types: utcTypes });
});

afterAll(async () => {
  await pool.end();
});

beforeEach(clearUsage);

function row(overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    at: Date.UTC(2031, 0, 2, 3, 4, 5, 678),
    apiId: "api-1",
    versionId: "version-1",
    applicationId: "app-1",
    teamId: "team-1",
    method: "GET",
    path: "/items",
    status: 200,
    latencyMs: 1.234567,
    bytesIn: 0,
    bytesOut: 1024,
    cache: null,
    requestId: randomUUID(),
    gateway: "gw-test",
    ...overrides,
  };
}

async function stored() {
  const { rows } = await pool.query(`SELECT * FROM "UsageEvent" ORDER BY id`);
  return rows;
}

/** `sink` whose writes fail while `fail` says so, with the error it returns. */
function failing(sink: UsageSink, fail: () => Error | null): UsageSink {
  return {
    format: sink.format,
    write: (rows, earliest) => {
      const error = fail();
      return error ? Promise.reject(error) : sink.write(rows, earliest);
    },
  };
}

it("writes with COPY to a PostgreSQL server", async () => {
  const sink = await usageSinkFor(pool);
  expect(sink.format).toBe(copySink(pool).format);
});

const SINKS: [string, () => UsageSink][] = [
  ["COPY", () => copySink(pool)],
  ["JSON INSERT", () => jsonInsertSink(pool)],
];

describe.each(SINKS)("usage recorder (%s)", (_, makeSink) => {
  it("writes every row with its exact values, text of any kind included", async () => {
    const recorder = createUsageRecorder({ sink: makeSink(), flushMs: 60_000 });
    const paths = ["/items", '/a"b\\c', "/naïve/日本/🚀", "/tab\there", "/nul\0byte", `/${"x".repeat(499)}`];
    const rows = paths.map((path, i) => row({ path, status: 200 + i, cache: i % 2 ? "HIT" : "MISS", versionId: i === 0 ? null : "version-1", applicationId: i === 1 ? null : "app-1", teamId: i === 1 ? null : "team-1" }));
    for (const r of rows) recorder.record(r);
    expect(recorder.pending()).toBe(rows.length);
    await recorder.close();
    expect(recorder.pending()).toBe(0);

    const saved = await stored();
    expect(saved.map((s) => s.path)).toEqual(paths.map((path) => path.replace("\0", "\uFFFD")));
    expect(saved[0]).toMatchObject({ at: new Date(rows[0].at), apiId: "api-1", versionId: null, applicationId: "app-1", teamId: "team-1", method: "GET", status: 200, bytesIn: 0, bytesOut: 1024, cache: "MISS", requestId: rows[0].requestId, gateway: "gw-test" });
    // Latency is kept to the microsecond.
    expect(saved[0].latencyMs).toBe(1.235);
    expect(saved[1]).toMatchObject({ versionId: "version-1", applicationId: null, teamId: null, status: 201, cache: "HIT" });
  });

  it("escapes an id, method or gateway name that is not plain", async () => {
    const recorder = createUsageRecorder({ sink: makeSink(), flushMs: 60_000 });
    const odd = { apiId: 'api "1"', applicationId: "app\\1", method: "GET\n", requestId: "id\u2028x", gateway: "gateway ü" };
    recorder.record(row(odd));
    await recorder.close();
    expect((await stored())[0]).toMatchObject(odd);
  });

  it("writes a large backlog in several statements, none lost", async () => {
    const statements: number[] = [];
    const sink = makeSink();
    const counting: UsageSink = { format: sink.format, write: (rows, earliest) => (statements.push(rows.length), sink.write(rows, earliest)) };
    const counted = createUsageRecorder({ sink: counting, flushMs: 60_000 });
    for (let i = 0; i < 5_000; i++) counted.record(row({ status: 200 + (i % 300), path: `/items/${i}` }));
    await counted.close();
    const { rows } = await pool.query<{ n: number; paths: number }>(`SELECT count(*)::int AS n, count(DISTINCT path)::int AS paths FROM "UsageEvent"`);
    expect(rows[0]).toEqual({ n: 5_000, paths: 5_000 });
    // Each statement carries at most one batch (256 KiB).
    expect(statements.length).toBeGreaterThan(1);
    expect(Math.max(...statements)).toBeLessThanOrEqual(256 * 1024);
  });

  it("keeps rows while the database fails and writes them once it answers", async () => {
    let failures = 2;
    const errors: string[] = [];
    const flaky = failing(makeSink(), () => (failures-- > 0 ? Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) : null));
    const recorder = createUsageRecorder({ sink: flaky, flushMs: 60_000, onError: (error) => errors.push(error.message) });
    for (let i = 0; i < 10; i++) recorder.record(row());
    await recorder.flush();
    await recorder.flush();
    expect(recorder.pending()).toBe(10);
    expect(await stored()).toHaveLength(0);
    await recorder.flush();
    expect(recorder.pending()).toBe(0);
    expect(await stored()).toHaveLength(10);
    expect(errors).toEqual(["connect ECONNREFUSED", "connect ECONNREFUSED"]);
  });

  it("bounds the backlog while the database is unreachable, dropping the oldest rows and counting them", async () => {
    const down = failing(makeSink(), () => new Error("connect ECONNREFUSED"));
    let dropped = 0;
    const recorder = createUsageRecorder({ sink: down, flushMs: 60_000, maxBuffered: 10_000, onDropped: (n) => (dropped += n), onError: () => {} });
    for (let i = 0; i < 50_000; i++) recorder.record(row({ path: `/items/${i}` }));
    // Whole batches are dropped (a batch holds 1,000 to 2,000 such rows).
    expect(recorder.pending()).toBeLessThanOrEqual(10_000);
    expect(recorder.pending()).toBeGreaterThan(7_000);
    expect(dropped + recorder.pending()).toBe(50_000);
    await recorder.flush();
    expect(recorder.pending() + dropped).toBe(50_000);
  });

  it("drops a batch the database refuses as data, and goes on with the next", async () => {
    let calls = 0;
    const errors: string[] = [];
    let dropped = 0;
    const refusing = failing(makeSink(), () => (calls++ === 0 ? Object.assign(new Error("invalid input syntax"), { code: "22P02" }) : null));
    const recorder = createUsageRecorder({ sink: refusing, flushMs: 60_000, onDropped: (n) => (dropped += n), onError: (error) => errors.push(error.message) });
    for (let i = 0; i < 3; i++) recorder.record(row());
    await recorder.flush();
    expect(dropped).toBe(3);
    expect(recorder.pending()).toBe(0);
    recorder.record(row({ path: "/after" }));
    await recorder.close();
    expect((await stored()).map((s) => s.path)).toEqual(["/after"]);
    expect(errors).toEqual(["invalid input syntax"]);
  });
});

/**
 * A sink whose transaction, once its rows are written, stays open until
 * `commit()`: `awaitingCommit` settles at that point.
 */
async function heldOpen(kind: string): Promise<{ sink: UsageSink; awaitingCommit: Promise<void>; commit(): Promise<void> }> {
  const client = await pool.connect();
  let reachedCommit!: () => void;
  const awaitingCommit = new Promise<void>((resolve) => (reachedCommit = resolve));
  if (kind === "JSON INSERT") {
    await client.query("BEGIN");
    const sink = jsonInsertSink({ query: (statement: pg.QueryConfig) => client.query(statement) } as Pick<pg.Pool, "query">);
    return {
      sink: { format: sink.format, write: (rows, earliest) => sink.write(rows, earliest).then(reachedCommit) },
      awaitingCommit,
      async commit() {
        await client.query("COMMIT");
        client.release();
      },
    };
  }
  // The COPY sink runs its own transaction: its COMMIT waits here.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const query = client.query;
  client.query = ((config: unknown, ...rest: unknown[]) => {
    if (config !== "COMMIT") return (query as (...args: unknown[]) => unknown).call(client, config, ...rest);
    reachedCommit();
    return gate.then(() => {
      client.query = query;
      return client.query("COMMIT");
    });
  }) as typeof client.query;
  return { sink: copySink({ connect: async () => client } as Pick<pg.Pool, "connect">), awaitingCommit, commit: async () => open() };
}

describe.each(SINKS)("rows later than the rollup's lag (%s)", (kind, makeSink) => {
  const BASE = Date.UTC(2031, 2, 10, 9, 0, 0);
  const LAG = { lagMs: 120_000 };
  const at = (minutes: number, seconds = 0) => BASE + minutes * MINUTE + seconds * 1000;

  it("are added to their minutes by the writer itself, once: a later run neither drops nor doubles them", async () => {
    // Rolled up already, and within the range of the late batch below: not its own rows, so never counted again by it.
    await recordEvents(times(3, { at: new Date(at(0, 25)), apiId: "api-1", versionId: "version-1", applicationId: "app-1" }));
    await rollUpUsage(new Date(at(10)), LAG);
    expect(await cursor()).toEqual(new Date(at(8)));

    // A gateway back from a long outage writes its backlog: two calls of
    // 09:00, long rolled up, and one of 09:09, after the cursor.
    const recorder = createUsageRecorder({ sink: makeSink(), flushMs: 60_000 });
    recorder.record(row({ at: at(0, 20), status: 503, latencyMs: 40 }));
    recorder.record(row({ at: at(0, 30) }));
    recorder.record(row({ at: at(9, 5) }));
    await recorder.close();

    const counted = async () => (await minuteRows()).map((m) => [m.minute.getTime(), m.requests, m.errors5xx]);
    expect(await counted()).toEqual([[at(0), 5, 1]]);
    // Kept as raw rows too, like every other call.
    expect(await db.usageEvent.count()).toBe(6);

    await rollUpUsage(new Date(at(15)), LAG);
    expect(await counted()).toEqual([
      [at(0), 5, 1],
      [at(9), 1, 0],
    ]);
  });

  it("are rolled by a run that starts while their batch is being written: the run waits for it", async () => {
    await recordEvents([{ at: new Date(at(0, 10)), apiId: "api-1", versionId: "version-1", applicationId: "app-1" }]);
    await rollUpUsage(new Date(at(3)), LAG);
    expect(await cursor()).toEqual(new Date(at(1)));

    // A batch of 09:02 written in a transaction that has not committed yet.
    const held = await heldOpen(kind);
    const writer = createUsageRecorder({ sink: held.sink, flushMs: 60_000 });
    writer.record(row({ at: at(2, 15) }));
    writer.record(row({ at: at(2, 45) }));
    const flushed = writer.flush();
    await held.awaitingCommit;

    let settled = false;
    const run = rollUpUsage(new Date(at(10)), LAG).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await held.commit();
    await flushed;
    expect(writer.pending()).toBe(0);
    expect(await run).toMatchObject({ window: { from: new Date(at(1)), to: new Date(at(8)) } });
    expect((await minuteRows()).map((m) => [m.minute.getTime(), m.requests])).toEqual([
      [at(0), 1],
      [at(2), 2],
    ]);
  });
});
