// Access requests through the domain layer: applications, plans, requests,
// decisions by the API's team (four eyes), cancellation and revocation by
// either side, archiving, and the constraint of one open request per
// application and API. Each refusal also asserts that nothing changed.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { archiveApplication, createApplication, listApplications } from "@/lib/applications/applications";
import { createPlan, listPlans, updatePlan } from "@/lib/plans/plans";
import { requestAccess } from "@/lib/subscriptions/requests";
import { applySubscriptionAction, getSubscription } from "@/lib/subscriptions/decisions";
import { listReviewInbox, reviewerSummary } from "@/lib/subscriptions/inbox";
import { createKey } from "@/lib/keys/keys";
import { addMember, auditCount, db, expectAppError, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";
import { makeApi, type CreatedApi } from "./access-fixtures";

let provider: TestTeam;
let consumer: TestTeam;
let stranger: TestTeam;
let platformAdmin: TestUser;
let api: CreatedApi;
let sandbox: { id: string };
let production: { id: string };
let apiSequence = 0;

const justification = "Checkout needs card payments for the spring launch.";

beforeAll(async () => {
  await resetDatabase();
  provider = await makeTeam({ slug: "payments", name: "Payments" });
  consumer = await makeTeam({ slug: "mobile", name: "Mobile" });
  stranger = await makeTeam({ slug: "stranger", name: "Stranger" });
  platformAdmin = await makeUser({ platformRole: "ADMIN" });
});

beforeEach(async () => {
  apiSequence += 1;
  api = await makeApi(provider.team.id, `payments-${apiSequence}`, [{ version: "1.0.0", state: "PUBLISHED" }]);
  sandbox = await createPlan(provider.members.ADMIN.actor, api.slug, { name: "Sandbox", requiresApproval: false, rateLimitPerMinute: 60 });
  production = await createPlan(provider.members.ADMIN.actor, api.slug, { name: "Production", requiresApproval: true, rateLimitPerMinute: 1200, monthlyQuota: 5_000_000 });
});

async function newApplication(team: TestTeam = consumer, name = `App ${Math.random().toString(36).slice(2, 8)}`) {
  return createApplication(team.members.DEVELOPER.actor, { team: team.team.slug, name, environment: "PRODUCTION" });
}

async function pendingRequest(team: TestTeam = consumer) {
  const application = await newApplication(team);
  const subscription = await requestAccess(team.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: production.id, justification });
  return { application, subscription };
}

describe("applications", () => {
  it("a DEVELOPER creates one for the team; the team sees it, others do not", async () => {
    const application = await newApplication(consumer, "Checkout service");
    expect(application).toMatchObject({ name: "Checkout service", environment: "PRODUCTION", team: { slug: "mobile" } });
    expect((await listApplications(consumer.members.VIEWER.actor)).map((a) => a.id)).toContain(application.id);
    expect((await listApplications(stranger.members.OWNER.actor)).map((a) => a.id)).not.toContain(application.id);
    expect(await auditCount({ action: "application.created", teamId: consumer.team.id })).toBeGreaterThan(0);
  });

  it("a VIEWER may not create one (403), an outsider not for another team (404), and nothing is written", async () => {
    const before = await snapshotDatabase();
    await expectAppError(createApplication(consumer.members.VIEWER.actor, { team: "mobile", name: "Nope" }), 403);
    await expectAppError(createApplication(stranger.members.OWNER.actor, { team: "mobile", name: "Nope" }), 404);
    await expectAppError(createApplication(null, { team: "mobile", name: "Nope" }), 401);
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("refuses fields a client does not own (mass assignment) and duplicate names", async () => {
    await expectAppError(createApplication(consumer.members.DEVELOPER.actor, { team: "mobile", name: "Sneaky", archivedAt: null } as never), 422);
    await newApplication(consumer, "Twice");
    await expectAppError(newApplication(consumer, "Twice"), 409, "duplicate-application");
  });

  it("archiving revokes the keys and cancels the subscriptions in one step; an archived application takes no new request", async () => {
    const application = await newApplication();
    const active = await requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification });
    const { secret } = await createKey(consumer.members.DEVELOPER.actor, application.id, { name: "ci", expiresInDays: 30 });
    expect(secret).toMatch(/^ptk_/);
    const result = await archiveApplication(consumer.members.DEVELOPER.actor, application.id);
    expect(result).toEqual({ revokedKeys: 1, closedSubscriptions: 1 });
    expect(await db.apiKey.count({ where: { applicationId: application.id, revokedAt: null } })).toBe(0);
    expect((await db.subscription.findUniqueOrThrow({ where: { id: active.id } })).status).toBe("CANCELLED");
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification }), 409, "application-archived");
    await expectAppError(archiveApplication(consumer.members.DEVELOPER.actor, application.id), 409, "application-archived");
  });
});

