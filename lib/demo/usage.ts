// A week of gateway traffic for the demo, so the analytics pages are not
// empty on `npm start`: five consumer applications of four teams calling the
// Payments API (two of them still on its deprecated 2.0.0) and the iOS app
// trying FX Rates on its Sandbox plan. Minutes older than an hour are written
// as UsageMinute rollups, the last hour as raw UsageEvent rows past the rollup
// cursor, as the gateway and the worker would have left them.
//
// Each stream's request count over the week is fixed (DEMO_USAGE_STREAMS),
// whenever the seed runs: only how it spreads over the hours follows the
// clock. The end-to-end tests read those totals on the pages.
import { randomUUID } from "node:crypto";
import { db, sql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/authz/actor";
import { createApplication } from "@/lib/applications/applications";
import { createKey } from "@/lib/keys/keys";
import { requestAccess } from "@/lib/subscriptions/requests";
import { applySubscriptionAction } from "@/lib/subscriptions/decisions";
import { BUCKET_COUNT, LATENCY_BOUNDS_MS, bucketOf } from "@/lib/usage/histogram";
import { ROLLUP_CURSOR_ID } from "@/lib/usage/sql";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Shape = "evenings" | "every-5-minutes" | "office-hours" | "nightly";

interface Stream {
  api: string;
  version: string;
  application: string;
  team: string;
  /** Requests over the week. */
  requests: number;
  shape: Shape;
  medianMs: number;
  rate4xx: number;
  rate5xx: number;
}

export const DEMO_USAGE_STREAMS: readonly Stream[] = [
  { api: "payments", version: "3.0.0", application: "iOS app", team: "mobile", requests: 150_000, shape: "evenings", medianMs: 45, rate4xx: 0.03, rate5xx: 0.002 },
  { api: "payments", version: "3.0.0", application: "Android app", team: "mobile", requests: 110_000, shape: "evenings", medianMs: 52, rate4xx: 0.035, rate5xx: 0.002 },
  // Old Android builds still in users' hands.
  { api: "payments", version: "2.0.0", application: "Android app", team: "mobile", requests: 3_000, shape: "evenings", medianMs: 60, rate4xx: 0.05, rate5xx: 0.004 },
  // A back-office sync job nobody migrated: the sunset campaign's main target.
  { api: "payments", version: "2.0.0", application: "Account service", team: "identity", requests: 42_000, shape: "every-5-minutes", medianMs: 70, rate4xx: 0.01, rate5xx: 0.003 },
  { api: "payments", version: "3.0.0", application: "Returns portal", team: "logistics", requests: 24_000, shape: "office-hours", medianMs: 38, rate4xx: 0.06, rate5xx: 0.001 },
  { api: "payments", version: "3.0.0", application: "Forecast pipeline", team: "data-science", requests: 6_000, shape: "nightly", medianMs: 120, rate4xx: 0.002, rate5xx: 0.01 },
  { api: "fx-rates", version: "1.0.1", application: "iOS app", team: "mobile", requests: 4_000, shape: "evenings", medianMs: 18, rate4xx: 0.02, rate5xx: 0 },
];

/** The applications the streams need beyond the Mobile team's two, with who creates them. */
const NEW_APPLICATIONS = [
  { team: "identity", name: "Account service", description: "Back office for customer accounts.", by: "ada" },
  { team: "logistics", name: "Returns portal", description: "Refunds parcels returned to the warehouses.", by: "ben" },
  { team: "data-science", name: "Forecast pipeline", description: "Nightly revenue forecast from payment volumes.", by: "ben" },
] as const;

/** Deterministic pseudo-random numbers (mulberry32), one sequence per stream. */
function randomFor(label: string): () => number {
  let seed = 0;
  for (const char of label) seed = (Math.imul(seed, 31) + char.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error under 1.5e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const SIGMA = 0.55;

/**
 * The latency histogram and sum of a minute's requests, log-normal around
 * `median`. Busy minutes get the distribution's expected counts, rounded at
 * random so rare slow requests still turn up; quiet ones a sample each.
 */
function latencyOf(requests: number, median: number, random: () => number): { buckets: number[]; sumMs: number } {
  const buckets = new Array<number>(BUCKET_COUNT).fill(0);
  if (requests <= 20) {
    let sumMs = 0;
    for (let n = 0; n < requests; n++) {
      const ms = Math.max(0.3, median * Math.exp(SIGMA * normal(random)));
      buckets[bucketOf(ms)] += 1;
      sumMs += ms;
    }
    return { buckets, sumMs };
  }
  let below = 0;
  let counted = 0;
  for (let index = 0; index < BUCKET_COUNT; index++) {
    const upTo = index < LATENCY_BOUNDS_MS.length ? phi(Math.log(LATENCY_BOUNDS_MS[index] / median) / SIGMA) : 1;
    const expected = requests * (upTo - below);
    buckets[index] = roundAtRandom(expected, random);
    counted += buckets[index];
    below = upTo;
  }
  const modal = buckets.indexOf(Math.max(...buckets));
  buckets[modal] += requests - counted;
  return { buckets, sumMs: requests * median * Math.exp((SIGMA * SIGMA) / 2) * (0.95 + 0.1 * random()) };
}

/** Relative traffic at a time of the week (UTC). */
function shapeAt(shape: Shape, time: number): number {
  const minuteOfDay = Math.floor(time / MINUTE) % (24 * 60);
  const hour = minuteOfDay / 60;
  // 1970-01-01 was a Thursday.
  const weekday = (Math.floor(time / DAY) + 4) % 7;
  const weekend = weekday === 0 || weekday === 6;
  switch (shape) {
    case "evenings":
      return (0.15 + 0.35 * Math.exp(-((hour - 8) ** 2) / 8) + Math.exp(-((hour - 19) ** 2) / 18)) * (weekend ? 1.2 : 1);
    case "every-5-minutes":
      return minuteOfDay % 5 === 0 ? (weekend ? 0.8 : 1) : 0;
    case "office-hours":
      return !weekend && hour >= 7 && hour < 19 ? 1 : 0;
    case "nightly":
      return hour >= 1 && hour < 3 ? 1 : 0;
  }
}

/** Rounds down or up with the odds of the fraction, so small rates over few requests still add up to the right share. */
function roundAtRandom(value: number, random: () => number): number {
  const floor = Math.floor(value);
  return floor + (random() < value - floor ? 1 : 0);
}

/**
 * Spreads `total` requests over the minutes at random, each minute as likely
 * as its weight: exact totals, and the bursts of real traffic (a quiet stream
 * still has minutes with several calls).
 */
function scatter(total: number, weights: number[], random: () => number): number[] {
  const counts = weights.map(() => 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight));
  if (sum <= 0) return counts;
  for (let n = 0; n < total; n++) {
    const target = random() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    counts[low] += 1;
  }
  return counts;
}

interface StreamIds {
  apiId: string;
  versionId: string;
  applicationId: string;
  teamId: string;
}

interface MinuteRow extends StreamIds {
  minute: number;
  requests: number;
  errors4xx: number;
  errors5xx: number;
  bytesIn: number;
  bytesOut: number;
  latencySumMs: number;
  latencyBuckets: number[];
}

const PATHS: Record<string, [string, string][]> = {
  payments: [["POST", "/charges"], ["GET", "/charges/ch_1042"], ["POST", "/charges/ch_1042/capture"], ["POST", "/refunds"], ["GET", "/customers/cus_88"]],
  "fx-rates": [["GET", "/rates"], ["POST", "/quotes"]],
};
const STATUS_4XX = [400, 401, 404, 404, 409, 422, 429];
const STATUS_5XX = [500, 502, 503, 504];

/**
 * The traffic of one stream from `start` to `now`: per-minute rows before
 * `rawFrom`, single events after. An incident two days ago makes payments
 * 3.0.0 slow and failing for 25 minutes, so the charts have something to show.
 */
function generate(stream: Stream, ids: StreamIds, start: number, rawFrom: number, now: number) {
  const random = randomFor(`${stream.application}/${stream.api}/${stream.version}`);
  const minutes: number[] = [];
  for (let t = start; t < now; t += MINUTE) minutes.push(t);
  const weights = minutes.map((t) => shapeAt(stream.shape, t) * (0.8 + 0.4 * random()) * (Math.min(now, t + MINUTE) - t) / MINUTE);
  const counts = scatter(stream.requests, weights, random);
  const incidentFrom = Math.floor((now - 2 * DAY - 5 * HOUR) / MINUTE) * MINUTE;
  const paths = PATHS[stream.api] ?? [["GET", "/"]];

  const rows: MinuteRow[] = [];
  const events: Prisma.UsageEventCreateManyInput[] = [];
  minutes.forEach((t, index) => {
    const requests = counts[index];
    if (requests === 0) return;
    const inIncident = stream.api === "payments" && stream.version === "3.0.0" && t >= incidentFrom && t < incidentFrom + 25 * MINUTE;
    const rate5xx = inIncident ? 0.3 : stream.rate5xx;
    const errors5xx = Math.min(requests, roundAtRandom(requests * rate5xx * (0.5 + random()), random));
    const errors4xx = Math.min(requests - errors5xx, roundAtRandom(requests * stream.rate4xx * (0.5 + random()), random));
    const median = stream.medianMs * (inIncident ? 9 : 1);
    if (t < rawFrom) {
      const latency = latencyOf(requests, median, random);
      rows.push({
        ...ids,
        minute: t,
        requests,
        errors4xx,
        errors5xx,
        bytesIn: Math.round(requests * 180 * (0.8 + 0.4 * random())),
        bytesOut: Math.round(requests * 1_300 * (0.8 + 0.4 * random())),
        latencySumMs: latency.sumMs,
        latencyBuckets: latency.buckets,
      });
      return;
    }
    const span = Math.min(now, t + MINUTE) - t;
    for (let n = 0; n < requests; n++) {
      const latencyMs = Math.max(0.3, median * Math.exp(SIGMA * normal(random)));
      const [method, path] = paths[Math.floor(random() * paths.length)];
      const status = n < errors5xx ? STATUS_5XX[Math.floor(random() * STATUS_5XX.length)] : n < errors5xx + errors4xx ? STATUS_4XX[Math.floor(random() * STATUS_4XX.length)] : method === "POST" ? 201 : 200;
      events.push({
        at: new Date(t + Math.floor(random() * span)),
        ...ids,
        method,
        path,
        status,
        latencyMs: Math.round(latencyMs * 100) / 100,
        bytesIn: method === "POST" ? 150 + Math.floor(random() * 200) : 0,
        bytesOut: status >= 400 ? 120 + Math.floor(random() * 80) : 900 + Math.floor(random() * 900),
        cache: method === "GET" ? (random() < 0.3 ? "HIT" : "MISS") : null,
        requestId: randomUUID(),
        gateway: "gw-demo-1",
      });
    }
  });
  return { rows, events };
}

async function insertMinuteRows(rows: MinuteRow[]): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += 10_000) {
    const chunk = rows.slice(offset, offset + 10_000);
    const column = <T>(pick: (row: MinuteRow) => T) => chunk.map(pick);
    await sql(Prisma.sql`
      INSERT INTO "UsageMinute" ("minute", "apiId", "versionId", "applicationId", "teamId", "requests", "errors4xx", "errors5xx", "bytesIn", "bytesOut", "latencySumMs", "latencyBuckets")
      SELECT x.minute::timestamp, x.api, x.version, x.application, x.team, x.requests, x.e4, x.e5, x.bytes_in, x.bytes_out, x.latency_sum, x.buckets::int[]
      FROM unnest(
        ${column((row) => new Date(row.minute).toISOString())}::text[], ${column((row) => row.apiId)}::text[], ${column((row) => row.versionId)}::text[],
        ${column((row) => row.applicationId)}::text[], ${column((row) => row.teamId)}::text[], ${column((row) => row.requests)}::int[],
        ${column((row) => row.errors4xx)}::int[], ${column((row) => row.errors5xx)}::int[], ${column((row) => row.bytesIn)}::bigint[],
        ${column((row) => row.bytesOut)}::bigint[], ${column((row) => row.latencySumMs)}::float8[], ${column((row) => `{${row.latencyBuckets.join(",")}}`)}::text[]
      ) AS x(minute, api, version, application, team, requests, e4, e5, bytes_in, bytes_out, latency_sum, buckets)
      ON CONFLICT ("minute", "apiId", "versionId", "applicationId") DO NOTHING`);
  }
}

