// The analytics read from gateway usage (lib/usage/analytics.ts): the
// publisher's view of an API, the consumer's view of an application, who may
// read them, and that raw rows not rolled up yet count the same as rollups.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getApiAnalytics, getApplicationUsage, usageWindow, type ApiAnalytics } from "@/lib/usage/analytics";
import { histogramOf, latencySummary } from "@/lib/usage/histogram";
import { runUsageRollup } from "@/lib/usage/rollup";
import { addMember, db, expectAppError, makeUser, type TestUser } from "./helpers";
import { makeApplication, makePeople, makeWorld, SUNSET, type People, type World } from "./access-fixtures";
import { clearUsage, cursor, minute, MINUTE, recordEvents, times, type EventInput } from "./usage-fixtures";

const NOW = new Date(Date.UTC(2031, 4, 14, 10, 20, 30));
const HOUR = 60 * MINUTE;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let people: People;
let world: World;
let providerViewer: TestUser;
let globex: { id: string; teamId: string; name: string };

beforeAll(async () => {
  people = await makePeople();
  world = await makeWorld(people);
  providerViewer = await makeUser({ name: "Payments viewer" });
  await addMember(people.providerTeamId, providerViewer, "VIEWER");
  const outsiderTeam = await db.team.findUniqueOrThrow({ where: { slug: "globex" } });
  globex = await makeApplication(outsiderTeam.id, "Globex ERP");
});

/** The traffic of the scenario: Checkout (team Shop) and Globex ERP call payments, some on the deprecated 1.5.0. */
function scenario() {
  const checkout = { apiId: world.payments.id, applicationId: world.application.id, teamId: people.consumer.team.id };
  const erp = { apiId: world.payments.id, applicationId: globex.id, teamId: globex.teamId };
  const deprecated = world.payments.ids["1.5.0"];
  const current = world.payments.ids["2.1.0"];
  const events: EventInput[] = [
    ...times(10, { ...checkout, versionId: deprecated, at: ago(3 * HOUR), latencyMs: 30 }),
    ...times(2, { ...checkout, versionId: deprecated, at: ago(30 * MINUTE), status: 500, latencyMs: 2_500 }),
    ...Array.from({ length: 40 }, (_, index) => ({ ...checkout, versionId: current, at: ago(2 * HOUR), latencyMs: 5 + index * 10, status: index < 4 ? 404 : 200, bytesIn: 100, bytesOut: 1_000 })),
    ...times(5, { ...erp, versionId: deprecated, at: ago(20 * HOUR), latencyMs: 80 }),
    // Made seconds ago: not rolled up by any run.
    { ...erp, versionId: deprecated, at: ago(10_000), latencyMs: 90 },
    // Keyless calls: no application.
    ...times(3, { apiId: world.payments.id, versionId: current, at: ago(HOUR), latencyMs: 3 }),
    // Outside the last 24 hours.
    { ...checkout, versionId: current, at: ago(25 * HOUR), latencyMs: 12 },
    // Another API of the same team: not part of payments' analytics.
    ...times(7, { apiId: world.ledger.id, versionId: world.ledger.ids["1.0.0"], applicationId: world.application.id, teamId: people.consumer.team.id, at: ago(4 * HOUR) }),
  ];
  return { events, deprecated, current };
}

/** The figures that do not depend on whether a minute was read raw or rolled up (the last call's time does: to the minute). */
function figures(analytics: ApiAnalytics) {
  const withoutLastCall = <T extends { lastAt: Date }>(row: T) => ({ ...row, lastAt: undefined });
  return {
    totals: analytics.totals,
    series: analytics.series,
    consumers: analytics.consumers.top.map(withoutLastCall),
    versions: analytics.versions.map(withoutLastCall),
    campaign: analytics.sunsetCampaign.map((version) => ({ ...version, callers: version.callers.map(withoutLastCall) })),
  };
}

beforeEach(clearUsage);