describe("plans", () => {
  it("only the API team's ADMIN and up manage plans", async () => {
    const before = await snapshotDatabase();
    await expectAppError(createPlan(provider.members.DEVELOPER.actor, api.slug, { name: "Gold" }), 403);
    await expectAppError(createPlan(consumer.members.OWNER.actor, api.slug, { name: "Gold" }), 403);
    await expectAppError(updatePlan(provider.members.DEVELOPER.actor, api.slug, sandbox.id, { deprecated: true }), 403);
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("a deprecated plan takes no new subscriptions and leaves the existing ones alone", async () => {
    const application = await newApplication();
    const existing = await requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification });
    await updatePlan(provider.members.ADMIN.actor, api.slug, sandbox.id, { deprecated: true });
    expect((await db.subscription.findUniqueOrThrow({ where: { id: existing.id } })).status).toBe("ACTIVE");
    const other = await newApplication();
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: other.id, planId: sandbox.id, justification }), 409, "plan-deprecated");
    expect((await listPlans(consumer.members.DEVELOPER.actor, api.slug)).plans.map((p) => p.name)).toEqual(["Production"]);
  });

  it("a RESTRICTED plan is offered only to the listed teams", async () => {
    const partner = await createPlan(provider.members.OWNER.actor, api.slug, { name: "Partner", visibility: "RESTRICTED", allowedTeams: ["mobile"] });
    expect((await listPlans(consumer.members.VIEWER.actor, api.slug)).plans.map((p) => p.name)).toContain("Partner");
    expect((await listPlans(stranger.members.OWNER.actor, api.slug)).plans.map((p) => p.name)).not.toContain("Partner");
    const strangersApp = await newApplication(stranger);
    await expectAppError(requestAccess(stranger.members.DEVELOPER.actor, api.slug, { applicationId: strangersApp.id, planId: partner.id, justification }), 404);
    await expectAppError(createPlan(provider.members.OWNER.actor, api.slug, { name: "Typo", visibility: "RESTRICTED", allowedTeams: ["no-such-team"] }), 422);
  });
});

describe("requesting access", () => {
  it("a plan needing approval gives a PENDING request; the approvers are notified", async () => {
    const { subscription } = await pendingRequest();
    expect(subscription.status).toBe("PENDING");
    const notified = await db.notification.findMany({ where: { kind: "access.requested" }, select: { userId: true } });
    expect(notified.map((n) => n.userId)).toEqual(expect.arrayContaining([provider.members.OWNER.id, provider.members.ADMIN.id]));
    expect(notified.map((n) => n.userId)).not.toContain(provider.members.DEVELOPER.id);
    expect((await reviewerSummary(provider.members.ADMIN.actor)).pending).toBeGreaterThan(0);
    const inbox = await listReviewInbox(provider.members.ADMIN.actor);
    const item = inbox.find((r) => r.id === subscription.id)!;
    expect(item.requestNote).toBe(justification);
    expect(item.teamMembers.map((m) => m.user.email)).toContain(consumer.members.DEVELOPER.email);
    expect(item.events.map((e) => e.toStatus)).toEqual(["PENDING"]);
  });

  it("a plan without approval is ACTIVE at once", async () => {
    const application = await newApplication();
    const subscription = await requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification });
    expect(subscription.status).toBe("ACTIVE");
    expect((await getSubscription(consumer.members.VIEWER.actor, subscription.id)).events.map((e) => e.toStatus)).toEqual(["PENDING", "ACTIVE"]);
  });

  it("a second request for the same application and API is refused while one is pending or active", async () => {
    const { application } = await pendingRequest();
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification }), 409, "duplicate-subscription");
  });

  it("the database refuses the duplicate when two requests race past the checks", async () => {
    const application = await newApplication();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: production.id, justification })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.subscription.count({ where: { applicationId: application.id } })).toBe(1);
    // Besides the partial unique index, a plain insert is refused too.
    const [existing] = await db.subscription.findMany({ where: { applicationId: application.id } });
    await expect(db.subscription.create({ data: { applicationId: application.id, apiId: api.id, planId: sandbox.id, requesterId: consumer.members.OWNER.id, status: "ACTIVE" } })).rejects.toThrow();
    expect(existing.status).toBe("PENDING");
  });

  it("an API whose versions are all deprecated or retired takes no new requests", async () => {
    await db.apiVersion.updateMany({ where: { apiId: api.id }, data: { state: "DEPRECATED", deprecatedAt: new Date(), sunsetAt: new Date(Date.now() + 40 * 86_400_000) } });
    const application = await newApplication();
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification }), 409, "api-not-subscribable");
  });

  it("refuses another team's application (404), a VIEWER (403), a plan of another API (404), and status fields (422); nothing changes", async () => {
    const application = await newApplication();
    const otherApi = await makeApi(provider.team.id, `other-${apiSequence}`, [{ version: "1.0.0", state: "PUBLISHED" }]);
    const otherPlan = await createPlan(provider.members.ADMIN.actor, otherApi.slug, { name: "Other" });
    const before = await snapshotDatabase();
    await expectAppError(requestAccess(stranger.members.OWNER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification }), 404);
    await expectAppError(requestAccess(consumer.members.VIEWER.actor, api.slug, { applicationId: application.id, planId: sandbox.id, justification }), 403);
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: otherPlan.id, justification }), 404);
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: production.id, justification, status: "ACTIVE" } as never), 422);
    await expectAppError(requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: application.id, planId: production.id, justification: "pls" }), 422);
    expect(await snapshotDatabase()).toEqual(before);
  });
});

