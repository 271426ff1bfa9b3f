// The access-request REST routes, called as functions with real Requests and
// personal access tokens against the real database: the whole flow, the
// wrong callers, mass assignment and a race of 20 decisions.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createPlan } from "@/lib/plans/plans";
import { addMember, db, makePat, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";
import { makeApi, type CreatedApi } from "./access-fixtures";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

import * as applicationsRoute from "@/app/api/v1/applications/route";
import * as applicationRoute from "@/app/api/v1/applications/[id]/route";
import * as plansRoute from "@/app/api/v1/apis/[slug]/plans/route";
import * as planRoute from "@/app/api/v1/apis/[slug]/plans/[planId]/route";
import * as subscriptionsRoute from "@/app/api/v1/subscriptions/route";
import * as subscriptionRoute from "@/app/api/v1/subscriptions/[id]/route";
import * as transitionsRoute from "@/app/api/v1/subscriptions/[id]/transitions/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
const PROBLEMS = "https://portico.dev/problems";

let provider: TestTeam;
let consumer: TestTeam;
let outsider: TestUser;
let api: CreatedApi;
let planId: string;
const tokens = new Map<string, string>();

async function call(handler: unknown, method: string, path: string, options: { as?: TestUser; body?: unknown; params?: Record<string, string> } = {}) {
  const headers = new Headers({ "content-type": "application/json" });
  if (options.as) headers.set("authorization", `Bearer ${tokens.get(options.as.id)}`);
  const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  await resetDatabase();
  provider = await makeTeam({ slug: "payments", name: "Payments" });
  consumer = await makeTeam({ slug: "mobile", name: "Mobile" });
  outsider = await makeUser();
  await makeTeam({ slug: "elsewhere", owner: outsider });
  for (const user of [...Object.values(provider.members), ...Object.values(consumer.members), outsider]) tokens.set(user.id, (await makePat(user)).secret);
  api = await makeApi(provider.team.id, "payments-api", [{ version: "1.0.0", state: "PUBLISHED" }]);
  planId = (await createPlan(provider.members.ADMIN.actor, api.slug, { name: "Production", rateLimitPerMinute: 100, monthlyQuota: 900_000_000_000 })).id;
  // Warm the tokens so their lastUsedAt is not rewritten during a snapshot.
  for (const user of [...Object.values(provider.members), ...Object.values(consumer.members), outsider]) await call(applicationsRoute.GET, "GET", "/applications", { as: user });
});

async function newApplication(name: string) {
  const created = await call(applicationsRoute.POST, "POST", "/applications", { as: consumer.members.DEVELOPER, body: { team: "mobile", name } });
  expect(created.status).toBe(201);
  return created.json as { id: string };
}

