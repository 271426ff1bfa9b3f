// The demo's week of gateway traffic (lib/demo/usage.ts), which `npm start`
// and the end-to-end tests rely on: its totals, where raw rows and rollups
// meet, and that the worker's next rollup changes no figure.
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/lib/demo/seed";
import { DEMO_USAGE_STREAMS } from "@/lib/demo/usage";
import { getApiAnalytics, getApplicationUsage } from "@/lib/usage/analytics";
import { runUsageRollup } from "@/lib/usage/rollup";
import { actorFor, db, resetDatabase } from "./helpers";
import { cursor, MINUTE } from "./usage-fixtures";

const HOUR = 60 * MINUTE;

async function demoActor(email: string) {
  return actorFor(await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, platformRole: true } }));
}

/**
 * The figures expected again after a rollup. A mean is a float sum divided by
 * a count, and PostgreSQL sums floats in no fixed order, so it may differ in
 * its last bits; every count must be exact.
 */
function sameFigures<T extends { meanMs: number | null }>(figures: T): T {
  return { ...figures, meanMs: figures.meanMs === null ? null : expect.closeTo(figures.meanMs, 9) };
}

let seededAt: Date;

beforeAll(async () => {
  await resetDatabase();
  seededAt = new Date();
  expect(await seedDemo()).toBe(true);
}, 120_000);

describe("the demo's gateway traffic", () => {
  it("writes a week of rollups and the last hour as raw events after the rollup cursor, in under 50,000 rows", async () => {
    const rolledUpTo = await cursor();
    expect(rolledUpTo).not.toBeNull();
    expect(Math.abs(rolledUpTo!.getTime() - (Math.floor(seededAt.getTime() / MINUTE) * MINUTE - HOUR))).toBeLessThanOrEqual(MINUTE);
    const [minutes, events] = await Promise.all([db.usageMinute.count(), db.usageEvent.count()]);
    expect(minutes + events).toBeLessThan(50_000);
    expect(await db.usageMinute.count({ where: { minute: { gte: rolledUpTo! } } })).toBe(0);
    expect(await db.usageEvent.count({ where: { at: { lt: rolledUpTo! } } })).toBe(0);
    expect(events).toBeGreaterThan(0);
  });

  it("shows Payments' publisher every stream's exact total, and the deprecated 2.0.0's callers with their contacts", async () => {
    const ben = await demoActor("ben@portico.demo");
    const analytics = await getApiAnalytics(ben, "payments", "30d");
    const payments = DEMO_USAGE_STREAMS.filter((stream) => stream.api === "payments");
    expect(analytics.totals.requests).toBe(payments.reduce((sum, stream) => sum + stream.requests, 0));
    const byApplication = new Map<string, number>();
    for (const stream of payments) byApplication.set(stream.application, (byApplication.get(stream.application) ?? 0) + stream.requests);
    expect(Object.fromEntries(analytics.consumers.top.map((consumer) => [consumer.applicationName, consumer.requests]))).toEqual(Object.fromEntries(byApplication));

    const [campaign] = analytics.sunsetCampaign;
    expect(campaign.version).toBe("2.0.0");
    expect(campaign.callers.map((caller) => [caller.applicationName, caller.team?.name, caller.requests, caller.contacts.map((contact) => contact.email)])).toEqual([
      ["Account service", "Identity", 42_000, ["ada@portico.demo"]],
      ["Android app", "Mobile Apps", 3_000, ["cleo@portico.demo"]],
    ]);
    expect(analytics.totals.errors5xx).toBeGreaterThan(0);
    expect(analytics.totals.p99).toBeGreaterThan(analytics.totals.p50!);
  });

  it("gives the iOS app its subscriptions' plans, and keeps every figure when the worker rolls the last hour up", async () => {
    const cleo = await demoActor("cleo@portico.demo");
    const ios = await db.application.findFirstOrThrow({ where: { name: "iOS app", team: { slug: "mobile" } }, select: { id: true } });
    const usage = await getApplicationUsage(cleo, ios.id);
    expect(usage.items.map((item) => [item.api.slug, item.plan?.name, item.last7Days.requests])).toEqual([
      ["fx-rates", "Sandbox", 4_000],
      ["payments", "Production", 150_000],
    ]);
    expect(usage.items[0].month.peakPerMinute).toBeGreaterThan(0);

    const ben = await demoActor("ben@portico.demo");
    const now = new Date();
    const before = await getApiAnalytics(ben, "payments", "30d", now);
    expect(await runUsageRollup(now)).toMatchObject({ behind: false });
    const after = await getApiAnalytics(ben, "payments", "30d", now);
    expect(after.totals).toEqual(sameFigures(before.totals));
    expect(after.series).toEqual(before.series.map(sameFigures));
  });
});
