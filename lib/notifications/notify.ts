import PgBoss from "pg-boss";
import type { Db, Tx } from "@/lib/db";
import { db } from "@/lib/db";
import { assertSignedIn } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { appUrl } from "@/lib/config";
import { recordAudit } from "@/lib/audit/record";
import { deliverMail, mailEnabled } from "@/lib/mail/send";

export interface NotificationInput {
  kind: string;
  title: string;
  body?: string;
  link?: string;
}

/**
 * The one notification service: every feature tells people through here.
 * In-app notifications are rows written with the change that caused them.
 * When SMTP is configured, those who want email also get one job each on the
 * email queue, inserted through the same transaction: a change that rolls
 * back leaves neither a notification nor a mail, and the worker sends the
 * mail only after the commit. (Team webhooks: lib/webhooks/events.ts.)
 */
export async function notifyUsers(client: Db | Tx, userIds: readonly string[], notification: NotificationInput) {
  const unique = [...new Set(userIds)];
  if (!unique.length) return 0;
  const created = await client.notification.createManyAndReturn({
    data: unique.map((userId) => ({ userId, kind: notification.kind, title: notification.title, body: notification.body ?? "", link: notification.link ?? null })),
    select: { id: true, userId: true },
  });
  if (mailEnabled()) {
    const wanting = await client.user.findMany({ where: { id: { in: unique }, emailNotifications: true }, select: { id: true } });
    const recipients = new Set(wanting.map((user) => user.id));
    const jobs = created.filter((row) => recipients.has(row.userId)).map((row) => ({ name: EMAIL_QUEUE, data: { notificationId: row.id } }));
    if (jobs.length) await (await emailQueueProducer()).insert(jobs, { db: throughClient(client) });
  }
  return created.length;
}

// ---------------------------------------------------------------------------
// Email: a pg-boss queue in the same database, worked by the job worker
// (lib/jobs/worker.ts). Jobs carry only the notification's id; the mail is
// written from the row when it is sent, for the user's address and setting
// at that moment.
// ---------------------------------------------------------------------------

export const EMAIL_QUEUE = "notification-email";
/** A refused or unreachable SMTP server is retried: 30 s, 1 min, 2 min, 4 min, 8 min. */
export const EMAIL_QUEUE_OPTIONS = { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 } as const;

const globalForQueue = globalThis as unknown as { porticoEmailQueue?: Promise<PgBoss> };

/**
 * A pg-boss instance that only inserts jobs (no polling, no maintenance):
 * started once per process so the queue's tables exist even before the
 * worker ever ran.
 */
function emailQueueProducer(): Promise<PgBoss> {
  globalForQueue.porticoEmailQueue ??= (async () => {
    const boss = new PgBoss({ connectionString: process.env.DATABASE_URL, schema: "pgboss", max: 1, supervise: false, schedule: false });
    boss.on("error", (error) => console.error(`[mail] queue: ${error.message}`));
    await boss.start();
    await boss.createQueue(EMAIL_QUEUE, { name: EMAIL_QUEUE, ...EMAIL_QUEUE_OPTIONS });
    return boss;
  })().catch((error: unknown) => {
    globalForQueue.porticoEmailQueue = undefined;
    throw error;
  });
  return globalForQueue.porticoEmailQueue;
}

/** Closes this process's queue producer, if it was started (tests, shutdown). */
export async function closeEmailQueue(): Promise<void> {
  const producer = globalForQueue.porticoEmailQueue;
  globalForQueue.porticoEmailQueue = undefined;
  await (await producer?.catch(() => undefined))?.stop({ graceful: false, wait: true });
}

/** pg-boss's SQL, run on the caller's connection, so the job commits or rolls back with the caller's transaction. */
function throughClient(client: Db | Tx): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({ rows: await client.$queryRawUnsafe<unknown[]>(text, ...values.map((value: unknown) => value ?? null)) }),
  };
}

/**
 * The email job: mails one notification to its user, if SMTP is configured
 * and the user still wants email. Throws when the SMTP server refuses, so
 * the queue retries.
 */
export async function sendNotificationEmail(notificationId: string): Promise<boolean> {
  if (!mailEnabled()) return false;
  const notification = await db.notification.findUnique({
    where: { id: notificationId },
    select: { title: true, body: true, link: true, user: { select: { email: true, emailNotifications: true } } },
  });
  if (!notification || !notification.user.emailNotifications) return false;
  const base = appUrl();
  const lines = [notification.title, ""];
  if (notification.body) lines.push(notification.body, "");
  if (notification.link) lines.push(`Open in Portico: ${base}${notification.link}`, "");
  lines.push("--", `You get these emails because email notifications are on. Turn them off at ${base}/notifications`);
  await deliverMail({ to: notification.user.email, subject: notification.title, text: lines.join("\n") });
  return true;
}

/** Switches email copies of the signed-in user's notifications on or off. */
export async function setEmailNotifications(actor: MaybeActor, enabled: boolean): Promise<void> {
  assertSignedIn(actor);
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { emailNotifications: true } });
    if (before.emailNotifications === enabled) return;
    await tx.user.update({ where: { id: actor.userId }, data: { emailNotifications: enabled } });
    await recordAudit(tx, { actor, action: "user.email_notifications_changed", target: { type: "user", id: actor.userId }, before, after: { emailNotifications: enabled } });
  });
}

export async function emailNotificationsEnabled(actor: MaybeActor): Promise<boolean> {
  assertSignedIn(actor);
  const user = await db.user.findUnique({ where: { id: actor.userId }, select: { emailNotifications: true } });
  return user?.emailNotifications ?? false;
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
