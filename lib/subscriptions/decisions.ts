import { db, type Tx } from "@/lib/db";
import { AppError, forbidden, notFound, unauthenticated } from "@/lib/errors";
import { can, canSeeTeam, type TeamContext } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import type { SubscriptionStatus, TeamRole } from "@/lib/generated/prisma/enums";
import { recordAudit } from "@/lib/audit/record";
import { SUBSCRIPTION_ACTIONS, SUBSCRIPTION_TRANSITIONS, statusRefusal, type SubscriptionAction } from "./transitions";
import { subscriptionActionInput, type SubscriptionActionInput } from "./schemas";
import { announceSubscriptionEvent } from "./notify";

export const subscriptionSelect = {
  id: true,
  status: true,
  requestNote: true,
  decisionNote: true,
  decidedAt: true,
  createdAt: true,
  updatedAt: true,
  requesterId: true,
  requester: { select: { id: true, email: true, name: true } },
  reviewer: { select: { id: true, email: true, name: true } },
  api: { select: { id: true, slug: true, name: true, teamId: true, team: { select: { slug: true, name: true } } } },
  application: { select: { id: true, name: true, environment: true, teamId: true, archivedAt: true, team: { select: { id: true, slug: true, name: true } } } },
  plan: { select: { id: true, name: true, description: true, limitUnit: true, rateLimitPerMinute: true, monthlyQuota: true, requiresApproval: true } },
} as const;

async function rolesOf(client: Pick<Tx, "membership">, userId: string, teamIds: string[]) {
  const memberships = await client.membership.findMany({ where: { userId, teamId: { in: teamIds } }, select: { teamId: true, role: true } });
  return (teamId: string): TeamRole | null => memberships.find((m) => m.teamId === teamId)?.role ?? null;
}

/**
 * The subscription as the actor may see it: members of the API's team or of
 * the application's team, and platform admins. Anyone else gets 404, whatever
 * the id (no BOLA).
 */
export async function findSubscriptionForActor(actor: MaybeActor, subscriptionId: string, client: Pick<Tx, "subscription" | "membership"> = db) {
  if (actor == null) throw unauthenticated();
  const subscription = await client.subscription.findUnique({ where: { id: subscriptionId }, select: subscriptionSelect });
  if (!subscription) throw notFound("subscription");
  const roleIn = await rolesOf(client, actor.userId, [subscription.api.teamId, subscription.application.teamId]);
  const provider: TeamContext = { teamId: subscription.api.teamId, role: roleIn(subscription.api.teamId) };
  const consumer: TeamContext = { teamId: subscription.application.teamId, role: roleIn(subscription.application.teamId) };
  if (!canSeeTeam(actor, provider) && !canSeeTeam(actor, consumer)) throw notFound("subscription");
  return { subscription, provider, consumer };
}

type Loaded = Awaited<ReturnType<typeof findSubscriptionForActor>>;

/** Why this actor may not take the action (permission and four eyes), or null. */
function actorRefusal(actor: Actor, action: SubscriptionAction, loaded: Loaded): AppError | null {
  const transition = SUBSCRIPTION_TRANSITIONS[action];
  const team = transition.side === "provider" ? loaded.provider : loaded.consumer;
  if (!can(actor, transition.permission, team)) {
    return forbidden(transition.side === "provider" ? `Only an OWNER or ADMIN of ${loaded.subscription.api.team.name} can ${transition.label.toLowerCase()} access to ${loaded.subscription.api.name}.` : `Only a DEVELOPER or higher of ${loaded.subscription.application.team.name} can cancel this subscription.`);
  }
  if (transition.notByRequester && loaded.subscription.requesterId === actor.userId) {
    return new AppError("forbidden", "You asked for this access, so someone else of the API's team must decide on it.", { code: "four-eyes" });
  }
  return null;
}

/** What the application's own team may do with a subscription (its page shows only these). */
export function consumerActions(actor: MaybeActor, consumer: TeamContext, status: SubscriptionStatus): SubscriptionAction[] {
  if (actor == null) return [];
  return SUBSCRIPTION_ACTIONS.filter((action) => {
    const transition = SUBSCRIPTION_TRANSITIONS[action];
    return transition.side === "consumer" && statusRefusal(action, status) == null && can(actor, transition.permission, consumer);
  });
}

/** The actions this actor may take on the subscription now (for pages). */
export function availableSubscriptionActions(actor: MaybeActor, loaded: Loaded): SubscriptionAction[] {
  if (actor == null) return [];
  return SUBSCRIPTION_ACTIONS.filter((action) => statusRefusal(action, loaded.subscription.status) == null && actorRefusal(actor, action, loaded) == null);
}

/**
 * Moves a subscription through the table. The change is one conditional
 * UPDATE (WHERE status is still a legal from-state), so of two approvers
 * acting at once exactly one wins; the other is told what happened.
 */