describe("the access flow over REST", () => {
  it("create an application, request, approve, read the history, revoke", async () => {
    const application = await newApplication("Checkout");
    const plans = await call(plansRoute.GET, "GET", "/apis/payments-api/plans", { params: { slug: "payments-api" } });
    expect(plans.json.items).toEqual([expect.objectContaining({ id: planId, name: "Production", monthlyQuota: "900000000000", requiresApproval: true, deprecated: false })]);

    const requested = await call(subscriptionsRoute.POST, "POST", "/subscriptions", { as: consumer.members.DEVELOPER, body: { api: "payments-api", applicationId: application.id, planId, justification: "Card payments in the app." } });
    expect(requested.status).toBe(201);
    expect(requested.json).toMatchObject({ status: "PENDING", api: { slug: "payments-api" }, application: { id: application.id, team: { slug: "mobile" } }, justification: "Card payments in the app." });
    const id = requested.json.id as string;

    const inbox = await call(subscriptionsRoute.GET, "GET", "/subscriptions?side=provider&status=PENDING", { as: provider.members.ADMIN });
    expect(inbox.json.items.map((s: { id: string }) => s.id)).toContain(id);
    const consumerView = await call(subscriptionsRoute.GET, "GET", "/subscriptions?side=provider", { as: consumer.members.OWNER });
    expect(consumerView.json.items).toEqual([]);

    const approved = await call(transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: provider.members.ADMIN, body: { action: "approve" }, params: { id } });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: "ACTIVE", reviewer: { email: provider.members.ADMIN.email } });

    const again = await call(transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: provider.members.OWNER, body: { action: "approve" }, params: { id } });
    expect(again.status).toBe(409);
    expect(again.json.type).toBe(`${PROBLEMS}/subscription-state`);

    const revoked = await call(transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: provider.members.OWNER, body: { action: "revoke", reason: "Contract ended" }, params: { id } });
    expect(revoked.json).toMatchObject({ status: "REVOKED", decisionNote: "Contract ended" });
    const history = await call(subscriptionRoute.GET, "GET", `/subscriptions/${id}`, { as: consumer.members.VIEWER, params: { id } });
    expect(history.json.history.map((h: { to: string }) => h.to)).toEqual(["PENDING", "ACTIVE", "REVOKED"]);
  });

  it("refuses the wrong callers and fields a client does not own, changing nothing", async () => {
    const application = await newApplication("Wrong callers");
    const requested = await call(subscriptionsRoute.POST, "POST", "/subscriptions", { as: consumer.members.DEVELOPER, body: { api: "payments-api", applicationId: application.id, planId, justification: "Reporting dashboards." } });
    const id = requested.json.id as string;
    const before = await snapshotDatabase();
    const attempts = [
      // Mass assignment: status and reviewer are Portico's to set.
      [subscriptionsRoute.POST, "POST", "/subscriptions", { as: consumer.members.DEVELOPER, body: { api: "payments-api", applicationId: application.id, planId, justification: "Reporting dashboards.", status: "ACTIVE" } }, 422],
      [applicationRoute.PATCH, "PATCH", `/applications/${application.id}`, { as: consumer.members.DEVELOPER, body: { archivedAt: null, teamId: provider.team.id }, params: { id: application.id } }, 422],
      [transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: provider.members.ADMIN, body: { action: "approve", status: "ACTIVE", planId }, params: { id } }, 422],
      // BOLA: another team's request or application by id.
      [transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: outsider, body: { action: "approve" }, params: { id } }, 404],
      [subscriptionRoute.GET, "GET", `/subscriptions/${id}`, { as: outsider, params: { id } }, 404],
      [applicationRoute.GET, "GET", `/applications/${application.id}`, { as: outsider, params: { id: application.id } }, 404],
      [subscriptionsRoute.POST, "POST", "/subscriptions", { as: outsider, body: { api: "payments-api", applicationId: application.id, planId, justification: "Not my application at all." } }, 404],
      // Wrong roles.
      [transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: provider.members.DEVELOPER, body: { action: "approve" }, params: { id } }, 403],
      [transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: consumer.members.DEVELOPER, body: { action: "approve" }, params: { id } }, 403],
      [applicationsRoute.POST, "POST", "/applications", { as: consumer.members.VIEWER, body: { team: "mobile", name: "Viewer app" } }, 403],
      [plansRoute.POST, "POST", "/apis/payments-api/plans", { as: provider.members.DEVELOPER, body: { name: "Gold" }, params: { slug: "payments-api" } }, 403],
      [planRoute.PATCH, "PATCH", `/apis/payments-api/plans/${planId}`, { as: consumer.members.OWNER, body: { deprecated: true }, params: { slug: "payments-api", planId } }, 403],
      // Signed out.
      [transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { body: { action: "approve" }, params: { id } }, 401],
      [applicationsRoute.GET, "GET", "/applications", {}, 401],
    ] as const;
    for (const [handler, method, path, options, status] of attempts) {
      const result = await call(handler, method, path, options as Parameters<typeof call>[3]);
      expect({ path, status: result.status }).toEqual({ path, status });
      expect(result.json.type).toMatch(new RegExp(`^${PROBLEMS}/`));
    }
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("20 parallel approve/reject calls: one decision, one audit decision row, 19 answers of 409", async () => {
    const application = await newApplication("Race");
    const requested = await call(subscriptionsRoute.POST, "POST", "/subscriptions", { as: consumer.members.DEVELOPER, body: { api: "payments-api", applicationId: application.id, planId, justification: "Load testing the race." } });
    const id = requested.json.id as string;
    const approvers = [provider.members.OWNER, provider.members.ADMIN];
    for (let i = 0; i < 2; i += 1) {
      const extra = await makeUser();
      await addMember(provider.team.id, extra, "ADMIN");
      tokens.set(extra.id, (await makePat(extra)).secret);
      approvers.push(extra);
    }
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(transitionsRoute.POST, "POST", `/subscriptions/${id}/transitions`, { as: approvers[i % approvers.length], body: i % 2 ? { action: "reject", reason: "No." } : { action: "approve" }, params: { id } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    expect(await db.auditEvent.count({ where: { targetId: id, action: { in: ["subscription.approved", "subscription.rejected"] } } })).toBe(1);
    const final = await db.subscription.findUniqueOrThrow({ where: { id } });
    expect(["ACTIVE", "REJECTED"]).toContain(final.status);
  });
});
