// A team's webhooks: registered, changed, paused and deleted by the team's
// OWNER; listed, with their deliveries, for ADMINs and up. Every query is
// scoped by the team's id, so an id from another team is a 404.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { conflict, notFound } from "@/lib/errors";
import { decryptSecret, encryptSecret, generateSecret } from "@/lib/crypto";
import { recordAudit } from "@/lib/audit/record";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { MaybeActor } from "@/lib/authz/actor";
import { authorizeTeamAction } from "@/lib/teams/access";
import { wakeWebhookWorker, type WebhookPayload } from "./events";
import { createWebhookInput, deliveryListQuery, updateWebhookInput, type CreateWebhookInput, type DeliveryListQuery, type UpdateWebhookInput } from "./schemas";
import { parseWebhookUrl } from "./url-policy";

export const SECRET_PREFIX = "whsec_";
/** A team may register this many webhooks: each event is sent to each of them. */
export const MAX_WEBHOOKS_PER_TEAM = 20;

const webhookFields = { id: true, teamId: true, url: true, description: true, events: true, active: true, createdAt: true, updatedAt: true } as const;

export const deliveryFields = {
  id: true,
  webhookId: true,
  event: true,
  payload: true,
  status: true,
  attempts: true,
  responseCode: true,
  lastError: true,
  durationMs: true,
  lastAttemptAt: true,
  nextAttemptAt: true,
  deliveredAt: true,
  createdAt: true,
} as const;

type WebhookRow = Prisma.WebhookGetPayload<{ select: typeof webhookFields }>;

/** What the audit log keeps of a webhook (never its secret). */
function auditView(webhook: Pick<WebhookRow, "url" | "description" | "events" | "active">) {
  return { url: webhook.url, description: webhook.description, events: webhook.events, active: webhook.active };
}

async function findWebhook(teamId: string, id: string): Promise<WebhookRow> {
  const webhook = await db.webhook.findFirst({ where: { id, teamId }, select: webhookFields });
  if (!webhook) throw notFound("webhook");
  return webhook;
}

/** The team's webhooks, each with its latest delivery (ADMIN and up). */
export async function listWebhooks(actor: MaybeActor, slug: string, page: { limit?: number; cursor?: string } = {}) {
  const { team, context } = await authorizeTeamAction(actor, slug, "webhook.view");
  const limit = page.limit ?? 100;
  const rows = await db.webhook.findMany({
    where: { teamId: team.id },
    select: { ...webhookFields, deliveries: { select: { status: true, createdAt: true, responseCode: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit + 1,
    ...(page.cursor ? { cursor: { id: page.cursor, teamId: team.id }, skip: 1 } : {}),
  });
  const items = rows.slice(0, limit).map(({ deliveries, ...webhook }) => ({ ...webhook, lastDelivery: deliveries[0] ?? null }));
  return { team, context, items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** The webhook with its latest delivery's status, for answers that show it. */
export async function withLastDelivery<T extends { id: string }>(webhook: T) {
  const lastDelivery = await db.webhookDelivery.findFirst({ where: { webhookId: webhook.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { status: true, responseCode: true, createdAt: true } });
  return { ...webhook, lastDelivery };
}

export async function getWebhook(actor: MaybeActor, slug: string, id: string) {
  const { team, context } = await authorizeTeamAction(actor, slug, "webhook.view");
  return { team, context, webhook: await findWebhook(team.id, id) };
}

/** Registers a webhook (OWNER). Answers its signing secret: the only time it is shown without asking. */
export async function createWebhook(actor: MaybeActor, slug: string, input: CreateWebhookInput) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const data = createWebhookInput.parse(input);
  const url = parseWebhookUrl(data.url).toString();
  const secret = generateSecret(SECRET_PREFIX);
  const webhook = await db.$transaction(async (tx) => {
    // Counted under the team row's lock, so two concurrent creations cannot both pass the limit.
    await tx.$executeRaw`SELECT 1 FROM "Team" WHERE "id" = ${team.id} FOR UPDATE`;
    if ((await tx.webhook.count({ where: { teamId: team.id } })) >= MAX_WEBHOOKS_PER_TEAM) {
      throw conflict(`A team can have at most ${MAX_WEBHOOKS_PER_TEAM} webhooks; delete one first.`, "webhook-limit");
    }
    const created = await tx.webhook.create({
      data: { teamId: team.id, url, description: data.description, events: data.events, active: data.active, secret: encryptSecret(secret), createdById: allowed.userId },
      select: webhookFields,
    });
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "webhook.created", target: { type: "webhook", id: created.id }, after: auditView(created) });
    return created;
  });
  return { webhook, secret };
}

/** Changes URL, description, events, or pauses/resumes (OWNER). */
export async function updateWebhook(actor: MaybeActor, slug: string, id: string, input: UpdateWebhookInput) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const data = updateWebhookInput.parse(input);
  const current = await findWebhook(team.id, id);
  const changes = { ...data, ...(data.url !== undefined ? { url: parseWebhookUrl(data.url).toString() } : {}) };
  const before = auditView(current);
  const after = { ...before, ...changes };
  if (JSON.stringify(before) === JSON.stringify(after)) return current;
  return db.$transaction(async (tx) => {
    const { count } = await tx.webhook.updateMany({ where: { id, teamId: team.id }, data: changes });
    if (count === 0) throw notFound("webhook");
    const changed = (Object.keys(before) as (keyof typeof before)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
    const action = changed.length === 1 && changed[0] === "active" ? (after.active ? "webhook.resumed" : "webhook.paused") : "webhook.updated";
    await recordAudit(tx, { actor: allowed, teamId: team.id, action, target: { type: "webhook", id }, before, after });
    if (after.active && !before.active) await wakeWebhookWorker(tx);
    return tx.webhook.findUniqueOrThrow({ where: { id }, select: webhookFields });
  });
}

/** Deletes a webhook and its delivery history (OWNER). */
export async function deleteWebhook(actor: MaybeActor, slug: string, id: string) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const current = await findWebhook(team.id, id);
  await db.$transaction(async (tx) => {
    const { count } = await tx.webhook.deleteMany({ where: { id, teamId: team.id } });
    if (count === 0) throw notFound("webhook");
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "webhook.deleted", target: { type: "webhook", id }, before: auditView(current) });
  });
}