describe("decisions", () => {
  it("an ADMIN of the API's team approves; the consumer team is told; history and audit record it", async () => {
    const { subscription } = await pendingRequest();
    const approved = await applySubscriptionAction(provider.members.ADMIN.actor, subscription.id, { action: "approve", reason: "Welcome aboard" });
    expect(approved).toMatchObject({ status: "ACTIVE", reviewer: { email: provider.members.ADMIN.email }, decisionNote: "Welcome aboard" });
    expect(await db.notification.count({ where: { userId: consumer.members.DEVELOPER.id, kind: "access.approved" } })).toBeGreaterThan(0);
    expect(await db.auditEvent.count({ where: { action: "subscription.approved", targetId: subscription.id, teamId: provider.team.id } })).toBe(1);
    expect((await getSubscription(consumer.members.VIEWER.actor, subscription.id)).events.map((e) => e.toStatus)).toEqual(["PENDING", "ACTIVE"]);
  });

  it("rejecting needs a reason, which the requester sees", async () => {
    const { subscription } = await pendingRequest();
    await expectAppError(applySubscriptionAction(provider.members.OWNER.actor, subscription.id, { action: "reject" }), 422);
    const rejected = await applySubscriptionAction(provider.members.OWNER.actor, subscription.id, { action: "reject", reason: "Use the sandbox plan first." });
    expect(rejected).toMatchObject({ status: "REJECTED", decisionNote: "Use the sandbox plan first." });
    const notice = await db.notification.findFirstOrThrow({ where: { userId: consumer.members.OWNER.id, kind: "access.rejected" }, orderBy: { createdAt: "desc" } });
    expect(notice.body).toContain("Use the sandbox plan first.");
  });

  it("the requester never approves their own request, even as ADMIN of both teams or platform admin", async () => {
    const both = await makeUser();
    await addMember(provider.team.id, both, "ADMIN");
    await addMember(consumer.team.id, both, "ADMIN");
    await db.user.update({ where: { id: both.id }, data: { platformRole: "ADMIN" } });
    const actor = { ...both.actor, platformRole: "ADMIN" as const };
    const application = await newApplication();
    const subscription = await requestAccess(actor, api.slug, { applicationId: application.id, planId: production.id, justification });
    const before = await snapshotDatabase();
    await expectAppError(applySubscriptionAction(actor, subscription.id, { action: "approve" }), 403, "four-eyes");
    await expectAppError(applySubscriptionAction(actor, subscription.id, { action: "reject", reason: "Changed my mind" }), 403, "four-eyes");
    expect(await snapshotDatabase()).toEqual(before);
    // The requester may still cancel it.
    expect((await applySubscriptionAction(actor, subscription.id, { action: "cancel" })).status).toBe("CANCELLED");
  });

  it("refuses approvals from the wrong people: DEVELOPER of the API's team (403), consumer team OWNER (403), another team's ADMIN (404)", async () => {
    const { subscription } = await pendingRequest();
    const before = await snapshotDatabase();
    await expectAppError(applySubscriptionAction(provider.members.DEVELOPER.actor, subscription.id, { action: "approve" }), 403);
    await expectAppError(applySubscriptionAction(consumer.members.OWNER.actor, subscription.id, { action: "approve" }), 403);
    await expectAppError(applySubscriptionAction(stranger.members.ADMIN.actor, subscription.id, { action: "approve" }), 404);
    await expectAppError(applySubscriptionAction(stranger.members.ADMIN.actor, subscription.id, { action: "revoke", reason: "x" }), 404);
    await expectAppError(applySubscriptionAction(null, subscription.id, { action: "approve" }), 401);
    await expectAppError(applySubscriptionAction(provider.members.ADMIN.actor, subscription.id, { action: "approve", status: "ACTIVE" } as never), 422);
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("a platform admin who did not ask may decide", async () => {
    const { subscription } = await pendingRequest();
    expect((await applySubscriptionAction(platformAdmin.actor, subscription.id, { action: "approve" })).status).toBe("ACTIVE");
  });

  it("illegal moves are 409 and change nothing: approving a cancelled request, revoking a pending one, rejecting an approved one", async () => {
    const { subscription } = await pendingRequest();
    await expectAppError(applySubscriptionAction(provider.members.ADMIN.actor, subscription.id, { action: "revoke", reason: "x" }), 409, "subscription-state");
    await applySubscriptionAction(consumer.members.DEVELOPER.actor, subscription.id, { action: "cancel" });
    const before = await snapshotDatabase();
    await expectAppError(applySubscriptionAction(provider.members.ADMIN.actor, subscription.id, { action: "approve" }), 409, "subscription-state");
    await expectAppError(applySubscriptionAction(consumer.members.DEVELOPER.actor, subscription.id, { action: "cancel" }), 409, "subscription-state");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("the API's team revokes an active subscription with a reason; the consumer cancels its own", async () => {
    const { subscription } = await pendingRequest();
    await applySubscriptionAction(provider.members.ADMIN.actor, subscription.id, { action: "approve" });
    await expectAppError(applySubscriptionAction(consumer.members.OWNER.actor, subscription.id, { action: "revoke", reason: "x" }), 403);
    await expectAppError(applySubscriptionAction(provider.members.ADMIN.actor, subscription.id, { action: "revoke" }), 422);
    const revoked = await applySubscriptionAction(provider.members.OWNER.actor, subscription.id, { action: "revoke", reason: "Abuse of the quota" });
    expect(revoked.status).toBe("REVOKED");
    expect(await db.notification.count({ where: { userId: consumer.members.DEVELOPER.id, kind: "access.revoked" } })).toBeGreaterThan(0);

    const other = await pendingRequest();
    await applySubscriptionAction(provider.members.ADMIN.actor, other.subscription.id, { action: "approve" });
    expect((await applySubscriptionAction(consumer.members.DEVELOPER.actor, other.subscription.id, { action: "cancel" })).status).toBe("CANCELLED");
    // After a cancellation the application may ask again.
    expect((await requestAccess(consumer.members.DEVELOPER.actor, api.slug, { applicationId: other.application.id, planId: sandbox.id, justification })).status).toBe("ACTIVE");
  });

  it("20 approvers and rejecters at once: exactly one decision, one audit row, the rest told it was decided", async () => {
    const { subscription } = await pendingRequest();
    const approvers = [provider.members.OWNER, provider.members.ADMIN];
    for (let i = 0; i < 3; i += 1) {
      const extra = await makeUser();
      await addMember(provider.team.id, extra, "ADMIN");
      approvers.push(extra);
    }
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        applySubscriptionAction(approvers[i % approvers.length].actor, subscription.id, i % 2 ? { action: "reject", reason: `No ${i}` } : { action: "approve" }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { status: number }).status)).toEqual(Array(19).fill(409));
    expect(lost.every((r) => /already|cannot be/.test((r.reason as Error).message))).toBe(true);
    const decisions = await db.auditEvent.count({ where: { targetId: subscription.id, action: { in: ["subscription.approved", "subscription.rejected"] } } });
    expect(decisions).toBe(1);
    expect(await db.subscriptionEvent.count({ where: { subscriptionId: subscription.id } })).toBe(2);
  });
});
