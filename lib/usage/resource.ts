// The REST form of the usage figures (GET /apis/{slug}/analytics and
// GET /applications/{id}/usage): what the analytics pages show, as JSON, for
// dashboards and scripts. The schemas document it in /api/v1/openapi.json.
import { z } from "zod";
import { timestamp } from "@/lib/rest/schemas";
import { USAGE_RANGES, type ApiAnalytics, type ApplicationUsage, type UsageRange } from "./analytics";

export const usageRangeQuery = z.object({
  range: z
    .enum(Object.keys(USAGE_RANGES) as [UsageRange, ...UsageRange[]])
    .default("24h")
    .describe("How far back: 1h (per minute), 24h (per 15 minutes), 7d (per hour) or 30d (per 6 hours)"),
});

const ms = z.number().nullable().describe("Milliseconds; null without requests");
const counts = { requests: z.number().int(), errors4xx: z.number().int(), errors5xx: z.number().int() };
const latency = { p50: ms, p95: ms, p99: ms };
const totalsFields = { ...counts, bytesIn: z.number().int(), bytesOut: z.number().int(), meanMs: ms, ...latency };
const usageTotals = z.object(totalsFields).meta({ id: "UsageTotals" });
const usagePoint = z.object({ t: timestamp.describe("Start of the interval"), ...totalsFields }).meta({ id: "UsagePoint" });
const teamRef = z.object({ slug: z.string(), name: z.string() });
const party = {
  applicationId: z.string().describe("Empty for keyless calls"),
  applicationName: z.string().nullable(),
  team: teamRef.nullable(),
};

export const apiAnalyticsResource = z
  .object({
    api: z.object({ slug: z.string(), name: z.string() }),
    range: z.object({ key: usageRangeQuery.shape.range.unwrap(), from: timestamp, to: timestamp, stepSeconds: z.number().int() }),
    totals: usageTotals,
    series: z.array(usagePoint),
    consumers: z.object({
      count: z.number().int(),
      top: z.array(z.object({ ...party, ...counts, p95: ms, lastAt: timestamp })),
    }),
    versions: z.array(
      z.object({
        version: z.string().nullable(),
        state: z.string().nullable(),
        sunsetAt: timestamp.nullable(),
        ...counts,
        share: z.number(),
        ...latency,
        lastAt: timestamp,
      }),
    ),
    sunsetCampaign: z
      .array(
        z.object({
          version: z.string(),
          deprecatedAt: timestamp.nullable(),
          sunsetAt: timestamp.nullable(),
          replacement: z.string().nullable(),
          callers: z.array(
            z.object({
              ...party,
              ...counts,
              lastAt: timestamp,
              contacts: z.array(z.object({ name: z.string().nullable(), email: z.string(), role: z.string() })),
            }),
          ),
        }),
      )
      .describe("Each deprecated version and who still calls it"),
  })
  .meta({ id: "ApiAnalytics" });

export function toApiAnalyticsResource(analytics: ApiAnalytics) {
  const { api, range, totals, series, consumers, versions, sunsetCampaign } = analytics;
  const teamOf = (team: { slug: string; name: string } | null) => (team ? { slug: team.slug, name: team.name } : null);
  return {
    api: { slug: api.slug, name: api.name },
    range: { key: range.key, from: range.from, to: range.to, stepSeconds: range.stepMs / 1000 },
    totals,
    series: series.map(({ t, ...figures }) => ({ t: new Date(t), ...figures })),
    consumers: { count: consumers.count, top: consumers.top.map((row) => ({ ...row, team: teamOf(row.team) })) },
    versions: versions.map((row) => ({
      version: row.version,
      state: row.state,
      sunsetAt: row.sunsetAt,
      requests: row.requests,
      share: row.share,
      errors4xx: row.errors4xx,
      errors5xx: row.errors5xx,
      p50: row.p50,
      p95: row.p95,
      p99: row.p99,
      lastAt: row.lastAt,
    })),
    sunsetCampaign: sunsetCampaign.map(({ version, deprecatedAt, sunsetAt, replacement, callers }) => ({
      version,
      deprecatedAt,
      sunsetAt,
      replacement,
      callers: callers.map((caller) => ({ ...caller, team: teamOf(caller.team), contacts: caller.contacts.map(({ name, email, role }) => ({ name, email, role })) })),
    })),
  };
}

export const applicationUsageResource = z
  .object({
    application: z.object({ id: z.string(), name: z.string() }),
    monthStart: timestamp,
    items: z.array(
      z.object({
        api: z.object({ slug: z.string(), name: z.string(), teamName: z.string() }),
        subscriptionId: z.string().nullable().describe("null: called without a subscription now (it ended)"),
        plan: z
          .object({ name: z.string(), limitUnit: z.string(), rateLimitPerMinute: z.number().int().nullable(), monthlyQuota: z.number().int().nullable() })
          .nullable(),
        month: z.object({
          ...counts,
          peakPerMinute: z.number().int().describe("The busiest minute of the month"),
          peakAt: timestamp.nullable(),
        }),
        last7Days: usageTotals,
        quotaShare: z.number().nullable().describe("This month's requests over the plan's monthly quota"),
        rateShare: z.number().nullable().describe("The busiest minute over the plan's per-minute limit"),
      }),
    ),
  })
  .meta({ id: "ApplicationUsage" });

export function toApplicationUsageResource(usage: ApplicationUsage) {
  return {
    application: { id: usage.application.id, name: usage.application.name },
    monthStart: usage.monthStart,
    items: usage.items.map((item) => ({
      api: { slug: item.api.slug, name: item.api.name, teamName: item.api.teamName },
      subscriptionId: item.subscriptionId,
      plan: item.plan && { name: item.plan.name, limitUnit: item.plan.limitUnit, rateLimitPerMinute: item.plan.rateLimitPerMinute, monthlyQuota: item.plan.monthlyQuota },
      month: item.month,
      last7Days: item.last7Days,
      quotaShare: item.quotaShare,
      rateShare: item.rateShare,
    })),
  };
}
