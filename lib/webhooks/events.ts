import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export const WEBHOOK_EVENTS = [
  "access.requested",
  "access.approved",
  "access.rejected",
  "access.revoked",
  "access.cancelled",
  "version.published",
  "version.deprecated",
  "version.retired",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  "access.requested": "Access requested",
  "access.approved": "Access approved",
  "access.rejected": "Access rejected",
  "access.revoked": "Access revoked",
  "access.cancelled": "Access request cancelled",
  "version.published": "Version published",
  "version.deprecated": "Version deprecated",
  "version.retired": "Version retired",
};

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** Channel the worker LISTENs on; NOTIFY is transactional, so it fires only on commit. */
export const WEBHOOK_WAKE_CHANNEL = "portico_webhooks";

export interface WebhookPayload {
  /** The event's id: the same in every delivery of one event, so receivers can deduplicate. */
  id: string;
  event: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * Records an event for the webhooks of the given teams: one WebhookDelivery
 * row (the outbox) per active webhook subscribed to it. Call it with the
 * transaction that makes the change, so the event exists exactly when the
 * change does; the worker delivers the rows after commit. Returns the number
 * of deliveries queued.
 */
export async function enqueueWebhookEvent(
  client: Db | Tx,
  input: { event: WebhookEvent; teamIds: string[]; data: Record<string, unknown> },
): Promise<number> {
  const teamIds = [...new Set(input.teamIds)];
  if (!teamIds.length) return 0;
  const webhooks = await client.webhook.findMany({
    where: { teamId: { in: teamIds }, active: true, events: { has: input.event } },
    select: { id: true },
  });
  if (!webhooks.length) return 0;
  const now = new Date();
  const payload: WebhookPayload = { id: `evt_${randomUUID()}`, event: input.event, occurredAt: now.toISOString(), data: input.data };
  const json = JSON.parse(JSON.stringify(payload)) as Prisma.InputJsonValue;
  const { count } = await client.webhookDelivery.createMany({
    data: webhooks.map((webhook) => ({ webhookId: webhook.id, event: input.event, payload: json, status: "PENDING", nextAttemptAt: now })),
  });
  await wakeWebhookWorker(client);
  return count;
}

/** Tells a listening worker that deliveries are due (delivered on commit; a no-op if rolled back). */
export async function wakeWebhookWorker(client: Db | Tx): Promise<void> {
  await client.$executeRaw`SELECT pg_notify(${WEBHOOK_WAKE_CHANNEL}, '')`;
}

/** The owner team of an API and every team with a pending or active subscription to it. */
export async function apiAudienceTeamIds(client: Db | Tx, api: { id: string; teamId: string }): Promise<string[]> {
  const consumers = await client.application.findMany({
    where: { subscriptions: { some: { apiId: api.id, status: { in: ["PENDING", "ACTIVE"] } } } },
    select: { teamId: true },
    distinct: ["teamId"],
  });
  return [api.teamId, ...consumers.map((application) => application.teamId)];
}

/**
 * A version's lifecycle event (published, deprecated, retired) for the
 * webhooks of the API's owner team and of its subscribers' teams.
 */
export async function enqueueVersionEvent(
  client: Db | Tx,
  event: Extract<WebhookEvent, `version.${string}`>,
  input: {
    api: { id: string; slug: string; name: string; teamId: string };
    version: { id: string; version: string; publishedAt?: Date | null; deprecatedAt?: Date | null; sunsetAt?: Date | null; retiredAt?: Date | null; replacementVersion?: string | null };
    /** "sunset" when the worker retired the version at its sunset date. */
    trigger?: "manual" | "sunset";
  },
): Promise<number> {
  const { api, version } = input;
  const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
  return enqueueWebhookEvent(client, {
    event,
    teamIds: await apiAudienceTeamIds(client, api),
    data: {
      api: { id: api.id, slug: api.slug, name: api.name },
      version: {
        id: version.id,
        version: version.version,
        state: event === "version.published" ? "PUBLISHED" : event === "version.deprecated" ? "DEPRECATED" : "RETIRED",
        publishedAt: iso(version.publishedAt),
        deprecatedAt: iso(version.deprecatedAt),
        sunsetAt: iso(version.sunsetAt),
        retiredAt: iso(version.retiredAt),
        replacementVersion: version.replacementVersion ?? null,
      },
      trigger: input.trigger ?? "manual",
    },
  });
}
