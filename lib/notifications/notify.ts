import type { Db, Tx } from "@/lib/db";
import { db } from "@/lib/db";
import { assertSignedIn } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";

export interface NotificationInput {
  kind: string;
  title: string;
  body?: string;
  link?: string;
}

/**
 * The one notification service: every feature tells people through here.
 * In-app notifications are rows written with the change that caused them;
 * email and webhooks (the access issue) hang off the same call.
 */
export async function notifyUsers(client: Db | Tx, userIds: readonly string[], notification: NotificationInput) {
  const unique = [...new Set(userIds)];
  if (!unique.length) return 0;
  const { count } = await client.notification.createMany({
    data: unique.map((userId) => ({ userId, kind: notification.kind, title: notification.title, body: notification.body ?? "", link: notification.link ?? null })),
  });
  return count;
}

/** Members of every team with a pending or active subscription to the API. */
export async function subscriberUserIds(client: Db | Tx, apiId: string): Promise<string[]> {
  const members = await client.membership.findMany({
    where: { team: { applications: { some: { subscriptions: { some: { apiId, status: { in: ["PENDING", "ACTIVE"] } } } } } } },
    select: { userId: true },
  });
  return members.map((m) => m.userId);
}

export async function listNotifications(actor: MaybeActor) {
  assertSignedIn(actor);
  return db.notification.findMany({ where: { userId: actor.userId }, orderBy: { createdAt: "desc" }, take: 100 });
}

export async function unreadCount(actor: MaybeActor): Promise<number> {
  if (!actor) return 0;
  return db.notification.count({ where: { userId: actor.userId, readAt: null } });
}

export async function markAllRead(actor: MaybeActor) {
  assertSignedIn(actor);
  await db.notification.updateMany({ where: { userId: actor.userId, readAt: null }, data: { readAt: new Date() } });
}