describe("the publisher's analytics of an API", () => {
  it("is for the API team's members (any role) and platform admins; others get 403, or 404 when they cannot see the API", async () => {
    for (const user of [people.provider, providerViewer, people.platformAdmin]) {
      await expect(getApiAnalytics(user.actor, "payments", "24h", NOW)).resolves.toMatchObject({ api: { slug: "payments" } });
    }
    await expectAppError(getApiAnalytics(people.consumer.members.OWNER.actor, "payments", "24h", NOW), 403);
    await expectAppError(getApiAnalytics(people.outsider.actor, "payments", "24h", NOW), 403);
    await expectAppError(getApiAnalytics(null, "payments", "24h", NOW), 401);
    await db.api.update({ where: { id: world.ledger.id }, data: { visibility: "PRIVATE" } });
    try {
      await expectAppError(getApiAnalytics(people.consumer.members.OWNER.actor, "ledger", "24h", NOW), 404);
      await expect(getApiAnalytics(providerViewer.actor, "ledger", "24h", NOW)).resolves.toMatchObject({ api: { slug: "ledger" } });
    } finally {
      await db.api.update({ where: { id: world.ledger.id }, data: { visibility: "PUBLIC" } });
    }
    await expectAppError(getApiAnalytics(people.provider.actor, "no-such-api", "24h", NOW), 404);
  });

  it("answers traffic, errors, bytes, latency percentiles, top consumers, versions and the sunset campaign", async () => {
    const { events, deprecated, current } = scenario();
    await recordEvents(events);
    const analytics = await getApiAnalytics(people.provider.actor, "payments", "24h", NOW);
    const inRange = events.filter((event) => event.apiId === world.payments.id && event.at >= ago(24 * HOUR));

    expect(analytics.totals).toMatchObject({ requests: 61, errors4xx: 4, errors5xx: 2, bytesIn: 4_000, bytesOut: 40_000 + 21 * 512 });
    const expectedLatency = latencySummary(histogramOf(inRange.map((event) => event.latencyMs!)));
    expect({ p50: analytics.totals.p50, p95: analytics.totals.p95, p99: analytics.totals.p99 }).toEqual(expectedLatency);
    expect(analytics.totals.meanMs).toBeCloseTo(inRange.reduce((sum, event) => sum + event.latencyMs!, 0) / 61);

    // 15-minute intervals from 10:15 yesterday to now, each in its place.
    expect(analytics.range).toMatchObject({ key: "24h", from: new Date(Date.UTC(2031, 4, 13, 10, 15)), to: NOW });
    expect(analytics.series).toHaveLength(97);
    expect(analytics.series.reduce((sum, point) => sum + point.requests, 0)).toBe(61);
    const at = (time: Date) => analytics.series.find((point) => point.t === Math.floor(time.getTime() / (15 * MINUTE)) * 15 * MINUTE)!;
    expect(at(ago(2 * HOUR))).toMatchObject({ requests: 40, errors4xx: 4, errors5xx: 0, ...latencySummary(histogramOf(Array.from({ length: 40 }, (_, index) => 5 + index * 10))) });
    expect(at(ago(30 * MINUTE))).toMatchObject({ requests: 2, errors5xx: 2 });
    expect(analytics.series.filter((point) => point.requests === 0).every((point) => point.p95 === null)).toBe(true);

    expect(analytics.consumers.count).toBe(3);
    expect(analytics.consumers.top.map((consumer) => [consumer.applicationName, consumer.team?.name ?? null, consumer.requests, consumer.errors4xx, consumer.errors5xx])).toEqual([
      ["Checkout", "Shop", 52, 4, 2],
      ["Globex ERP", "Globex", 6, 0, 0],
      [null, null, 3, 0, 0],
    ]);
    expect(analytics.consumers.top[2].applicationId).toBe("");

    expect(analytics.versions.map((version) => [version.version, version.state, version.requests])).toEqual([
      ["2.1.0", "PUBLISHED", 43],
      ["1.5.0", "DEPRECATED", 18],
    ]);
    expect(analytics.versions[1]).toMatchObject({ versionId: deprecated, sunsetAt: SUNSET, share: 18 / 61 });
    expect(analytics.versions[0].versionId).toBe(current);

    expect(analytics.sunsetCampaign).toHaveLength(1);
    const [campaign] = analytics.sunsetCampaign;
    expect(campaign).toMatchObject({ version: "1.5.0", sunsetAt: SUNSET, replacement: "2.1.0" });
    expect(campaign.callers.map((caller) => [caller.applicationName, caller.team?.name, caller.requests, caller.errors5xx, caller.lastAt])).toEqual([
      ["Checkout", "Shop", 12, 2, ago(30 * MINUTE)],
      ["Globex ERP", "Globex", 6, 0, ago(10_000)],
    ]);
    // The consumer team's OWNER and ADMIN, not its DEVELOPER or VIEWER.
    const shop = people.consumer.members;
    expect(campaign.callers[0].contacts).toEqual([
      { name: shop.OWNER.name, email: shop.OWNER.email, role: "OWNER" },
      { name: shop.ADMIN.name, email: shop.ADMIN.email, role: "ADMIN" },
    ]);
    expect(campaign.callers[1].contacts).toEqual([{ name: people.outsider.name, email: people.outsider.email, role: "OWNER" }]);
  });

  it("counts the same from raw events and from rollups, and a call made seconds ago before any rollup reaches it", async () => {
    await recordEvents(scenario().events);
    const raw = await getApiAnalytics(people.provider.actor, "payments", "24h", NOW);
    expect(await runUsageRollup(NOW)).toMatchObject({ behind: false });
    expect(await cursor()).toEqual(minute(NOW, -2));
    const rolled = await getApiAnalytics(people.provider.actor, "payments", "24h", NOW);
    expect(figures(rolled)).toEqual(figures(raw));
    // The last call's time: to the minute once rolled up, exact while raw.
    expect(rolled.sunsetCampaign[0].callers.map((caller) => caller.lastAt)).toEqual([minute(ago(30 * MINUTE)), ago(10_000)]);

    const lastHour = await getApiAnalytics(people.provider.actor, "payments", "1h", NOW);
    // From 09:20 (the window starts at a whole interval): the keyless calls of 09:20:30, the 500s, the fresh call.
    expect(lastHour.totals).toMatchObject({ requests: 6, errors5xx: 2 });
    expect(lastHour.series).toHaveLength(61);
    expect(lastHour.series.at(-1)).toMatchObject({ t: minute(NOW).getTime(), requests: 1 });
  });

  it("widens to 7 and 30 days in hourly and 6-hour intervals", async () => {
    await recordEvents(scenario().events);
    const week = await getApiAnalytics(people.provider.actor, "payments", "7d", NOW);
    expect(week.totals.requests).toBe(62);
    expect(week.series).toHaveLength(7 * 24 + 1);
    const month = await getApiAnalytics(people.provider.actor, "payments", "30d", NOW);
    expect(month.totals.requests).toBe(62);
    expect(month.range.from).toEqual(usageWindow("30d", NOW).from);
    expect(month.series.every((point) => point.t % (6 * HOUR) === 0)).toBe(true);
  });

  it("shows an API without traffic as zeros, with its deprecated version and no callers", async () => {
    const analytics = await getApiAnalytics(people.provider.actor, "payments", "24h", NOW);
    expect(analytics.totals).toEqual({ requests: 0, errors4xx: 0, errors5xx: 0, bytesIn: 0, bytesOut: 0, meanMs: null, p50: null, p95: null, p99: null });
    expect(analytics.series.every((point) => point.requests === 0)).toBe(true);
    expect(analytics.consumers).toEqual({ count: 0, top: [] });
    expect(analytics.versions).toEqual([]);
    expect(analytics.sunsetCampaign).toEqual([expect.objectContaining({ version: "1.5.0", callers: [] })]);
  });

  it("changes nothing", async () => {
    await recordEvents(scenario().events);
    const before = await db.usageEvent.count();
    await getApiAnalytics(people.provider.actor, "payments", "30d", NOW);
    expect(await db.usageEvent.count()).toBe(before);
    expect(await db.usageMinute.count()).toBe(0);
    expect(await cursor()).toBeNull();
  });
});

