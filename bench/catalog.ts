// npm run bench:catalog — the catalog at 10,000 APIs with 3 versions each.
// Builds the dataset in a fresh PostgreSQL database, serves the production
// build against it, and prints p50/p95 of
//   1. GET /api/v1/apis?q=… (as a signed-in user, through HTTP),
//   2. the same page's SQL run directly through pg,
//   3. time to first byte of the catalog page /apis?q=… .
// Targets (2 cores): API p95 ≤ 30 ms, page p95 ≤ 120 ms, API p50 ≤ SQL p50 + 3 ms.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import { createDatabase, dropDatabase, migrateDeploy } from "../tests/integration/database";
import { buildSpec } from "@/lib/demo/spec-generator";
import { extractOperations } from "@/lib/specs/operations";
import { hashSecret } from "@/lib/crypto";
import { catalogSql } from "@/lib/catalog/search";
import { catalogQuery } from "@/lib/catalog/query";
import { bin, run } from "../scripts/run";

const API_COUNT = Number(process.env.BENCH_APIS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PORT = 3300;
const QUERIES = ["payments", "refund", "shiping", "customer accounts", "void invoice", "inventory", "auth", "shipment label", "capture charge", "forecast", "zzqx", ""];

const DOMAINS = ["Payments", "Billing", "Identity", "Shipping", "Inventory", "Search", "Messaging", "Analytics", "Media", "Pricing", "Catalog", "Orders", "Loyalty", "Support", "Fraud", "Ledger", "Tax", "Forecast", "Reviews", "Maps"];
const NOUNS = ["Gateway", "Service", "Hub", "Engine", "Registry", "Tracker", "Exchange", "Center", "Core", "Studio"];
const RESOURCES = ["charges", "refunds", "customers", "invoices", "orders", "shipments", "labels", "accounts", "tokens", "items", "warehouses", "reviews", "messages", "devices", "forecasts", "reports", "events", "webhooks", "coupons", "plans", "prices", "products", "carts", "sessions", "users", "groups", "roles", "files", "images", "videos"];
const ACTIONS = ["POST /charges/{id}/capture Capture an authorised charge", "POST /invoices/{id}/void Void an open invoice", "POST /orders/{id}/cancel Cancel an order before shipping", "GET /shipments/{id}/tracking Track a shipment", "POST /accounts/{id}/merge Merge two duplicate accounts", "POST /tokens/introspect Introspect an access token"];
const TAGS = ["payments", "billing", "identity", "security", "shipping", "logistics", "ml", "search", "messaging", "mobile", "analytics", "storage", "compliance", "b2b", "internal-tools", "geo", "pricing", "commerce"];
const VISIBILITIES = ["PUBLIC", "INTERNAL", "PRIVATE"] as const;

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
const pickSome = <T>(list: readonly T[], n: number) => [...new Set(Array.from({ length: n }, () => pick(list)))];

async function insertRows(client: Client, table: string, columns: string[], rows: unknown[][]) {
  for (let start = 0; start < rows.length; start += 200) {
    const batch = rows.slice(start, start + 200);
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((value) => `$${values.push(value)}`).join(", ")})`);
    await client.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, values);
  }
}

async function buildDataset(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  // Dropping the database at the end ends this connection: not an error.
  client.on("error", () => undefined);
  const now = new Date();
  const teams = Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), slug: `team-${i}`, name: `${pick(DOMAINS)} Team ${i}` }));
  await insertRows(client, "Team", ["id", "slug", "name", "updatedAt"], teams.map((t) => [t.id, t.slug, t.name, now]));
  const userId = randomUUID();
  await insertRows(client, "User", ["id", "email", "name", "updatedAt"], [[userId, "bench@portico.bench", "Bench User", now]]);
  await insertRows(client, "Membership", ["id", "teamId", "userId", "role", "updatedAt"], teams.slice(0, 2).map((t) => [randomUUID(), t.id, userId, "DEVELOPER", now]));
  const token = `ptc_pat_${randomBytes(32).toString("base64url")}`;
  await insertRows(client, "PersonalAccessToken", ["id", "userId", "name", "prefix", "tokenHash"], [[randomUUID(), userId, "bench", token.slice(0, 14), hashSecret(token)]]);

  const started = Date.now();
  for (let start = 0; start < API_COUNT; start += 500) {
    const apis: unknown[][] = [];
    const versions: unknown[][] = [];
    const operations: unknown[][] = [];
    const catalog: [string, string][] = [];
    for (let i = start; i < Math.min(start + 500, API_COUNT); i++) {
      const apiId = randomUUID();
      const name = `${pick(DOMAINS)} ${pick(NOUNS)} ${i}`;
      const resources = pickSome(RESOURCES, 4 + Math.floor(random() * 3));
      const tags = pickSome(TAGS, 1 + Math.floor(random() * 3));
      apis.push([apiId, pick(teams).id, name.toLowerCase().replace(/\s+/g, "-"), name, `${name} manages ${resources.join(", ")}.`, `## ${name}\n\nUse it to work with ${resources.join(", ")}. Owned by its team; see the runbook.`, tags, pick(DOMAINS), pick(VISIBILITIES), new Date(now.getTime() - Math.floor(random() * 3e10)), now]);
      for (const [n, [version, state]] of ([["1.0.0", "DEPRECATED"], ["1.1.0", "PUBLISHED"], ["2.0.0", "DRAFT"]] as const).entries()) {
        const document = buildSpec({ title: name, version, description: name, serverUrl: `https://api.example.com/${i}`, resources, actions: random() < 0.3 ? [pick(ACTIONS)] : [], omit: n === 0 ? resources.slice(-1) : undefined });
        const text = JSON.stringify(document);
        const versionId = randomUUID();
        const [major, minor, patch] = version.split(".").map(Number);
        versions.push([versionId, apiId, version, major, minor, patch, state, text, text, hashSecret(text), now]);
        for (const op of extractOperations(document)) operations.push([randomUUID(), versionId, op.method, op.path, op.operationId, op.summary, op.tags, op.deprecated, op.searchText]);
        if (state === "PUBLISHED") catalog.push([apiId, versionId]);
      }
    }
    await insertRows(client, "Api", ["id", "teamId", "slug", "name", "summary", "description", "tags", "category", "visibility", "createdAt", "updatedAt"], apis);
    await insertRows(client, "ApiVersion", ["id", "apiId", "version", "major", "minor", "patch", "state", "sourceDocument", "openapiDocument", "specHash", "updatedAt"], versions);
    await insertRows(client, "ApiOperation", ["id", "versionId", "method", "path", "operationId", "summary", "tags", "deprecated", "searchText"], operations);
    await client.query(`UPDATE "Api" a SET "catalogVersionId" = c.v FROM unnest($1::text[], $2::text[]) AS c(a, v) WHERE a."id" = c.a`, [catalog.map((c) => c[0]), catalog.map((c) => c[1])]);
    // What lib/catalog/versions.ts refreshCatalogVersion does per API.
    await client.query(`UPDATE "Api" a SET "searchOperations" = (SELECT to_tsvector('simple', string_agg(o."searchText", ' ')) FROM "ApiOperation" o WHERE o."versionId" = a."catalogVersionId") WHERE a."id" = ANY($1::text[])`, [catalog.map((c) => c[0])]);
    process.stdout.write(`\r  ${Math.min(start + 500, API_COUNT)} APIs`);
  }
  await client.query("VACUUM ANALYZE");
  const counts = await client.query(`SELECT (SELECT count(*) FROM "Api") apis, (SELECT count(*) FROM "ApiVersion") versions, (SELECT count(*) FROM "ApiOperation") operations, pg_size_pretty(pg_database_size(current_database())) size`);
  console.log(`\n  built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(counts.rows[0])}`);
  return { client, token, userId };
}

