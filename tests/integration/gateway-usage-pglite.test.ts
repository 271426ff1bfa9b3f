// The zero-setup mode's database is PGlite (scripts/embedded-postgres.ts),
// whose socket takes no COPY: there the gateway's usage writer must choose its
// JSON INSERT, and a late row must still reach its minute once.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createUsageRecorder, JSON_FORMAT, usageSinkFor, type UsageRow } from "@/gateway/usage";
import { utcTypes } from "@/lib/pg-types";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/scripts/embedded-postgres";
import { REPO_ROOT } from "./database";

let dataDir: string;
let embedded: EmbeddedPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "portico-pglite-"));
  embedded = await startEmbeddedPostgres(dataDir);
  pool = new pg.Pool({ connectionString: embedded.url, max: 2, types: utcTypes });
  // The migrations as `migrate deploy` runs them: each folder's SQL, in order.
  const migrations = join(REPO_ROOT, "prisma", "migrations");
  for (const folder of readdirSync(migrations).filter((name) => /^\d/.test(name)).sort()) {
    await pool.query(readFileSync(join(migrations, folder, "migration.sql"), "utf8"));
  }
});

afterAll(async () => {
  await pool?.end();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const BASE = Date.UTC(2031, 2, 10, 9, 0, 0);

function row(at: number, path: string): UsageRow {
  return { at, apiId: "api-1", versionId: "version-1", applicationId: "app-1", teamId: "team-1", method: "GET", path, status: 200, latencyMs: 2.5, bytesIn: 0, bytesOut: 64, cache: null, requestId: `req-${path}`, gateway: "gw-pglite" };
}

it("writes usage rows with the JSON INSERT, adding a row later than the rollup cursor to its minute", async () => {
  const sink = await usageSinkFor(pool);
  expect(sink.format).toBe(JSON_FORMAT);

  await pool.query(`INSERT INTO "UsageRollupCursor" ("id", "rolledUpTo") VALUES ('usage-minute', $1)`, [new Date(BASE + 5 * 60_000).toISOString()]);
  const recorder = createUsageRecorder({ sink, flushMs: 60_000 });
  recorder.record(row(BASE + 20_000, "/late\ttab"));
  recorder.record(row(BASE + 6 * 60_000, "/on-time"));
  await recorder.close();

  const { rows: events } = await pool.query(`SELECT "path", "at" FROM "UsageEvent" ORDER BY "at"`);
  expect(events).toEqual([
    { path: "/late\ttab", at: new Date(BASE + 20_000) },
    { path: "/on-time", at: new Date(BASE + 6 * 60_000) },
  ]);
  const { rows: minutes } = await pool.query(`SELECT "minute", "requests" FROM "UsageMinute"`);
  expect(minutes).toEqual([{ minute: new Date(BASE), requests: 1 }]);
});