describe("the consumer's usage of an application", () => {
  it("is for the application's team (any role) and platform admins; anyone else gets 404", async () => {
    for (const user of [...Object.values(people.consumer.members), people.platformAdmin]) {
      await expect(getApplicationUsage(user.actor, world.application.id, NOW)).resolves.toMatchObject({ application: { id: world.application.id } });
    }
    await expectAppError(getApplicationUsage(people.provider.actor, world.application.id, NOW), 404);
    await expectAppError(getApplicationUsage(people.outsider.actor, world.application.id, NOW), 404);
    await expectAppError(getApplicationUsage(null, world.application.id, NOW), 401);
  });

  it("answers this month's requests against the quota, the busiest minute against the rate limit, errors and a week's chart", async () => {
    await recordEvents(scenario().events);
    await runUsageRollup(NOW);
    const usage = await getApplicationUsage(people.consumer.members.VIEWER.actor, world.application.id, NOW);
    expect(usage.monthStart).toEqual(new Date(Date.UTC(2031, 4, 1)));
    const [payments, ledger] = usage.items;
    expect(payments).toMatchObject({
      api: { slug: "payments", name: "API payments", teamName: "Payments team" },
      subscriptionId: world.subscription.id,
      plan: { name: "Gold", limitUnit: "REQUESTS", rateLimitPerMinute: 600, monthlyQuota: 10_000_000_000 },
      month: { requests: 53, errors4xx: 4, errors5xx: 2, peakPerMinute: 40, peakAt: minute(ago(2 * HOUR)) },
      quotaShare: 53 / 10_000_000_000,
      rateShare: 40 / 600,
    });
    expect(payments.last7Days).toMatchObject({ requests: 53, errors4xx: 4, errors5xx: 2 });
    expect(payments.series).toHaveLength(7 * 24 + 1);
    expect(payments.series.reduce((sum, point) => sum + point.requests, 0)).toBe(53);
    // Called without a subscription (or after it ended): listed, with no plan to compare with.
    expect(ledger).toMatchObject({ api: { slug: "ledger" }, subscriptionId: null, plan: null, quotaShare: null, rateShare: null, month: { requests: 7 } });
    // Globex ERP's calls are not Checkout's.
    const erp = await getApplicationUsage(people.outsider.actor, globex.id, NOW);
    expect(erp.items.map((item) => [item.api.slug, item.month.requests])).toEqual([["payments", 6]]);
  });

  it("counts the calendar month from its first day (UTC), while the chart still shows the days before", async () => {
    const now = new Date(Date.UTC(2031, 5, 1, 0, 10));
    const checkout = { apiId: world.payments.id, applicationId: world.application.id, teamId: people.consumer.team.id, versionId: world.payments.ids["2.1.0"] };
    await recordEvents([...times(4, { ...checkout, at: new Date(Date.UTC(2031, 4, 31, 23, 59, 59)) }), ...times(2, { ...checkout, at: new Date(Date.UTC(2031, 5, 1, 0, 0, 0)) })]);
    const [payments] = (await getApplicationUsage(people.consumer.members.DEVELOPER.actor, world.application.id, now)).items;
    expect(payments.month).toMatchObject({ requests: 2, peakPerMinute: 2 });
    expect(payments.last7Days.requests).toBe(6);
  });

  it("lists the active subscriptions even without traffic", async () => {
    const usage = await getApplicationUsage(people.consumer.members.OWNER.actor, world.application.id, NOW);
    expect(usage.items).toHaveLength(1);
    expect(usage.items[0]).toMatchObject({ api: { slug: "payments" }, month: { requests: 0, peakPerMinute: 0, peakAt: null }, quotaShare: 0, rateShare: 0 });
    expect(usage.items[0].last7Days).toMatchObject({ requests: 0, p95: null });
  });
});