function percentile(samples: number[], p: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`.padStart(9);

async function time(fn: () => Promise<unknown>) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function timeToFirstByte(url: string, headers: Record<string, string>) {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const reader = response.body!.getReader();
  await reader.read();
  const elapsed = performance.now() - started;
  await reader.cancel();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return elapsed;
}

async function sessionCookie(base: string): Promise<string> {
  // Signs the bench user in through next-auth's credentials flow.
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const { hashPassword } = await import("@/lib/auth/password");
  await client.query(`UPDATE "User" SET "passwordHash" = $1 WHERE email = 'bench@portico.bench'`, [await hashPassword("bench-password")]);
  await client.end();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email: "bench@portico.bench", password: "bench-password", json: "true" }),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error("could not sign the bench user in");
  return [...cookies, session].join("; ");
}

async function main() {
  // Measure the code as it is now (BENCH_SKIP_BUILD=1 reuses an existing build).
  if (!process.env.BENCH_SKIP_BUILD || !existsSync(".next/BUILD_ID")) await run(bin("next"), ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  console.log(`Building ${API_COUNT} APIs × 3 versions…`);
  const database = await createDatabase("portico_bench");
  process.env.DATABASE_URL = database.url;
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await migrateDeploy(database.url);
    const { client, token, userId } = await buildDataset(database.url);
    const second = new Client({ connectionString: database.url });
    await second.connect();
    second.on("error", () => undefined);
    server = spawn(bin("next"), ["start", "-p", String(PORT)], { env: { ...process.env, DATABASE_URL: database.url, NEXTAUTH_SECRET: "bench", NEXTAUTH_URL: `http://localhost:${PORT}`, NEXT_TELEMETRY_DISABLED: "1" }, stdio: "ignore", detached: true });
    const base = `http://localhost:${PORT}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/api/health`).then((r) => r.status).catch(() => 0)) === 200) break;
      if (i > 600) throw new Error("server did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const auth = { authorization: `Bearer ${token}` };
    const cookie = await sessionCookie(base);
    const actor = { userId, email: "bench@portico.bench", name: "Bench User", platformRole: "MEMBER" as const, requestId: "bench", via: "token" as const };

    const api: number[] = [];
    const sql: number[] = [];
    const page: number[] = [];
    const apiUrl = (q: string) => `${base}/api/v1/apis?limit=20${q ? `&q=${encodeURIComponent(q)}` : ""}`;
    // Warm up: JIT, connection pools, PostgreSQL caches.
    for (const q of QUERIES) {
      await fetch(apiUrl(q), { headers: auth }).then((r) => r.arrayBuffer());
      await timeToFirstByte(`${base}/apis?q=${encodeURIComponent(q)}`, { cookie });
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of QUERIES) {
        api.push(await time(async () => {
          const response = await fetch(apiUrl(q), { headers: auth });
          if (response.status !== 200) throw new Error(`API answered ${response.status}: ${await response.text()}`);
          await response.arrayBuffer();
        }));
        // The two statements of a catalog page, side by side, as searchCatalog runs them.
        const { page: pageSql, count } = catalogSql(actor, catalogQuery.parse({ q, limit: 20 }));
        sql.push(await time(() => Promise.all([client.query(pageSql.text, pageSql.values), second.query(count.text, count.values)])));
        page.push(await timeToFirstByte(`${base}/apis?q=${encodeURIComponent(q)}`, { cookie }));
      }
    }
    await client.end();
    await second.end();
    const row = (name: string, samples: number[], target: string) => console.log(`${name.padEnd(34)} ${fmt(percentile(samples, 50))} ${fmt(percentile(samples, 95))}   ${target}`);
    console.log(`\n${QUERIES.length} queries × ${ROUNDS} rounds (${API_COUNT} APIs)\n${"".padEnd(34)} ${"p50".padStart(9)} ${"p95".padStart(9)}   target`);
    row("GET /api/v1/apis?q=… (HTTP)", api, "p95 ≤ 30 ms");
    row("same SQL directly through pg", sql, "");
    row("catalog page /apis?q=… (TTFB)", page, "p95 ≤ 120 ms");
    const overhead = percentile(api, 50) - percentile(sql, 50);
    console.log(`API p50 − SQL p50: ${overhead.toFixed(1)} ms (target ≤ 3 ms); ratio ${(percentile(api, 50) / percentile(sql, 50)).toFixed(2)}×`);
  } finally {
    // The whole process group: `next start` runs the server in a child process.
    if (server?.pid) process.kill(-server.pid, "SIGTERM");
    if (!process.env.BENCH_KEEP) await dropDatabase(database.name);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