/** The signing secret, for an OWNER who lost it. Recorded in the audit log. */
export async function revealWebhookSecret(actor: MaybeActor, slug: string, id: string): Promise<string> {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const row = await db.webhook.findFirst({ where: { id, teamId: team.id }, select: { id: true, secret: true } });
  if (!row) throw notFound("webhook");
  await recordAudit(db, { actor: allowed, teamId: team.id, action: "webhook.secret_revealed", target: { type: "webhook", id } });
  return decryptSecret(row.secret);
}

/**
 * Replaces the signing secret (OWNER). It applies from the next attempt on,
 * retries of earlier events included; the old secret stops working at once.
 */
export async function rollWebhookSecret(actor: MaybeActor, slug: string, id: string): Promise<string> {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const secret = generateSecret(SECRET_PREFIX);
  await db.$transaction(async (tx) => {
    const { count } = await tx.webhook.updateMany({ where: { id, teamId: team.id }, data: { secret: encryptSecret(secret) } });
    if (count === 0) throw notFound("webhook");
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "webhook.secret_rolled", target: { type: "webhook", id } });
  });
  return secret;
}

/** Queues a `ping` event to this webhook alone, to check the receiver (OWNER). */
export async function pingWebhook(actor: MaybeActor, slug: string, id: string) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const webhook = await findWebhook(team.id, id);
  if (!webhook.active) throw conflict("The webhook is paused: resume it to send events to it.", "webhook-paused");
  const now = new Date();
  const payload: WebhookPayload = {
    id: `evt_${randomUUID()}`,
    event: "ping",
    occurredAt: now.toISOString(),
    data: { webhook: { id: webhook.id, url: webhook.url, events: webhook.events }, team: { slug: team.slug, name: team.name }, message: "Portico can reach this URL." },
  };
  return db.$transaction(async (tx) => {
    const delivery = await tx.webhookDelivery.create({ data: { webhookId: webhook.id, event: "ping", payload: payload as unknown as Prisma.InputJsonValue, nextAttemptAt: now }, select: deliveryFields });
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "webhook.pinged", target: { type: "webhook", id: webhook.id }, after: { deliveryId: delivery.id } });
    await wakeWebhookWorker(tx);
    return delivery;
  });
}

/** The webhook's deliveries, newest first (ADMIN and up). */
export async function listDeliveries(actor: MaybeActor, slug: string, id: string, query: DeliveryListQuery = {}) {
  const { team } = await authorizeTeamAction(actor, slug, "webhook.view");
  const webhook = await findWebhook(team.id, id);
  const input = deliveryListQuery.parse(query);
  const where = { webhookId: webhook.id, ...(input.status ? { status: input.status } : {}) };
  const rows = await db.webhookDelivery.findMany({
    where,
    select: deliveryFields,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor, webhookId: webhook.id }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return { webhook, items, nextCursor: rows.length > input.limit ? items[items.length - 1].id : null };
}

/**
 * Sends a finished delivery's event again as a new delivery with the same
 * payload (same event id, so receivers can tell it is the same event).
 */
export async function redeliver(actor: MaybeActor, slug: string, webhookId: string, deliveryId: string) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "webhook.manage");
  const webhook = await findWebhook(team.id, webhookId);
  const original = await db.webhookDelivery.findFirst({ where: { id: deliveryId, webhookId: webhook.id }, select: { id: true, event: true, payload: true, status: true } });
  if (!original) throw notFound("delivery");
  if (original.status !== "FAILED" && original.status !== "DELIVERED") throw conflict("This delivery is still being attempted.", "delivery-in-progress");
  if (!webhook.active) throw conflict("The webhook is paused: resume it to send events to it.", "webhook-paused");
  return db.$transaction(async (tx) => {
    const delivery = await tx.webhookDelivery.create({
      data: { webhookId: webhook.id, event: original.event, payload: original.payload as Prisma.InputJsonValue, nextAttemptAt: new Date() },
      select: deliveryFields,
    });
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "webhook.redelivered", target: { type: "webhook", id: webhook.id }, after: { deliveryId: delivery.id, of: original.id, event: original.event } });
    await wakeWebhookWorker(tx);
    return delivery;
  });
}
