// What the analytics pages show: the publisher's view of one API (traffic,
// errors, latency, consumers, versions, and who still calls deprecated
// versions) and the consumer's view of one application against its plans.
// Reads the minute rollups and, past the rollup cursor, the raw events
// (lib/usage/sql.ts), so a call made seconds ago is already counted.
import { db, sql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { LifecycleState, LimitUnit, TeamRole } from "@/lib/generated/prisma/enums";
import type { MaybeActor } from "@/lib/authz/actor";
import { assertCanOnVisibleApi } from "@/lib/authz/permissions";
import { findVisibleApi } from "@/lib/catalog/api-details";
import { findApplicationForActor } from "@/lib/applications/access";
import { emptyBuckets, latencySummary, mergeBuckets, type LatencySummary } from "./histogram";
import { bucketSums, usageCte } from "./sql";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The time ranges of the analytics page, each with the interval its charts are drawn in. */
export const USAGE_RANGES = {
  "1h": { label: "Last hour", short: "1 h", durationMs: HOUR, stepMs: MINUTE, stepLabel: "minute" },
  "24h": { label: "Last 24 hours", short: "24 h", durationMs: DAY, stepMs: 15 * MINUTE, stepLabel: "15 minutes" },
  "7d": { label: "Last 7 days", short: "7 d", durationMs: 7 * DAY, stepMs: HOUR, stepLabel: "hour" },
  "30d": { label: "Last 30 days", short: "30 d", durationMs: 30 * DAY, stepMs: 6 * HOUR, stepLabel: "6 hours" },
} as const;

export type UsageRange = keyof typeof USAGE_RANGES;
export const DEFAULT_USAGE_RANGE: UsageRange = "24h";

export function parseUsageRange(value: unknown): UsageRange {
  return typeof value === "string" && Object.hasOwn(USAGE_RANGES, value) ? (value as UsageRange) : DEFAULT_USAGE_RANGE;
}

/**
 * [from, now) for a range: `from` is rounded down to the range's interval so
 * every chart interval but the current one is complete (the window is up to
 * one interval longer than its name).
 */
export function usageWindow(range: UsageRange, now: Date): { from: Date; to: Date; stepMs: number } {
  const { durationMs, stepMs } = USAGE_RANGES[range];
  const from = new Date(Math.floor((now.getTime() - durationMs) / stepMs) * stepMs);
  return { from, to: now, stepMs };
}

/** Counts summed over some usage rows. */
export interface UsageTotals extends LatencySummary {
  requests: number;
  errors4xx: number;
  errors5xx: number;
  bytesIn: number;
  bytesOut: number;
  /** Mean latency in ms, or null without requests. */
  meanMs: number | null;
}

export interface UsagePoint extends UsageTotals {
  /** Start of the interval, epoch ms. */
  t: number;
}

interface AggregateRow {
  requests: number;
  errors4xx: number;
  errors5xx: number;
  bytesIn: number;
  bytesOut: number;
  latencySumMs: number;
  latencyBuckets: number[];
}

function totalsOf(rows: readonly AggregateRow[]): UsageTotals {
  const sum = (pick: (row: AggregateRow) => number) => rows.reduce((total, row) => total + Number(pick(row)), 0);
  const requests = sum((row) => row.requests);
  const latencySum = sum((row) => row.latencySumMs);
  return {
    requests,
    errors4xx: sum((row) => row.errors4xx),
    errors5xx: sum((row) => row.errors5xx),
    bytesIn: sum((row) => row.bytesIn),
    bytesOut: sum((row) => row.bytesOut),
    meanMs: requests > 0 ? latencySum / requests : null,
    ...latencySummary(mergeBuckets(...rows.map((row) => row.latencyBuckets))),
  };
}

const EMPTY_ROW: AggregateRow = { requests: 0, errors4xx: 0, errors5xx: 0, bytesIn: 0, bytesOut: 0, latencySumMs: 0, latencyBuckets: emptyBuckets() };

/** Every interval of the window, those without traffic as zeros. */
function fillSeries(rows: readonly (AggregateRow & { bucket: number })[], window: { from: Date; to: Date; stepMs: number }): UsagePoint[] {
  const byStart = new Map(rows.map((row) => [row.bucket * window.stepMs, row]));
  const points: UsagePoint[] = [];
  for (let t = window.from.getTime(); t < window.to.getTime(); t += window.stepMs) {
    points.push({ t, ...totalsOf([byStart.get(t) ?? EMPTY_ROW]) });
  }
  return points;
}

const SUMS = Prisma.sql`sum(x."requests")::float8 AS "requests", sum(x."errors4xx")::float8 AS "errors4xx", sum(x."errors5xx")::float8 AS "errors5xx",
  sum(x."bytesIn")::float8 AS "bytesIn", sum(x."bytesOut")::float8 AS "bytesOut", sum(x."latencySumMs")::float8 AS "latencySumMs",
  ${bucketSums(Prisma.sql`x."latencyBuckets"`)} AS "latencyBuckets"`;

/** The interval a minute falls in, as a number of intervals since the epoch. */
function intervalOf(stepMs: number): Prisma.Sql {
  return Prisma.sql`floor(extract(epoch FROM u."minute") * 1000 / ${stepMs})::float8`;
}

// GROUPING(bucket, versionId, applicationId) sets a bit for each column a
// row is NOT grouped by (bucket is the high bit).
const BY_TIME = 0b011;
const BY_VERSION = 0b101;
const BY_APPLICATION = 0b110;
const BY_VERSION_AND_APPLICATION = 0b100;

interface ApiUsageRow extends AggregateRow {
  grouping: number;
  bucket: number | null;
  versionId: string | null;
  applicationId: string | null;
  teamId: string | null;
  lastAt: Date;
}

export interface UsageParty {
  /** '' for calls without an application (keyless APIs). */
  applicationId: string;
  applicationName: string | null;
  team: { id: string; slug: string; name: string } | null;
}

export interface ContactPerson {
  name: string | null;
  email: string;
  role: TeamRole;
}

/**
 * The publisher's analytics of one API over a range: its team's members and
 * platform admins only (404 when the API is not visible to the actor, 403
 * when it is but the actor is not of its team). One statement aggregates the
 * time series, the versions, the consumers and the version × consumer pairs
 * (GROUPING SETS), so every figure on the page comes from the same snapshot.
 */
export async function getApiAnalytics(actor: MaybeActor, slug: string, range: UsageRange, now = new Date()) {
  const { api, role } = await findVisibleApi(actor, slug);
  assertCanOnVisibleApi(actor, "team.view", { teamId: api.teamId, role });
  const window = usageWindow(range, now);

  const rows = await sql<ApiUsageRow>(Prisma.sql`
    ${usageCte({ apiId: api.id }, window.from, window.to)}
    SELECT GROUPING(x."bucket", x."versionId", x."applicationId")::int AS "grouping",
      x."bucket", x."versionId", x."applicationId", max(x."teamId") AS "teamId", max(x."lastAt") AS "lastAt", ${SUMS}
    FROM (SELECT u.*, ${intervalOf(window.stepMs)} AS "bucket" FROM usage_rows u) x
    GROUP BY GROUPING SETS ((x."bucket"), (x."versionId"), (x."applicationId"), (x."versionId", x."applicationId"))`);

  const grouped = (grouping: number) => rows.filter((row) => row.grouping === grouping);
  const timeRows = grouped(BY_TIME).map((row) => ({ ...row, bucket: row.bucket! }));
  const versionRows = grouped(BY_VERSION);
  const applicationRows = grouped(BY_APPLICATION);
  const pairRows = grouped(BY_VERSION_AND_APPLICATION);

  const versions = await db.apiVersion.findMany({
    where: { apiId: api.id },
    select: { id: true, version: true, state: true, sunsetAt: true, deprecatedAt: true, replacement: { select: { version: true } } },
  });
  const deprecated = versions.filter((version) => version.state === "DEPRECATED");
  const deprecatedIds = new Set(deprecated.map((version) => version.id));
  const callersOfDeprecated = pairRows.filter((row) => deprecatedIds.has(row.versionId!));
  const parties = await describeParties([...applicationRows, ...callersOfDeprecated]);
  const contacts = await contactsOf([...new Set(callersOfDeprecated.map((row) => parties(row).team?.id).filter((id): id is string => id != null))]);

  const totals = totalsOf(timeRows);
  const versionById = new Map(versions.map((version) => [version.id, version]));
  const errorsOf = (row: AggregateRow) => ({ errors4xx: row.errors4xx, errors5xx: row.errors5xx });

  return {
    api: { id: api.id, slug: api.slug, name: api.name, team: api.team, currentVersion: versions.find((version) => version.id === api.catalogVersionId)?.version ?? null },
    range: { key: range, ...USAGE_RANGES[range], from: window.from, to: window.to },
    totals,
    series: fillSeries(timeRows, window),
    consumers: {
      count: applicationRows.length,
      top: applicationRows
        .sort((a, b) => b.requests - a.requests)
        .slice(0, 10)
        .map((row) => ({ ...parties(row), requests: row.requests, ...errorsOf(row), p95: latencySummary(row.latencyBuckets).p95, lastAt: row.lastAt })),
    },
    versions: versionRows
      .map((row) => {
        const version = versionById.get(row.versionId!);
        return {
          versionId: row.versionId!,
          version: version?.version ?? null,
          state: (version?.state ?? null) as LifecycleState | null,
          sunsetAt: version?.sunsetAt ?? null,
          requests: row.requests,
          share: totals.requests > 0 ? row.requests / totals.requests : 0,
          ...errorsOf(row),
          ...latencySummary(row.latencyBuckets),
          lastAt: row.lastAt,
        };
      })
      .sort((a, b) => b.requests - a.requests),
    sunsetCampaign: deprecated
      .sort((a, b) => (a.sunsetAt?.getTime() ?? Infinity) - (b.sunsetAt?.getTime() ?? Infinity))
      .map((version) => ({
        versionId: version.id,
        version: version.version,
        deprecatedAt: version.deprecatedAt,
        sunsetAt: version.sunsetAt,
        replacement: version.replacement?.version ?? null,
        callers: callersOfDeprecated
          .filter((row) => row.versionId === version.id)
          .sort((a, b) => b.requests - a.requests)
          .map((row) => {
            const party = parties(row);
            return { ...party, requests: row.requests, ...errorsOf(row), lastAt: row.lastAt, contacts: party.team ? (contacts.get(party.team.id) ?? []) : [] };
          }),
      })),
  };
}

export type ApiAnalytics = Awaited<ReturnType<typeof getApiAnalytics>>;

/** Names for the applications and teams of usage rows; the rows name them by id only (usage outlives what it counted). */
async function describeParties(rows: readonly { applicationId: string | null; teamId: string | null }[]): Promise<(row: { applicationId: string | null; teamId: string | null }) => UsageParty> {
  const applicationIds = [...new Set(rows.map((row) => row.applicationId).filter((id): id is string => !!id))];
  const applications = await db.application.findMany({ where: { id: { in: applicationIds } }, select: { id: true, name: true, team: { select: { id: true, slug: true, name: true } } } });
  const applicationById = new Map(applications.map((application) => [application.id, application]));
  const orphanTeamIds = [...new Set(rows.filter((row) => row.teamId && !applicationById.has(row.applicationId ?? "")).map((row) => row.teamId!))];
  const teams = orphanTeamIds.length ? await db.team.findMany({ where: { id: { in: orphanTeamIds } }, select: { id: true, slug: true, name: true } }) : [];
  const teamById = new Map(teams.map((team) => [team.id, team]));
  return (row) => {
    const application = applicationById.get(row.applicationId ?? "");
    return {
      applicationId: row.applicationId ?? "",
      applicationName: application?.name ?? null,
      team: application?.team ?? (row.teamId ? (teamById.get(row.teamId) ?? null) : null),
    };
  };
}

/** Whom a publisher writes to about a team's calls: its OWNERs and ADMINs. */
async function contactsOf(teamIds: string[]): Promise<Map<string, ContactPerson[]>> {
  const memberships = teamIds.length
    ? await db.membership.findMany({
        where: { teamId: { in: teamIds }, role: { in: ["OWNER", "ADMIN"] } },
        select: { teamId: true, role: true, user: { select: { name: true, email: true } } },
        orderBy: [{ role: "asc" }, { createdAt: "asc" }],
      })
    : [];
  const byTeam = new Map<string, ContactPerson[]>();
  for (const membership of memberships) {
    const list = byTeam.get(membership.teamId) ?? [];
    list.push({ name: membership.user.name, email: membership.user.email, role: membership.role });
    byTeam.set(membership.teamId, list);
  }
  return byTeam;
}

// ---------------------------------------------------------------------------
// The consumer's view
// ---------------------------------------------------------------------------

/** The consumer chart: the last 7 days, hour by hour. */
const CONSUMER_CHART = { durationMs: 7 * DAY, stepMs: HOUR };

export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

interface MonthRow {
  apiId: string;
  requests: number;
  errors4xx: number;
  errors5xx: number;
  peakPerMinute: number;
  peakAt: Date;
}

interface ChartRow extends AggregateRow {
  apiId: string;
  bucket: number;
}

export interface PlanLimits {
  name: string;
  limitUnit: LimitUnit;
  rateLimitPerMinute: number | null;
  monthlyQuota: number | null;
}

/**
 * An application's usage for its own team (any member) and platform admins;
 * 404 for anyone else. Per API it calls: requests this calendar month (UTC)
 * against the plan's monthly quota, the busiest minute against the rate
 * limit, errors, and the last 7 days hour by hour. APIs called this month
 * without an active subscription any more are listed too.
 */
export async function getApplicationUsage(actor: MaybeActor, applicationId: string, now = new Date()) {
  const { application } = await findApplicationForActor(actor, applicationId);
  const monthStart = startOfUtcMonth(now);
  const chartWindow = { from: new Date(Math.floor((now.getTime() - CONSUMER_CHART.durationMs) / CONSUMER_CHART.stepMs) * CONSUMER_CHART.stepMs), to: now, stepMs: CONSUMER_CHART.stepMs };
  const filter = { applicationId: application.id };

  const [subscriptions, monthRows, chartRows] = await Promise.all([
    db.subscription.findMany({
      where: { applicationId: application.id, status: "ACTIVE" },
      select: {
        id: true,
        api: { select: { id: true, slug: true, name: true, team: { select: { name: true } } } },
        plan: { select: { name: true, limitUnit: true, rateLimitPerMinute: true, monthlyQuota: true } },
      },
      orderBy: { createdAt: "asc" },
    }),
    sql<MonthRow>(Prisma.sql`
      ${usageCte(filter, monthStart, now)}, per_minute AS (
        SELECT u."apiId", u."minute", sum(u."requests") AS "requests", sum(u."errors4xx") AS "errors4xx", sum(u."errors5xx") AS "errors5xx"
        FROM usage_rows u GROUP BY 1, 2
      )
      SELECT "apiId", sum("requests")::float8 AS "requests", sum("errors4xx")::float8 AS "errors4xx", sum("errors5xx")::float8 AS "errors5xx",
        max("requests")::float8 AS "peakPerMinute", (array_agg("minute" ORDER BY "requests" DESC, "minute" DESC))[1] AS "peakAt"
      FROM per_minute GROUP BY 1`),
    sql<ChartRow>(Prisma.sql`
      ${usageCte(filter, chartWindow.from, chartWindow.to)}
      SELECT x."apiId", x."bucket", ${SUMS}
      FROM (SELECT u.*, ${intervalOf(chartWindow.stepMs)} AS "bucket" FROM usage_rows u) x
      GROUP BY 1, 2`),
  ]);

  const subscribedApiIds = new Set(subscriptions.map((subscription) => subscription.api.id));
  const unsubscribedIds = [...new Set([...monthRows, ...chartRows].map((row) => row.apiId).filter((id) => !subscribedApiIds.has(id)))];
  const unsubscribedApis = unsubscribedIds.length
    ? await db.api.findMany({ where: { id: { in: unsubscribedIds } }, select: { id: true, slug: true, name: true, team: { select: { name: true } } } })
    : [];

  const usageOf = (apiId: string) => {
    const month = monthRows.find((row) => row.apiId === apiId);
    const chart = chartRows.filter((row) => row.apiId === apiId);
    const last7Days = totalsOf(chart);
    return {
      month: {
        requests: month?.requests ?? 0,
        errors4xx: month?.errors4xx ?? 0,
        errors5xx: month?.errors5xx ?? 0,
        peakPerMinute: month?.peakPerMinute ?? 0,
        peakAt: month?.peakAt ?? null,
      },
      last7Days,
      series: fillSeries(chart, chartWindow),
    };
  };

  const items = [
    ...subscriptions.map((subscription) => ({
      api: { id: subscription.api.id, slug: subscription.api.slug, name: subscription.api.name, teamName: subscription.api.team.name },
      subscriptionId: subscription.id as string | null,
      plan: { ...subscription.plan, monthlyQuota: subscription.plan.monthlyQuota == null ? null : Number(subscription.plan.monthlyQuota) } as PlanLimits | null,
      ...usageOf(subscription.api.id),
    })),
    ...unsubscribedApis.map((api) => ({ api: { id: api.id, slug: api.slug, name: api.name, teamName: api.team.name }, subscriptionId: null, plan: null, ...usageOf(api.id) })),
  ];

  return {
    application: { id: application.id, name: application.name, teamId: application.teamId },
    monthStart,
    chartWindow,
    items: items.map((item) => ({
      ...item,
      quotaShare: item.plan?.limitUnit === "REQUESTS" && item.plan.monthlyQuota ? item.month.requests / item.plan.monthlyQuota : null,
      rateShare: item.plan?.limitUnit === "REQUESTS" && item.plan.rateLimitPerMinute ? item.month.peakPerMinute / item.plan.rateLimitPerMinute : null,
    })),
  };
}

export type ApplicationUsage = Awaited<ReturnType<typeof getApplicationUsage>>;
