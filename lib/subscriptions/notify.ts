import type { Tx } from "@/lib/db";
import { notifyUsers } from "@/lib/notifications/notify";
import { enqueueWebhookEvent } from "@/lib/webhooks/events";
import { rolesAtLeast, TEAM_ACTIONS } from "@/lib/authz/permissions";
import type { SubscriptionStatus } from "@/lib/generated/prisma/enums";

export interface SubscriptionFacts {
  id: string;
  status: SubscriptionStatus;
  api: { id: string; slug: string; name: string; teamId: string };
  application: { id: string; name: string; teamId: string; team: { slug: string; name: string } };
  plan: { id: string; name: string };
}

async function membersWithRole(tx: Tx, teamId: string, minimum: "ADMIN" | "DEVELOPER", exceptUserId?: string) {
  const members = await tx.membership.findMany({
    where: { teamId, role: { in: rolesAtLeast(minimum) }, ...(exceptUserId ? { userId: { not: exceptUserId } } : {}) },
    select: { userId: true },
  });
  return members.map((m) => m.userId);
}

const webhookData = (subscription: SubscriptionFacts, extra: Record<string, unknown>) => ({
  subscription: { id: subscription.id, status: subscription.status },
  api: { slug: subscription.api.slug, name: subscription.api.name },
  application: { id: subscription.application.id, name: subscription.application.name, team: subscription.application.team.slug },
  plan: { id: subscription.plan.id, name: subscription.plan.name },
  ...extra,
});

/**
 * Tells both sides about an access-request event: approvers of the API's team
 * when something awaits or concerns them, the application's team when a
 * decision is made about them, and both teams' webhooks. Runs in the
 * transaction of the change, so a refused change tells nobody.
 */
export async function announceSubscriptionEvent(
  tx: Tx,
  event: "requested" | "approved" | "rejected" | "cancelled" | "revoked",
  subscription: SubscriptionFacts,
  options: { actorId: string; note?: string | null },
) {
  const { api, application } = subscription;
  const inboxLink = `/access-requests?request=${subscription.id}`;
  const appLink = `/apps/${application.id}`;
  const reason = options.note ? `\n\nReason: ${options.note}` : "";
  if (event === "requested") {
    const approvers = await membersWithRole(tx, api.teamId, TEAM_ACTIONS["access.review"] as "ADMIN", options.actorId);
    if (subscription.status === "PENDING") {
      await notifyUsers(tx, approvers, { kind: "access.requested", title: `${application.team.name} requests access to ${api.name}`, body: `Application “${application.name}”, plan ${subscription.plan.name}.`, link: inboxLink });
    } else {
      await notifyUsers(tx, approvers, { kind: "access.approved", title: `${application.team.name} subscribed to ${api.name}`, body: `Application “${application.name}”, plan ${subscription.plan.name} (no approval needed).`, link: `/apis/${api.slug}/consumers` });
    }
  } else if (event === "cancelled") {
    const approvers = await membersWithRole(tx, api.teamId, "ADMIN", options.actorId);
    await notifyUsers(tx, approvers, { kind: "access.cancelled", title: `${application.team.name} cancelled its access to ${api.name}`, body: `Application “${application.name}”.${reason}`, link: `/apis/${api.slug}/consumers` });
  } else {
    const consumers = await membersWithRole(tx, application.teamId, TEAM_ACTIONS["access.request"] as "DEVELOPER", options.actorId);
    const verb = { approved: "approved", rejected: "rejected", revoked: "revoked" }[event];
    await notifyUsers(tx, consumers, { kind: `access.${event}`, title: `Access to ${api.name} ${verb}`, body: `Application “${application.name}”, plan ${subscription.plan.name}.${reason}`, link: appLink });
  }
  await enqueueWebhookEvent(tx, {
    event: subscription.status === "ACTIVE" && event === "requested" ? "access.approved" : (`access.${event}` as const),
    teamIds: [api.teamId, application.teamId],
    data: webhookData(subscription, options.note ? { reason: options.note } : {}),
  });
}