async function insertEvents(events: Prisma.UsageEventCreateManyInput[]): Promise<void> {
  const column = <T>(pick: (event: Prisma.UsageEventCreateManyInput) => T) => events.map(pick);
  await sql(Prisma.sql`
    INSERT INTO "UsageEvent" ("at", "apiId", "versionId", "applicationId", "teamId", "method", "path", "status", "latencyMs", "bytesIn", "bytesOut", "cache", "requestId", "gateway")
    SELECT x.at::timestamp, x.api, x.version, x.application, x.team, x.method, x.path, x.status, x.latency, x.bytes_in, x.bytes_out, x.cache, x.request, x.gateway
    FROM unnest(
      ${column((event) => new Date(event.at).toISOString())}::text[], ${column((event) => event.apiId)}::text[], ${column((event) => event.versionId ?? null)}::text[],
      ${column((event) => event.applicationId ?? null)}::text[], ${column((event) => event.teamId ?? null)}::text[], ${column((event) => event.method)}::text[],
      ${column((event) => event.path)}::text[], ${column((event) => event.status)}::int[], ${column((event) => event.latencyMs)}::float8[],
      ${column((event) => event.bytesIn)}::int[], ${column((event) => event.bytesOut)}::int[], ${column((event) => event.cache ?? null)}::text[],
      ${column((event) => event.requestId)}::text[], ${column((event) => event.gateway)}::text[]
    ) AS x(at, api, version, application, team, method, path, status, latency, bytes_in, bytes_out, cache, request, gateway)`);
}

