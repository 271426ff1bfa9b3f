// Team webhooks on the real database, delivered over real HTTP to a local
// receiver that checks each signature: the outbox written in the change's
// transaction, signing, retries on the backoff schedule, the pg-boss worker,
// the lifecycle events, SSRF refusals, secrets, and who may do what.
import { afterAll, afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import type PgBoss from "pg-boss";
import { storeVersion } from "@/lib/catalog/versions";
import { buildSpec } from "@/lib/demo/spec-generator";
import { applyTransition } from "@/lib/lifecycle/apply";
import { retireOverdueVersions } from "@/lib/lifecycle/sunset";
import { startWorker } from "@/lib/jobs/worker";
import { closeEmailQueue } from "@/lib/notifications/notify";
import { enqueueWebhookEvent, WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/webhooks/events";
import { DELIVERY_RETENTION_DAYS, deliverDueWebhooks, deliverWebhook, MAX_ATTEMPTS, pruneOldDeliveries, RETRY_DELAYS_SECONDS } from "@/lib/webhooks/deliver";
import { computeWebhookSignature, verifyWebhookSignature } from "@/lib/webhooks/signature";
import { parseWebhookUrl } from "@/lib/webhooks/url-policy";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  pingWebhook,
  redeliver,
  revealWebhookSecret,
  rollWebhookSecret,
  updateWebhook,
} from "@/lib/webhooks/webhooks";
import { webhookEventName } from "@/lib/rest/schemas";
import { createTeam } from "@/lib/teams/teams";
import * as webhooksRoute from "@/app/api/v1/teams/[slug]/webhooks/route";
import * as webhookRoute from "@/app/api/v1/teams/[slug]/webhooks/[id]/route";
import * as deliveriesRoute from "@/app/api/v1/teams/[slug]/webhooks/[id]/deliveries/route";
import * as pingRoute from "@/app/api/v1/teams/[slug]/webhooks/[id]/ping/route";
import * as secretRoute from "@/app/api/v1/teams/[slug]/webhooks/[id]/secret/route";
import * as redeliverRoute from "@/app/api/v1/teams/[slug]/webhooks/[id]/deliveries/[deliveryId]/redeliver/route";
import { db, expectAppError, makePat, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";
import { startReceiver, type Receiver } from "./webhooks-receiver";

process.env.PORTICO_SECRET_KEY = "webhook-test-key-not-for-production";
// The receivers listen on 127.0.0.1.
process.env.PORTICO_WEBHOOKS_ALLOW_PRIVATE = "1";

const DAY = 86_400_000;

let acme: TestTeam;
let globex: { team: { id: string; slug: string }; owner: TestUser };
let receiver: Receiver;

beforeEach(async () => {
  await resetDatabase();
  acme = await makeTeam({ slug: "acme", name: "Acme" });
  const owner = await makeUser({ name: "Globex owner" });
  const team = await createTeam(owner.actor, { slug: "globex", name: "Globex" });
  globex = { team: { id: team.id, slug: team.slug }, owner };
  receiver = await startReceiver();
});

afterEach(async () => {
  await receiver.close();
  vi.unstubAllEnvs();
});

/** A webhook of acme pointing at the receiver, which is given its secret. */
async function acmeWebhook(events: WebhookEvent[] = ["version.published"], target: Receiver = receiver) {
  const { webhook, secret } = await createWebhook(acme.members.OWNER.actor, "acme", { url: target.url, events, description: "CI" });
  target.secret = secret;
  return { webhook, secret };
}

async function enqueue(event: WebhookEvent, teamIds: string[], data: Record<string, unknown> = { hello: "world" }) {
  return db.$transaction((tx) => enqueueWebhookEvent(tx, { event, teamIds, data }));
}

async function onlyDelivery(webhookId: string) {
  const deliveries = await db.webhookDelivery.findMany({ where: { webhookId } });
  expect(deliveries).toHaveLength(1);
  return deliveries[0];
}

describe("the outbox", () => {
  it("writes one delivery per active webhook of the named teams subscribed to the event", async () => {
    const { webhook: subscribed } = await acmeWebhook(["version.published", "version.retired"]);
    const { webhook: paused } = await acmeWebhook(["version.published"]);
    await updateWebhook(acme.members.OWNER.actor, "acme", paused.id, { active: false });
    await acmeWebhook(["access.requested"]);
    const { webhook: other } = await createWebhook(globex.owner.actor, "globex", { url: receiver.url, events: ["version.published"] });

    expect(await enqueue("version.published", [acme.team.id, acme.team.id])).toBe(1);
    const rows = await db.webhookDelivery.findMany();
    expect(rows).toEqual([expect.objectContaining({ webhookId: subscribed.id, event: "version.published", status: "PENDING", attempts: 0 })]);
    expect(rows[0].payload).toEqual({ id: expect.stringMatching(/^evt_/), event: "version.published", occurredAt: expect.any(String), data: { hello: "world" } });
    expect(rows[0].nextAttemptAt).not.toBeNull();

    expect(await enqueue("version.published", [acme.team.id, globex.team.id])).toBe(2);
    expect(await db.webhookDelivery.count({ where: { webhookId: other.id } })).toBe(1);
    expect(await enqueue("version.deprecated", [acme.team.id, globex.team.id])).toBe(0);
  });

  it("writes nothing when the change's transaction rolls back", async () => {
    await acmeWebhook();
    await expect(
      db.$transaction(async (tx) => {
        expect(await enqueueWebhookEvent(tx, { event: "version.published", teamIds: [acme.team.id], data: {} })).toBe(1);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.webhookDelivery.count()).toBe(0);
    expect(await deliverDueWebhooks()).toEqual([]);
    expect(receiver.received).toHaveLength(0);
  });

  it("keeps the REST event list and WEBHOOK_EVENTS the same", () => {
    expect(webhookEventName.options).toEqual([...WEBHOOK_EVENTS]);
  });
});

describe("delivery", () => {
  it("POSTs the JSON body signed with the webhook's secret, which a real receiver verifies", async () => {
    const { webhook, secret } = await acmeWebhook();
    await enqueue("version.published", [acme.team.id], { api: { slug: "payments" } });
    const pending = await onlyDelivery(webhook.id);

    const before = Math.floor(Date.now() / 1000);
    const outcome = await deliverWebhook(pending.id);
    expect(outcome).toEqual({ deliveryId: pending.id, status: "DELIVERED", attempts: 1, responseCode: 200, error: null });

    const [request] = receiver.received;
    expect(receiver.received).toHaveLength(1);
    expect(request.verified).toBe(true);
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Portico-Webhooks",
      "portico-event": "version.published",
      "portico-delivery": pending.id,
    });
    const timestamp = Number(request.headers["portico-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(request.headers["portico-signature"]).toBe(`v1=${computeWebhookSignature(secret, timestamp, request.body)}`);
    expect(request.json).toEqual(pending.payload);
    expect(request.json).toMatchObject({ event: "version.published", data: { api: { slug: "payments" } } });

    const delivered = await db.webhookDelivery.findUniqueOrThrow({ where: { id: pending.id } });
    expect(delivered).toMatchObject({ status: "DELIVERED", attempts: 1, responseCode: 200, lastError: null, nextAttemptAt: null });
    expect(delivered.durationMs).toBeGreaterThanOrEqual(0);
    expect(delivered.lastAttemptAt).not.toBeNull();
    expect(delivered.deliveredAt).not.toBeNull();
    // Nothing left to do: a second call and the due sweep attempt nothing.
    expect(await deliverWebhook(pending.id)).toBeNull();
    expect(await deliverDueWebhooks()).toEqual([]);
    expect(receiver.received).toHaveLength(1);
  });

  it("verifyWebhookSignature refuses a wrong secret, a changed body, a stale or future timestamp and a missing header", () => {
    const secret = "whsec_test";
    const body = '{"id":"evt_1"}';
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    const signature = `v1=${computeWebhookSignature(secret, timestamp, body)}`;
    expect(verifyWebhookSignature({ secret, body, timestamp, signature, now })).toBe(true);
    expect(verifyWebhookSignature({ secret, body, timestamp, signature: `v1=${"0".repeat(64)}, ${signature}`, now })).toBe(true);
    expect(verifyWebhookSignature({ secret: "whsec_other", body, timestamp, signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, body: '{"id":"evt_2"}', timestamp, signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, timestamp, signature, now: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, timestamp, signature, now: now - 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, timestamp: null, signature, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, timestamp, signature: signature.replace("v1=", "v0="), now })).toBe(false);
  });

  it("retries a failing receiver (500, then no answer) on the backoff schedule, then gives up as FAILED", async () => {
    const { webhook } = await acmeWebhook();
    receiver.answer({ kind: "status", status: 500, body: "database is down" }, { kind: "status", status: 500, body: "database is down" }, { kind: "hang" });
    await enqueue("version.published", [acme.team.id]);
    const { id } = await onlyDelivery(webhook.id);
    const timeoutMs = 300;

    let clock = new Date();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const outcomes = await deliverDueWebhooks({ now: clock, timeoutMs });
      expect(outcomes.map((o) => o.attempts)).toEqual([attempt]);
      const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id } });
      expect(row.attempts).toBe(attempt);
      if (attempt <= 2) {
        expect(row.responseCode).toBe(500);
        expect(row.lastError).toBe("HTTP 500 Internal Server Error: database is down");
      } else {
        expect(row.responseCode).toBeNull();
        expect(row.lastError).toBe("No answer within 0.3 s");
      }
      if (attempt < MAX_ATTEMPTS) {
        expect(row.status).toBe("RETRYING");
        expect(row.nextAttemptAt!.getTime() - row.lastAttemptAt!.getTime()).toBe(RETRY_DELAYS_SECONDS[attempt - 1] * 1000);
        // Not due yet: a sweep just before the next attempt's time does nothing.
        expect(await deliverDueWebhooks({ now: new Date(row.nextAttemptAt!.getTime() - 1000), timeoutMs })).toEqual([]);
        clock = new Date(row.nextAttemptAt!.getTime() + 1);
      } else {
        expect(row).toMatchObject({ status: "FAILED", nextAttemptAt: null, deliveredAt: null });
      }
    }
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    // Every attempt carries the same delivery id and body: the receiver can deduplicate.
    expect(new Set(receiver.received.map((r) => r.headers["portico-delivery"]))).toEqual(new Set([id]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(await deliverDueWebhooks({ now: new Date(Date.now() + DAY), timeoutMs })).toEqual([]);

    // The OWNER redelivers the failed event once the receiver is fixed.
    receiver.answer({ kind: "ok" });
    const again = await redeliver(acme.members.OWNER.actor, "acme", webhook.id, id);
    expect(again).toMatchObject({ status: "PENDING", event: "version.published", payload: receiver.received[0].json });
    expect(await deliverWebhook(again.id)).toMatchObject({ status: "DELIVERED", responseCode: 200 });
    expect(receiver.received.at(-1)!.json.id).toBe(receiver.received[0].json.id);
  });

  it("does not follow redirects", async () => {
    const target = await startReceiver("/elsewhere");
    try {
      const { webhook } = await acmeWebhook();
      receiver.answer({ kind: "redirect", location: target.url });
      await enqueue("version.published", [acme.team.id]);
      const outcome = await deliverWebhook((await onlyDelivery(webhook.id)).id);
      expect(outcome).toMatchObject({ status: "RETRYING", responseCode: 302 });
      expect(outcome!.error).toContain(`redirects are not followed; Location: ${target.url}`);
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it("keeps the deliveries of a paused webhook until it is resumed", async () => {
    const { webhook } = await acmeWebhook();
    await enqueue("version.published", [acme.team.id]);
    await updateWebhook(acme.members.OWNER.actor, "acme", webhook.id, { active: false });
    expect(await deliverDueWebhooks()).toEqual([]);
    expect((await onlyDelivery(webhook.id)).status).toBe("PENDING");
    await updateWebhook(acme.members.OWNER.actor, "acme", webhook.id, { active: true });
    expect(await deliverDueWebhooks()).toMatchObject([{ status: "DELIVERED" }]);
    expect(await db.auditEvent.findMany({ where: { targetId: webhook.id }, select: { action: true }, orderBy: { createdAt: "asc" } })).toEqual([
      { action: "webhook.created" },
      { action: "webhook.paused" },
      { action: "webhook.resumed" },
    ]);
  });

  it("deletes finished deliveries after the retention period, and keeps open ones", async () => {
    const { webhook } = await acmeWebhook();
    const old = new Date(Date.now() - (DELIVERY_RETENTION_DAYS + 1) * DAY);
    const payload = { id: "evt_old", event: "version.published", occurredAt: old.toISOString(), data: {} };
    for (const status of ["DELIVERED", "FAILED", "RETRYING"]) {
      await db.webhookDelivery.create({ data: { webhookId: webhook.id, event: "version.published", payload, status, createdAt: old, nextAttemptAt: new Date(Date.now() + DAY) } });
    }
    await db.webhookDelivery.create({ data: { webhookId: webhook.id, event: "version.published", payload, status: "DELIVERED" } });
    expect(await pruneOldDeliveries()).toBe(2);
    expect((await db.webhookDelivery.findMany({ select: { status: true }, orderBy: { status: "asc" } })).map((d) => d.status)).toEqual(["DELIVERED", "RETRYING"]);
  });

  it("sends a ping to one webhook, whatever its events", async () => {
    const { webhook } = await acmeWebhook(["access.approved"]);
    const ping = await pingWebhook(acme.members.OWNER.actor, "acme", webhook.id);
    expect(await deliverWebhook(ping.id)).toMatchObject({ status: "DELIVERED" });
    expect(receiver.received[0]).toMatchObject({ verified: true, json: { event: "ping", data: { webhook: { id: webhook.id } } } });
    expect(receiver.received[0].headers["portico-event"]).toBe("ping");
  });
});

describe("the job worker", () => {
  let boss: PgBoss | undefined;
  afterEach(async () => {
    await boss?.stop({ graceful: false, wait: true });
    boss = undefined;
    await closeEmailQueue();
  });

  it("delivers what was queued while it was down, the next change within moments, and retries a failing receiver after 10 s", { timeout: 60_000 }, async () => {
    // Polls rarely enough that a prompt delivery can only come from the NOTIFY at commit.
    vi.stubEnv("PORTICO_WEBHOOK_POLL_MS", "4000");
    const { webhook } = await acmeWebhook(["version.published"]);
    const flaky = await startReceiver("/flaky");
    try {
      const { webhook: flakyHook } = await acmeWebhook(["version.published"], flaky);
      flaky.answer({ kind: "status", status: 503, body: "starting up" }, { kind: "ok" });
      // Queued before any worker runs: the rows wait in the database.
      await enqueue("version.published", [acme.team.id], { n: 1 });

      const logs: string[] = [];
      boss = await startWorker(inject("databaseUrl"), (message) => logs.push(message));
      await receiver.waitFor(1);
      await flaky.waitFor(1);

      // A change committed while the worker runs: woken by NOTIFY at commit, not by the next poll.
      const committed = Date.now();
      await enqueue("version.published", [acme.team.id], { n: 2 });
      const [, second] = await receiver.waitFor(2);
      expect(second.json.data).toEqual({ n: 2 });
      expect(second.at - committed).toBeLessThan(1_500);
      expect(receiver.received.every((r) => r.verified)).toBe(true);

      // The flaky receiver's first event (answered 503) is retried after RETRY_DELAYS_SECONDS[0] (10 s).
      const [first, ...later] = await flaky.waitFor(3, 25_000);
      const retry = later.find((r) => r.headers["portico-delivery"] === first.headers["portico-delivery"])!;
      expect(retry.json).toEqual(first.json);
      expect(retry.at - first.at).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[0] * 1000 - 50);
      // The receiver answered; the worker records the attempt right after.
      await expect.poll(() => db.webhookDelivery.findUniqueOrThrow({ where: { id: first.headers["portico-delivery"] as string } }), { timeout: 5_000 }).toMatchObject({
        webhookId: flakyHook.id,
        status: "DELIVERED",
        attempts: 2,
        responseCode: 200,
      });
      await expect.poll(() => db.webhookDelivery.count({ where: { webhookId: webhook.id, status: "DELIVERED" } }), { timeout: 5_000 }).toBe(2);
    } finally {
      await flaky.close();
    }
  });
});

describe("version lifecycle events", () => {
  async function apiWithSubscribers() {
    const consumer = await makeTeam({ slug: "consumer" });
    const former = await makeTeam({ slug: "former" });
    const api = await db.api.create({ data: { teamId: acme.team.id, slug: "lockers", name: "Lockers", visibility: "INTERNAL", minNoticeDays: 0 } });
    const plan = await db.plan.create({ data: { apiId: api.id, name: "Default", requiresApproval: false } });
    const document = buildSpec({ title: "Lockers", version: "1.0.0", description: "", serverUrl: "https://x.example", resources: ["lockers"] });
    await db.$transaction((tx) => storeVersion(tx, { apiId: api.id, version: "1.0.0", document, sourceText: JSON.stringify(document), sourceFormat: "json", state: "DRAFT" }));
    for (const [team, status] of [[consumer, "ACTIVE"], [former, "REVOKED"]] as const) {
      const application = await db.application.create({ data: { teamId: team.team.id, name: "App" } });
      await db.subscription.create({ data: { applicationId: application.id, apiId: api.id, planId: plan.id, status, requesterId: team.members.DEVELOPER.id } });
    }
    const hooks: Record<string, string> = {};
    for (const [name, owner] of [["acme", acme.members.OWNER], ["consumer", consumer.members.OWNER], ["former", former.members.OWNER]] as const) {
      hooks[name] = (await createWebhook(owner.actor, name, { url: receiver.url, events: ["version.published", "version.deprecated", "version.retired"] })).webhook.id;
    }
    return { api, hooks };
  }

  async function eventsOf(webhookId: string) {
    return (await db.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: "asc" } })).map((d) => d.payload as { event: string; data: { version: { version: string; state: string; sunsetAt: string | null }; trigger: string } });
  }

  it("publish, deprecate and retire reach the owner team and the teams subscribed, in the transition's transaction", async () => {
    const { hooks } = await apiWithSubscribers();
    const admin = acme.members.ADMIN.actor;
    await applyTransition(admin, "lockers", "1.0.0", { action: "publish" });
    const sunsetAt = new Date(Date.now() + 2_000);
    await applyTransition(admin, "lockers", "1.0.0", { action: "deprecate", sunsetAt });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await applyTransition(admin, "lockers", "1.0.0", { action: "retire" });

    for (const name of ["acme", "consumer"]) {
      const events = await eventsOf(hooks[name]);
      expect(events.map((e) => [e.event, e.data.version.state])).toEqual([
        ["version.published", "PUBLISHED"],
        ["version.deprecated", "DEPRECATED"],
        ["version.retired", "RETIRED"],
      ]);
      expect(events[1].data.version.sunsetAt).toBe(sunsetAt.toISOString());
      expect(events[2].data.trigger).toBe("manual");
    }
    expect(await eventsOf(hooks.former)).toEqual([]);

    // A refused transition queues nothing.
    await expectAppError(applyTransition(admin, "lockers", "1.0.0", { action: "retire" }), 409);
    expect(await db.webhookDelivery.count()).toBe(6);
  });

  it("the retirement at the sunset date is sent too", async () => {
    const { api, hooks } = await apiWithSubscribers();
    await db.apiVersion.updateMany({ where: { apiId: api.id }, data: { state: "DEPRECATED", publishedAt: new Date(Date.now() - 9 * DAY), deprecatedAt: new Date(Date.now() - 8 * DAY), sunsetAt: new Date(Date.now() - 60_000) } });
    expect(await retireOverdueVersions()).toBe(1);
    const [retired] = await eventsOf(hooks.consumer);
    expect(retired).toMatchObject({ event: "version.retired", data: { trigger: "sunset", version: { version: "1.0.0", state: "RETIRED" } } });
    expect(await eventsOf(hooks.former)).toEqual([]);
  });
});

describe("where webhooks may point", () => {
  it("refuses other schemes, credentials in the URL, and link-local addresses even when private ones are allowed", () => {
    for (const url of ["ftp://example.com/hook", "file:///etc/passwd", "not a url", "https://user:pass@example.com/hook", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/hook", "http://[::ffff:169.254.169.254]/hook"]) {
      expect(() => parseWebhookUrl(url), url).toThrow(/refused/);
    }
    expect(parseWebhookUrl("http://127.0.0.1:9/hook").toString()).toBe("http://127.0.0.1:9/hook");
  });

  it("refuses private and loopback targets in production unless PORTICO_WEBHOOKS_ALLOW_PRIVATE=1", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("PORTICO_WEBHOOKS_ALLOW_PRIVATE", "0");
    for (const url of ["http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook", "http://172.20.0.1/hook", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://localhost:3000/hook", "http://0.0.0.0/hook"]) {
      expect(() => parseWebhookUrl(url), url).toThrow(/refused/);
    }
    expect(parseWebhookUrl("https://hooks.example.com/portico").hostname).toBe("hooks.example.com");
    expect(parseWebhookUrl("https://93.184.216.34/portico").hostname).toBe("93.184.216.34");
    await expectAppError(createWebhook(acme.members.OWNER.actor, "acme", { url: receiver.url, events: ["version.published"] }), 422);

    // A webhook saved while allowed, delivered in production: refused at the connection, the receiver never called.
    vi.stubEnv("PORTICO_WEBHOOKS_ALLOW_PRIVATE", "1");
    const { webhook } = await acmeWebhook();
    vi.stubEnv("PORTICO_WEBHOOKS_ALLOW_PRIVATE", "0");
    await db.webhook.update({ where: { id: webhook.id }, data: { url: receiver.url.replace("127.0.0.1", "localhost") } });
    await enqueue("version.published", [acme.team.id]);
    const outcome = await deliverWebhook((await onlyDelivery(webhook.id)).id);
    expect(outcome).toMatchObject({ status: "RETRYING", responseCode: null });
    expect(outcome!.error).toMatch(/localhost resolves to a private, loopback or reserved address .*refused/);
    await db.webhook.update({ where: { id: webhook.id }, data: { url: receiver.url } });
    const literal = await deliverWebhook((await onlyDelivery(webhook.id)).id);
    expect(literal!.error).toMatch(/127\.0\.0\.1 is a private, loopback or reserved address: refused/);
    expect(receiver.received).toHaveLength(0);
  });
});

describe("secrets", () => {
  it("are stored encrypted, revealed and rolled by the OWNER only, and sign the next attempt once rolled", async () => {
    const { webhook, secret } = await acmeWebhook();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    const stored = await db.webhook.findUniqueOrThrow({ where: { id: webhook.id }, select: { secret: true } });
    expect(stored.secret).toMatch(/^enc:v1:/);
    expect(stored.secret).not.toContain(secret.slice(6));
    expect(await revealWebhookSecret(acme.members.OWNER.actor, "acme", webhook.id)).toBe(secret);
    await expectAppError(revealWebhookSecret(acme.members.ADMIN.actor, "acme", webhook.id), 403);
    await expectAppError(rollWebhookSecret(acme.members.ADMIN.actor, "acme", webhook.id), 403);

    await enqueue("version.published", [acme.team.id]);
    const rolled = await rollWebhookSecret(acme.members.OWNER.actor, "acme", webhook.id);
    expect(rolled).not.toBe(secret);
    expect(await revealWebhookSecret(acme.members.OWNER.actor, "acme", webhook.id)).toBe(rolled);
    // The receiver still holds the old secret: the attempt is refused (401), then it updates.
    expect(await deliverDueWebhooks()).toMatchObject([{ status: "RETRYING", responseCode: 401 }]);
    receiver.secret = rolled;
    const { id } = await onlyDelivery(webhook.id);
    expect(await deliverWebhook(id)).toMatchObject({ status: "DELIVERED" });
    expect(await db.auditEvent.count({ where: { targetId: webhook.id, action: { in: ["webhook.secret_revealed", "webhook.secret_rolled"] } } })).toBe(3);
  });

  it("a secret that no longer decrypts (the key changed) fails the attempt with a clear error", async () => {
    const { webhook } = await acmeWebhook();
    await enqueue("version.published", [acme.team.id]);
    vi.stubEnv("PORTICO_SECRET_KEY", "another key");
    const outcome = await deliverWebhook((await onlyDelivery(webhook.id)).id);
    expect(outcome).toMatchObject({ status: "RETRYING", responseCode: null });
    expect(outcome!.error).toMatch(/signing secret cannot be decrypted/);
    expect(receiver.received).toHaveLength(0);
  });
});

describe("who may do what", () => {
  it("ADMIN sees webhooks and deliveries but changes nothing; DEVELOPER and VIEWER see nothing; other teams get 404", async () => {
    const { webhook } = await acmeWebhook();
    await enqueue("version.published", [acme.team.id]);
    await deliverDueWebhooks();
    const deliveryId = (await onlyDelivery(webhook.id)).id;
    const admin = acme.members.ADMIN.actor;
    expect((await listWebhooks(admin, "acme")).items.map((w) => w.id)).toEqual([webhook.id]);
    expect((await listDeliveries(admin, "acme", webhook.id)).items.map((d) => d.id)).toEqual([deliveryId]);

    const before = await snapshotDatabase();
    const manage = (actor: TestUser["actor"], slug: string) => [
      () => createWebhook(actor, slug, { url: receiver.url, events: ["version.published"] }),
      () => updateWebhook(actor, slug, webhook.id, { active: false }),
      () => deleteWebhook(actor, slug, webhook.id),
      () => rollWebhookSecret(actor, slug, webhook.id),
      () => revealWebhookSecret(actor, slug, webhook.id),
      () => pingWebhook(actor, slug, webhook.id),
      () => redeliver(actor, slug, webhook.id, deliveryId),
    ];
    for (const call of manage(admin, "acme")) await expectAppError(call(), 403);
    for (const role of ["DEVELOPER", "VIEWER"] as const) {
      const actor = acme.members[role].actor;
      await expectAppError(listWebhooks(actor, "acme"), 403);
      await expectAppError(getWebhook(actor, "acme", webhook.id), 403);
      await expectAppError(listDeliveries(actor, "acme", webhook.id), 403);
      for (const call of manage(actor, "acme")) await expectAppError(call(), 403);
    }
    const outsider = globex.owner.actor;
    await expectAppError(listWebhooks(outsider, "acme"), 404);
    for (const call of manage(outsider, "acme")) await expectAppError(call(), 404);
    // BOLA: acme's webhook through globex, where the outsider is OWNER (creating there is allowed, so skipped).
    await expectAppError(getWebhook(outsider, "globex", webhook.id), 404);
    await expectAppError(listDeliveries(outsider, "globex", webhook.id), 404);
    for (const call of manage(outsider, "globex").slice(1)) await expectAppError(call(), 404);
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("a platform admin may manage any team's webhooks", async () => {
    const platformAdmin = await makeUser({ platformRole: "ADMIN" });
    const { webhook } = await createWebhook(platformAdmin.actor, "acme", { url: receiver.url, events: ["access.requested"] });
    expect((await listWebhooks(acme.members.OWNER.actor, "acme")).items.map((w) => w.id)).toEqual([webhook.id]);
  });

  it("validates the input: events from the list, at least one, and a URL", async () => {
    const owner = acme.members.OWNER.actor;
    const invalid = await expectAppError(createWebhook(owner, "acme", { url: receiver.url, events: [] }), 422);
    expect(invalid.errors.map((e) => e.pointer)).toContain("/events");
    await expectAppError(createWebhook(owner, "acme", { url: receiver.url, events: ["version.exploded" as WebhookEvent] }), 422);
    const badUrl = await expectAppError(createWebhook(owner, "acme", { url: "gopher://example.com", events: ["version.published"] }), 422);
    expect(badUrl.errors).toEqual([{ pointer: "/url", detail: "only http and https URLs can receive webhooks" }]);
    expect(await db.webhook.count()).toBe(0);
  });
});

describe("REST /api/v1/teams/{slug}/webhooks", () => {
  type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
  async function call(handler: unknown, method: string, path: string, token: string, options: { body?: unknown; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const headers = new Headers({ authorization: `Bearer ${token}`, ...options.headers });
    if (options.body !== undefined) headers.set("content-type", "application/json");
    const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null, text };
  }

  let tokens: Record<"OWNER" | "ADMIN" | "DEVELOPER" | "globex", string>;
  beforeEach(async () => {
    tokens = {
      OWNER: (await makePat(acme.members.OWNER)).secret,
      ADMIN: (await makePat(acme.members.ADMIN)).secret,
      DEVELOPER: (await makePat(acme.members.DEVELOPER)).secret,
      globex: (await makePat(globex.owner)).secret,
    };
    // lastUsedAt in the future is never rewritten: snapshots then show only what a request changed.
    await db.personalAccessToken.updateMany({ data: { lastUsedAt: new Date(Date.now() + 365 * DAY) } });
  });

  it("creates (secret once, not in the idempotency record), lists and reads without the secret, pauses, pings, shows deliveries, rolls and deletes", async () => {
    const body = { url: receiver.url, events: ["version.published", "version.deprecated"], description: "Deploy bot" };
    const created = await call(webhooksRoute.POST, "POST", "/teams/acme/webhooks", tokens.OWNER, { body, params: { slug: "acme" }, headers: { "idempotency-key": "create-1" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ url: receiver.url, events: body.events, description: "Deploy bot", active: true, lastDelivery: null, secret: expect.stringMatching(/^whsec_/) });
    const id = created.json.id as string;
    expect(created.headers.get("location")).toBe(`/api/v1/teams/acme/webhooks/${id}`);
    receiver.secret = created.json.secret;
    const replay = await call(webhooksRoute.POST, "POST", "/teams/acme/webhooks", tokens.OWNER, { body, params: { slug: "acme" }, headers: { "idempotency-key": "create-1" } });
    expect(replay.status).toBe(201);
    expect(replay.json.id).toBe(id);
    expect(replay.json).not.toHaveProperty("secret");
    expect(await db.webhook.count()).toBe(1);
    expect(JSON.stringify(await db.idempotencyRecord.findMany())).not.toContain(created.json.secret);

    const list = await call(webhooksRoute.GET, "GET", "/teams/acme/webhooks", tokens.ADMIN, { params: { slug: "acme" } });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ items: [expect.objectContaining({ id, url: receiver.url })], nextCursor: null });
    expect(list.text).not.toContain("whsec_");
    expect(list.text).not.toContain("enc:v1:");
    const one = await call(webhookRoute.GET, "GET", `/teams/acme/webhooks/${id}`, tokens.ADMIN, { params: { slug: "acme", id } });
    expect(one.json).toMatchObject({ id, active: true });
    expect(one.text).not.toContain("whsec_");

    const ping = await call(pingRoute.POST, "POST", `/teams/acme/webhooks/${id}/ping`, tokens.OWNER, { params: { slug: "acme", id } });
    expect(ping.status).toBe(202);
    expect(ping.json).toMatchObject({ event: "ping", status: "PENDING", attempts: 0 });
    await deliverDueWebhooks();
    const deliveries = await call(deliveriesRoute.GET, "GET", `/teams/acme/webhooks/${id}/deliveries`, tokens.ADMIN, { params: { slug: "acme", id } });
    expect(deliveries.status).toBe(200);
    expect(deliveries.json.items).toEqual([
      expect.objectContaining({ id: ping.json.id, event: "ping", status: "DELIVERED", attempts: 1, responseCode: 200, durationMs: expect.any(Number), lastError: null, nextAttemptAt: null, lastAttemptAt: expect.any(String) }),
    ]);
    expect((await call(deliveriesRoute.GET, "GET", `/teams/acme/webhooks/${id}/deliveries?status=FAILED`, tokens.ADMIN, { params: { slug: "acme", id } })).json.items).toEqual([]);
    expect((await call(webhookRoute.GET, "GET", `/teams/acme/webhooks/${id}`, tokens.ADMIN, { params: { slug: "acme", id } })).json.lastDelivery).toMatchObject({ status: "DELIVERED", responseCode: 200 });
    const redelivered = await call(redeliverRoute.POST, "POST", "/redeliver", tokens.OWNER, { params: { slug: "acme", id, deliveryId: ping.json.id } });
    expect(redelivered.status).toBe(202);

    const paused = await call(webhookRoute.PATCH, "PATCH", `/teams/acme/webhooks/${id}`, tokens.OWNER, { body: { active: false }, params: { slug: "acme", id } });
    expect(paused.json).toMatchObject({ id, active: false });
    expect((await call(pingRoute.POST, "POST", "/ping", tokens.OWNER, { params: { slug: "acme", id } })).json).toMatchObject({ status: 409, type: "https://portico.dev/problems/webhook-paused" });

    const rolled = await call(secretRoute.POST, "POST", "/secret", tokens.OWNER, { params: { slug: "acme", id } });
    expect(rolled.json.secret).toMatch(/^whsec_/);
    expect(rolled.json.secret).not.toBe(created.json.secret);

    expect((await call(webhookRoute.DELETE, "DELETE", `/teams/acme/webhooks/${id}`, tokens.OWNER, { params: { slug: "acme", id } })).status).toBe(204);
    expect(await db.webhook.count()).toBe(0);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers problem+json: 422 with pointers, 403 for an ADMIN or DEVELOPER, 404 across teams, and changes nothing", async () => {
    const { webhook } = await acmeWebhook();
    const invalid = await call(webhooksRoute.POST, "POST", "/teams/acme/webhooks", tokens.OWNER, { body: { url: "http://169.254.169.254/", events: ["nope"] }, params: { slug: "acme" } });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    expect(invalid.json.errors.map((e: { pointer: string }) => e.pointer)).toContain("/events/0");
    const ssrf = await call(webhooksRoute.POST, "POST", "/teams/acme/webhooks", tokens.OWNER, { body: { url: "http://169.254.169.254/", events: ["version.published"] }, params: { slug: "acme" } });
    expect(ssrf.json).toMatchObject({ status: 422, errors: [{ pointer: "/url" }] });

    const before = await snapshotDatabase();
    const params = { slug: "acme", id: webhook.id };
    expect((await call(webhooksRoute.POST, "POST", "/", tokens.ADMIN, { body: { url: receiver.url, events: ["version.published"] }, params: { slug: "acme" } })).status).toBe(403);
    expect((await call(webhookRoute.PATCH, "PATCH", "/", tokens.ADMIN, { body: { active: false }, params })).status).toBe(403);
    expect((await call(webhookRoute.DELETE, "DELETE", "/", tokens.ADMIN, { params })).status).toBe(403);
    expect((await call(secretRoute.POST, "POST", "/", tokens.ADMIN, { params })).status).toBe(403);
    expect((await call(webhooksRoute.GET, "GET", "/", tokens.DEVELOPER, { params: { slug: "acme" } })).status).toBe(403);
    expect((await call(deliveriesRoute.GET, "GET", "/", tokens.DEVELOPER, { params })).status).toBe(403);
    expect((await call(webhooksRoute.GET, "GET", "/", tokens.globex, { params: { slug: "acme" } })).status).toBe(404);
    const bola = { slug: "globex", id: webhook.id };
    for (const [handler, method] of [[webhookRoute.GET, "GET"], [webhookRoute.PATCH, "PATCH"], [webhookRoute.DELETE, "DELETE"], [deliveriesRoute.GET, "GET"], [pingRoute.POST, "POST"], [secretRoute.POST, "POST"]] as const) {
      const result = await call(handler, method, "/", tokens.globex, { params: bola, ...(method === "PATCH" ? { body: { active: false } } : {}) });
      expect({ method, status: result.status, type: result.json.type }).toEqual({ method, status: 404, type: "https://portico.dev/problems/not-found" });
    }
    expect(await snapshotDatabase()).toEqual(before);
  });
});

afterAll(async () => {
  await closeEmailQueue();
});
