// GET /api/v1/apis/{slug}/analytics and GET /api/v1/applications/{id}/usage:
// the analytics pages' figures as JSON, for the same people only, in the
// shape /api/v1/openapi.json documents.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { apiAnalyticsResource, applicationUsageResource } from "@/lib/usage/resource";
import { makePeople, makeWorld, type People, type World } from "./access-fixtures";
import { clearUsage, MINUTE, recordEvents, times } from "./usage-fixtures";

// Outside Next there is no request scope for next-auth's cookie session: these
// callers come with a personal access token or with nothing.
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

import * as analyticsRoute from "@/app/api/v1/apis/[slug]/analytics/route";
import * as usageRoute from "@/app/api/v1/applications/[id]/usage/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

let people: People;
let world: World;

async function get(handler: unknown, path: string, params: Record<string, string>, asUserId: string | null) {
  const headers = new Headers();
  if (asUserId) headers.set("authorization", `Bearer ${people.tokens.get(asUserId)}`);
  const response = await (handler as Handler)(new Request(`http://localhost/api/v1${path}`, { headers }), { params: Promise.resolve(params) });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  people = await makePeople();
  world = await makeWorld(people);
  await clearUsage();
  const now = Date.now();
  const checkout = { apiId: world.payments.id, applicationId: world.application.id, teamId: people.consumer.team.id };
  await recordEvents([
    ...times(6, { ...checkout, versionId: world.payments.ids["1.5.0"], at: new Date(now - 5 * MINUTE) }),
    ...times(4, { ...checkout, versionId: world.payments.ids["2.1.0"], at: new Date(now - 3 * MINUTE), status: 502, latencyMs: 80 }),
  ]);
});

describe("GET /apis/{slug}/analytics", () => {
  const analytics = (query: string, asUserId: string | null) => get(analyticsRoute.GET, `/apis/payments/analytics${query}`, { slug: "payments" }, asUserId);

  it("gives the API's team its figures over the range asked for, in the documented shape", async () => {
    const { status, json } = await analytics("?range=1h", people.provider.id);
    expect(status).toBe(200);
    const body = apiAnalyticsResource.strict().parse(json);
    expect(body.range).toMatchObject({ key: "1h", stepSeconds: 60 });
    expect(body.totals).toMatchObject({ requests: 10, errors5xx: 4 });
    // Per minute, from the start of the minute an hour ago.
    expect(body.series.length).toBeGreaterThanOrEqual(60);
    expect(body.series.length).toBeLessThanOrEqual(61);
    expect(body.consumers.top).toEqual([expect.objectContaining({ applicationId: world.application.id, applicationName: "Checkout", requests: 10, errors5xx: 4 })]);
    expect(body.versions.map((version) => [version.version, version.requests])).toEqual([
      ["1.5.0", 6],
      ["2.1.0", 4],
    ]);
    expect(body.sunsetCampaign).toEqual([expect.objectContaining({ version: "1.5.0", replacement: "2.1.0", callers: [expect.objectContaining({ applicationName: "Checkout", requests: 6 })] })]);
    // 24 hours unless asked otherwise.
    expect((await analytics("", people.platformAdmin.id)).json.range.key).toBe("24h");
  });

  it("refuses a range it does not know, the consumers of the API, and anonymous callers", async () => {
    expect(await analytics("?range=90d", people.provider.id)).toMatchObject({ status: 422, json: { type: "https://portico.dev/problems/validation" } });
    expect((await analytics("", people.consumer.members.OWNER.id)).status).toBe(403);
    expect((await analytics("", people.outsider.id)).status).toBe(403);
    expect((await analytics("", null)).status).toBe(401);
  });
});

describe("GET /applications/{id}/usage", () => {
  const usage = (asUserId: string | null) => get(usageRoute.GET, `/applications/${world.application.id}/usage`, { id: world.application.id }, asUserId);

  it("gives the application's team its month per API against the plan, in the documented shape", async () => {
    const { status, json } = await usage(people.consumer.members.VIEWER.id);
    expect(status).toBe(200);
    const body = applicationUsageResource.strict().parse(json);
    expect(body.application).toEqual({ id: world.application.id, name: "Checkout" });
    expect(body.items).toEqual([
      expect.objectContaining({
        api: expect.objectContaining({ slug: "payments" }),
        subscriptionId: world.subscription.id,
        plan: { name: "Gold", limitUnit: "REQUESTS", rateLimitPerMinute: 600, monthlyQuota: 10_000_000_000 },
        month: expect.objectContaining({ requests: 10, errors5xx: 4, peakPerMinute: 6 }),
        quotaShare: 10 / 10_000_000_000,
        rateShare: 6 / 600,
      }),
    ]);
  });

  it("is not found for anyone outside the application's team, and needs a caller", async () => {
    expect((await usage(people.provider.id)).status).toBe(404);
    expect((await usage(people.outsider.id)).status).toBe(404);
    expect((await usage(null)).status).toBe(401);
  });
});