/**
 * The consumer side the traffic needs: applications of four teams with an
 * approved Production subscription to Payments and a key each, made through
 * the domain functions (so notifications and the audit log tell the story).
 */
async function demoApplications(people: { ada: Actor; ben: Actor; cleo: Actor }, paymentsSlug: string) {
  const api = await db.api.findUniqueOrThrow({ where: { slug: paymentsSlug }, select: { plans: { where: { name: "Production" }, select: { id: true } } } });
  const production = api.plans[0]?.id;
  if (!production) return;
  const mobile = await db.application.findMany({ where: { team: { slug: "mobile" }, name: { in: ["iOS app", "Android app"] } }, select: { id: true, name: true } });
  const created = [];
  for (const spec of NEW_APPLICATIONS) {
    created.push({ ...(await createApplication(people[spec.by], { team: spec.team, name: spec.name, description: spec.description, environment: "PRODUCTION" })), by: spec.by });
  }
  const requests = [
    ...mobile.map((application) => ({ applicationId: application.id, requester: people.cleo, approver: people.ben, why: `The ${application.name} takes card payments at checkout.` })),
    ...created.map((application) => ({ applicationId: application.id, requester: people[application.by], approver: application.by === "ada" ? people.ben : people.ada, why: `${application.name}: ${application.description}` })),
  ];
  for (const request of requests) {
    const subscription = await requestAccess(request.requester, paymentsSlug, { applicationId: request.applicationId, planId: production, justification: request.why });
    await applySubscriptionAction(request.approver, subscription.id, { action: "approve" });
    await createKey(request.requester, request.applicationId, { name: "production", expiresInDays: 365 });
  }
}

