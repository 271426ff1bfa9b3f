import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { SubscriptionStatus } from "@/lib/generated/prisma/enums";
import { assertCan, assertSignedIn, isPlatformAdmin, rolesAtLeast, TEAM_ACTIONS } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { findVisibleApi } from "@/lib/catalog/api-details";
import { subscriptionSelect } from "./decisions";

/** Subscriptions of APIs whose team the actor may review for (every API for platform admins). */
function reviewableWhere(actor: Actor): Prisma.SubscriptionWhereInput {
  if (isPlatformAdmin(actor)) return {};
  return { api: { team: { memberships: { some: { userId: actor.userId, role: { in: rolesAtLeast(TEAM_ACTIONS["access.review"]) } } } } } };
}

function consumerWhere(actor: Actor): Prisma.SubscriptionWhereInput {
  return { application: { team: { memberships: { some: { userId: actor.userId } } } } };
}

/** For the header: does the actor approve access anywhere, and how many requests wait for them? */
export async function reviewerSummary(actor: MaybeActor): Promise<{ reviews: boolean; pending: number }> {
  if (!actor) return { reviews: false, pending: 0 };
  const reviews = isPlatformAdmin(actor) || (await db.membership.count({ where: { userId: actor.userId, role: { in: rolesAtLeast(TEAM_ACTIONS["access.review"]) } } })) > 0;
  if (!reviews) return { reviews, pending: 0 };
  const pending = await db.subscription.count({ where: { ...reviewableWhere(actor), status: "PENDING", requesterId: { not: actor.userId } } });
  return { reviews, pending };
}

/**
 * The approval inbox: requests for the APIs the actor approves for, each with
 * what an approver needs to decide (who asks, for what, with which limits,
 * what else that team already uses, and the request's history).
 */
export async function listReviewInbox(actor: MaybeActor, options: { view: "pending" | "decided" } = { view: "pending" }) {
  assertSignedIn(actor);
  const requests = await db.subscription.findMany({
    where: { ...reviewableWhere(actor), ...(options.view === "pending" ? { status: "PENDING" } : { status: { not: "PENDING" } }) },
    select: {
      ...subscriptionSelect,
      events: { select: { id: true, fromStatus: true, toStatus: true, note: true, createdAt: true, actor: { select: { email: true, name: true } } }, orderBy: { createdAt: "asc" } },
    },
    orderBy: options.view === "pending" ? { createdAt: "asc" } : { updatedAt: "desc" },
    take: 200,
  });
  const teamIds = [...new Set(requests.map((r) => r.application.teamId))];
  const [members, otherSubscriptions] = await Promise.all([
    db.membership.findMany({ where: { teamId: { in: teamIds } }, select: { teamId: true, role: true, user: { select: { email: true, name: true } } }, orderBy: { createdAt: "asc" } }),
    db.subscription.findMany({
      where: { application: { teamId: { in: teamIds } }, status: { in: ["ACTIVE", "PENDING"] } },
      select: { id: true, status: true, application: { select: { teamId: true, name: true } }, api: { select: { slug: true, name: true } }, plan: { select: { name: true } } },
    }),
  ]);
  return requests.map((request) => ({
    ...request,
    isOwnRequest: request.requesterId === actor.userId,
    teamMembers: members.filter((m) => m.teamId === request.application.teamId),
    teamOtherSubscriptions: otherSubscriptions.filter((s) => s.application.teamId === request.application.teamId && s.id !== request.id),
  }));
}

/** Subscriptions seen from one side, for the REST list. */
export async function listSubscriptions(
  actor: MaybeActor,
  filter: { side: "consumer" | "provider"; status?: SubscriptionStatus; api?: string; application?: string },
) {
  assertSignedIn(actor);
  const where: Prisma.SubscriptionWhereInput = {
    ...(filter.side === "provider" ? reviewableWhere(actor) : consumerWhere(actor)),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.api ? { api: { slug: filter.api } } : {}),
    ...(filter.application ? { applicationId: filter.application } : {}),
  };
  return db.subscription.findMany({ where, select: subscriptionSelect, orderBy: { createdAt: "desc" }, take: 500 });
}

/** The consumers of one API, for its team (any member may look; ADMINs act). */
export async function listApiConsumers(actor: MaybeActor, apiSlug: string) {
  const { api, role } = await findVisibleApi(actor, apiSlug);
  assertCan(actor, "team.view", { teamId: api.teamId, role });
  const subscriptions = await db.subscription.findMany({
    where: { apiId: api.id },
    select: subscriptionSelect,
    orderBy: [{ status: "asc" }, { createdAt: "desc" }],
  });
  return { api, role, subscriptions };
}
