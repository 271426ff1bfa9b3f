import { db } from "@/lib/db";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import type { MaybeActor } from "@/lib/authz/actor";
import { recordAudit } from "@/lib/audit/record";
import { findVisibleApi } from "@/lib/catalog/api-details";
import { authorizeApplicationAction } from "@/lib/applications/access";
import { planOfferedTo } from "@/lib/plans/offer";
import { listPlans } from "@/lib/plans/plans";
import { teamsWhereActorMayRequestAccess } from "@/lib/applications/applications";
import { requestAccessInput, type RequestAccessInput } from "./schemas";
import { assertApiTakesRequests, subscriptionSelect } from "./decisions";
import { announceSubscriptionEvent } from "./notify";

const duplicate = () =>
  new AppError("conflict", "This application already has a pending request or an active subscription for this API. Cancel it first to ask for another plan.", { code: "duplicate-subscription" });

/**
 * A consumer asks for access for one of its team's applications. Plans that
 * need no approval become ACTIVE at once. At most one PENDING or ACTIVE
 * subscription per application and API: a partial unique index enforces it,
 * so two simultaneous requests cannot both pass.
 */
export async function requestAccess(actor: MaybeActor, apiSlug: string, input: RequestAccessInput) {
  const data = requestAccessInput.parse(input);
  const { api } = await findVisibleApi(actor, apiSlug);
  const { application, actor: caller } = await authorizeApplicationAction(actor, data.applicationId, "access.request");
  const plan = await db.plan.findFirst({ where: { id: data.planId, apiId: api.id } });
  if (!plan || !planOfferedTo(plan, application.teamId, api.teamId)) throw notFound("plan");
  if (plan.deprecatedAt) throw new AppError("conflict", `The plan ${plan.name} is deprecated and takes no new subscriptions. Choose another plan.`, { code: "plan-deprecated" });
  await assertApiTakesRequests(api.id);
  const status = plan.requiresApproval ? "PENDING" : "ACTIVE";
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.subscription.create({
        data: { applicationId: application.id, apiId: api.id, planId: plan.id, status, requesterId: caller.userId, requestNote: data.justification, ...(status === "ACTIVE" ? { decidedAt: new Date() } : {}) },
        select: subscriptionSelect,
      });
      await tx.subscriptionEvent.create({ data: { subscriptionId: created.id, fromStatus: null, toStatus: "PENDING", actorId: caller.userId, note: data.justification } });
      if (status === "ACTIVE") {
        await tx.subscriptionEvent.create({ data: { subscriptionId: created.id, fromStatus: "PENDING", toStatus: "ACTIVE", actorId: null, note: `The plan ${plan.name} needs no approval.` } });
      }
      await recordAudit(tx, {
        actor: caller,
        teamId: application.teamId,
        action: "subscription.requested",
        target: { type: "subscription", id: created.id },
        after: { status, api: api.slug, application: application.name, plan: plan.name, justification: data.justification },
      });
      await announceSubscriptionEvent(tx, "requested", created, { actorId: caller.userId });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}

/** What the request-access page needs: the offered plans and the viewer's applications with their current state for this API. */
export async function accessRequestContext(actor: MaybeActor, apiSlug: string) {
  const { api, plans } = await listPlans(actor, apiSlug);
  const publishedVersions = await db.apiVersion.count({ where: { apiId: api.id, state: "PUBLISHED" } });
  if (actor == null) return { api, plans: plans.filter((p) => !p.deprecatedAt), applications: [], teams: [], takesRequests: publishedVersions > 0 };
  const teams = await teamsWhereActorMayRequestAccess(actor);
  const applications = await db.application.findMany({
    where: { teamId: { in: teams.map((t) => t.id) }, archivedAt: null },
    select: { id: true, name: true, teamId: true, team: { select: { name: true } }, subscriptions: { where: { apiId: api.id, status: { in: ["PENDING", "ACTIVE"] } }, select: { status: true } } },
    orderBy: [{ team: { name: "asc" } }, { name: "asc" }],
  });
  return {
    api,
    // Each application sees only the plans offered to its team; the page offers the union and the server re-checks.
    plans: plans.filter((p) => !p.deprecatedAt),
    applications: applications.map((a) => ({ id: a.id, name: a.name, teamName: a.team.name, existing: (a.subscriptions[0]?.status as "PENDING" | "ACTIVE" | undefined) ?? null })),
    teams,
    takesRequests: publishedVersions > 0,
  };
}