/**
 * Seeds the demo's subscriptions and a week of traffic ending `now`. Expects
 * the demo teams, catalog and Mobile applications of seed.ts; does nothing
 * when the Payments API is missing or already has usage.
 */
export async function seedDemoUsage(people: { ada: Actor; ben: Actor; cleo: Actor }, now = new Date()): Promise<{ minutes: number; events: number }> {
  const payments = await db.api.findUnique({ where: { slug: "payments" }, select: { id: true } });
  if (!payments || (await db.usageMinute.findFirst({ where: { apiId: payments.id }, select: { apiId: true } }))) return { minutes: 0, events: 0 };
  await demoApplications(people, "payments");

  const apis = await db.api.findMany({
    where: { slug: { in: [...new Set(DEMO_USAGE_STREAMS.map((stream) => stream.api))] } },
    select: { id: true, slug: true, versions: { select: { id: true, version: true } } },
  });
  const applications = await db.application.findMany({
    where: { name: { in: [...new Set(DEMO_USAGE_STREAMS.map((stream) => stream.application))] } },
    select: { id: true, name: true, teamId: true, team: { select: { slug: true } } },
  });

  const end = now.getTime();
  const start = Math.floor(end / MINUTE) * MINUTE - 7 * DAY;
  // Raw rows must start at the rollup cursor, or the pages would not read them
  // (before it) or read them twice (after the worker's next run). A fresh
  // database has no cursor yet: the last hour is left for the worker.
  const existing = await db.usageRollupCursor.findUnique({ where: { id: ROLLUP_CURSOR_ID } });
  const rawFrom = Math.min(end, Math.max(Math.floor(end / MINUTE) * MINUTE - HOUR, existing?.rolledUpTo.getTime() ?? 0));
  const rows: MinuteRow[] = [];
  const events: Prisma.UsageEventCreateManyInput[] = [];
  for (const stream of DEMO_USAGE_STREAMS) {
    const api = apis.find((candidate) => candidate.slug === stream.api);
    const versionId = api?.versions.find((version) => version.version === stream.version)?.id;
    const application = applications.find((candidate) => candidate.name === stream.application && candidate.team.slug === stream.team);
    if (!api || !versionId || !application) continue;
    const generated = generate(stream, { apiId: api.id, versionId, applicationId: application.id, teamId: application.teamId }, start, rawFrom, end);
    rows.push(...generated.rows);
    events.push(...generated.events);
  }
  await insertMinuteRows(rows);
  await insertEvents(events);
  if (!existing) await db.usageRollupCursor.create({ data: { id: ROLLUP_CURSOR_ID, rolledUpTo: new Date(rawFrom) } });
  return { minutes: rows.length, events: events.length };
}