export async function applySubscriptionAction(actor: MaybeActor, subscriptionId: string, input: SubscriptionActionInput) {
  const { action, reason } = subscriptionActionInput.parse(input);
  const transition = SUBSCRIPTION_TRANSITIONS[action];
  const loaded = await findSubscriptionForActor(actor, subscriptionId);
  const caller = actor as Actor;
  const refusedActor = actorRefusal(caller, action, loaded);
  if (refusedActor) throw refusedActor;
  const refusedState = statusRefusal(action, loaded.subscription.status);
  if (refusedState) throw new AppError("conflict", refusedState, { code: "subscription-state" });
  if (transition.reason === "required" && !reason) {
    throw new AppError("validation", `Give a reason: the ${transition.side === "provider" ? "requesting" : "API's"} team will read it.`, { errors: [{ pointer: "/reason", detail: "Required" }] });
  }
  if (action === "approve") await assertApiTakesRequests(loaded.subscription.api.id);

  return db.$transaction(async (tx) => {
    const now = new Date();
    const decision = transition.side === "provider" ? { reviewerId: caller.userId, decidedAt: now } : {};
    const { count } = await tx.subscription.updateMany({
      where: { id: subscriptionId, status: { in: [...transition.from] } },
      data: { status: transition.to, decisionNote: reason ?? null, ...decision },
    });
    if (count === 0) throw await alreadyDecided(tx, subscriptionId, transition.pastTense);
    await tx.subscriptionEvent.create({ data: { subscriptionId, fromStatus: loaded.subscription.status, toStatus: transition.to, actorId: caller.userId, note: reason ?? null } });
    const teamId = transition.side === "provider" ? loaded.subscription.api.teamId : loaded.subscription.application.teamId;
    await recordAudit(tx, {
      actor: caller,
      teamId,
      action: `subscription.${transition.pastTense}`,
      target: { type: "subscription", id: subscriptionId },
      before: { status: loaded.subscription.status },
      after: { status: transition.to, reason: reason ?? null, api: loaded.subscription.api.slug, application: loaded.subscription.application.name, plan: loaded.subscription.plan.name },
    });
    const updated = await tx.subscription.findUniqueOrThrow({ where: { id: subscriptionId }, select: subscriptionSelect });
    await announceSubscriptionEvent(tx, transition.pastTense as "approved" | "rejected" | "cancelled" | "revoked", updated, { actorId: caller.userId, note: reason });
    return updated;
  });
}

async function alreadyDecided(tx: Tx, subscriptionId: string, wanted: string): Promise<AppError> {
  const current = await tx.subscription.findUnique({ where: { id: subscriptionId }, select: { status: true, decidedAt: true, reviewer: { select: { email: true, name: true } } } });
  const by = current?.reviewer ? ` by ${current.reviewer.name ?? current.reviewer.email}` : "";
  const status = current?.status.toLowerCase() ?? "gone";
  return new AppError("conflict", `Someone got there first: this request is already ${status}${by}. It was not ${wanted}.`, { code: "already-decided" });
}

/** An API takes new subscriptions while it has a PUBLISHED version (not only deprecated or retired ones). */
export async function assertApiTakesRequests(apiId: string, client: Pick<Tx, "apiVersion"> = db) {
  const published = await client.apiVersion.count({ where: { apiId, state: "PUBLISHED" } });
  if (published === 0) {
    throw new AppError("conflict", "This API takes no new subscriptions: it has no published version (all are deprecated, retired or not released yet).", { code: "api-not-subscribable" });
  }
}

/** Cancels the pending and active subscriptions of an application being archived. */
export async function closeApplicationSubscriptions(tx: Tx, applicationId: string, actor: Actor): Promise<number> {
  const open = await tx.subscription.findMany({ where: { applicationId, status: { in: ["PENDING", "ACTIVE"] } }, select: subscriptionSelect });
  for (const subscription of open) {
    const { count } = await tx.subscription.updateMany({ where: { id: subscription.id, status: subscription.status }, data: { status: "CANCELLED", decisionNote: "The application was archived." } });
    if (count === 0) continue;
    await tx.subscriptionEvent.create({ data: { subscriptionId: subscription.id, fromStatus: subscription.status, toStatus: "CANCELLED", actorId: actor.userId, note: "The application was archived." } });
    await announceSubscriptionEvent(tx, "cancelled", { ...subscription, status: "CANCELLED" }, { actorId: actor.userId, note: "The application was archived." });
  }
  return open.length;
}

/** A subscription with its history, for its page (either side). */
export async function getSubscription(actor: MaybeActor, subscriptionId: string) {
  const loaded = await findSubscriptionForActor(actor, subscriptionId);
  const events = await db.subscriptionEvent.findMany({
    where: { subscriptionId },
    select: { id: true, fromStatus: true, toStatus: true, note: true, createdAt: true, actor: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return { ...loaded, events, actions: availableSubscriptionActions(actor, loaded) };
}
