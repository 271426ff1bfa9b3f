// Delivering the outbox: each WebhookDelivery row is POSTed, signed, to its
// webhook's URL; its status, attempts and timings are recorded on the row,
// which is also what the team sees. A failed attempt is retried on a fixed
// exponential schedule, then given up.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { db } from "@/lib/db";
import { decryptSecret } from "@/lib/crypto";
import { Prisma } from "@/lib/generated/prisma/client";
import { signatureHeader } from "./signature";
import { guardedLookup, refusedAddress } from "./url-policy";

export const DELIVERY_STATUSES = ["PENDING", "RETRYING", "DELIVERED", "FAILED"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Seconds to wait after failed attempt 1, 2, 3…: 10 s, 1 min, 5 min, 30 min, 2 h. */
export const RETRY_DELAYS_SECONDS = [10, 60, 300, 1800, 7200] as const;
/** The first attempt plus one per retry delay; after the last one fails, the delivery is FAILED. */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
export const REQUEST_TIMEOUT_MS = 10_000;
const ERROR_EXCERPT_CHARS = 500;
const RESPONSE_READ_BYTES = 2048;
// A claimed row is hidden from other workers this long; if its worker dies mid-attempt, it is tried again after it.
const CLAIM_LEASE_MS = 60_000;

export const USER_AGENT = "Portico-Webhooks";

interface HttpResult {
  statusCode: number;
  statusMessage: string;
  excerpt: string;
  location: string | null;
}

/**
 * One POST, without following redirects, within `timeoutMs` from start to
 * the response's first bytes. A 2xx body is not read at all; of any other
 * response only the start is kept, for the error message.
 */
function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) {
      const refusal = refusedAddress(host);
      if (refusal) return reject(new Error(`${refusal}: refused`));
    }
    const transport = url.protocol === "https:" ? https : http;
    const request = transport.request(url, {
      method: "POST",
      headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
      // A fresh connection per attempt: a pooled socket would skip the address check.
      agent: false,
      lookup: guardedLookup as unknown as http.RequestOptions["lookup"],
    });
    const timer = setTimeout(() => request.destroy(new Error(`No answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on("response", (response) => {
      const statusCode = response.statusCode ?? 0;
      const result = { statusCode, statusMessage: response.statusMessage ?? "", location: response.headers.location ?? null };
      if (statusCode >= 200 && statusCode < 300) {
        clearTimeout(timer);
        response.destroy();
        return resolve({ ...result, excerpt: "" });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        clearTimeout(timer);
        response.destroy();
        resolve({ ...result, excerpt: Buffer.concat(chunks).toString("utf8").slice(0, ERROR_EXCERPT_CHARS) });
      };
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_READ_BYTES) finish();
      });
      response.on("end", finish);
      response.on("error", finish);
    });
    request.end(body);
  });
}

export interface AttemptOutcome {
  deliveryId: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  error: string | null;
}

const OPEN_STATUSES = ["PENDING", "RETRYING"];

/**
 * Makes one attempt at a PENDING or RETRYING delivery and records it. Answers
 * null when there is nothing to do (delivered, failed, gone) or another
 * worker recorded an attempt meanwhile.
 */
export async function deliverWebhook(deliveryId: string, options: { timeoutMs?: number } = {}): Promise<AttemptOutcome | null> {
  const delivery = await db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: { id: true, event: true, payload: true, attempts: true, status: true, webhook: { select: { url: true, secret: true } } },
  });
  if (!delivery || !OPEN_STATUSES.includes(delivery.status)) return null;

  const body = JSON.stringify(delivery.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  let responseCode: number | null = null;
  let error: string | null = null;
  try {
    let secret: string;
    try {
      secret = decryptSecret(delivery.webhook.secret);
    } catch {
      throw new Error("The signing secret cannot be decrypted (was PORTICO_SECRET_KEY or NEXTAUTH_SECRET changed?): roll the secret.");
    }
    const result = await post(
      new URL(delivery.webhook.url),
      body,
      {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Portico-Event": delivery.event,
        "Portico-Delivery": delivery.id,
        "Portico-Timestamp": String(timestamp),
        "Portico-Signature": signatureHeader(secret, timestamp, body),
      },
      options.timeoutMs ?? REQUEST_TIMEOUT_MS,
    );
    responseCode = result.statusCode;
    if (responseCode < 200 || responseCode >= 300) {
      const redirect = responseCode >= 300 && responseCode < 400 ? ` (redirects are not followed${result.location ? `; Location: ${result.location}` : ""})` : "";
      error = `HTTP ${responseCode}${result.statusMessage ? ` ${result.statusMessage}` : ""}${redirect}${result.excerpt ? `: ${result.excerpt}` : ""}`;
    }
  } catch (caught) {
    error = (caught as Error).message || String(caught);
  }
  const durationMs = Math.round(performance.now() - started);
  const finishedAt = new Date();
  const attempts = delivery.attempts + 1;
  const status: DeliveryStatus = error === null ? "DELIVERED" : attempts >= MAX_ATTEMPTS ? "FAILED" : "RETRYING";
  const { count } = await db.webhookDelivery.updateMany({
    where: { id: delivery.id, attempts: delivery.attempts, status: { in: OPEN_STATUSES } },
    data: {
      status,
      attempts,
      responseCode,
      durationMs,
      lastAttemptAt: finishedAt,
      lastError: error ? error.slice(0, ERROR_EXCERPT_CHARS + 200) : null,
      nextAttemptAt: status === "RETRYING" ? new Date(finishedAt.getTime() + RETRY_DELAYS_SECONDS[attempts - 1] * 1000) : null,
      deliveredAt: status === "DELIVERED" ? finishedAt : null,
    },
  });
  return count === 0 ? null : { deliveryId: delivery.id, status, attempts, responseCode, error };
}

/**
 * Claims up to `limit` due deliveries of active webhooks. SKIP LOCKED lets
 * several workers claim side by side without waiting on each other, and the
 * lease (pushing nextAttemptAt ahead) keeps a claimed row from being claimed
 * again while its attempt runs.
 */
export async function claimDueDeliveries(limit: number, now = new Date()): Promise<string[]> {
  const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS);
  const rows = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    UPDATE "WebhookDelivery" SET "nextAttemptAt" = ${leaseUntil}
    WHERE "id" IN (
      SELECT d."id" FROM "WebhookDelivery" d JOIN "Webhook" w ON w."id" = d."webhookId"
      WHERE d."status" IN ('PENDING', 'RETRYING') AND COALESCE(d."nextAttemptAt", d."createdAt") <= ${now} AND w."active"
      ORDER BY d."nextAttemptAt"
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    RETURNING "id"`);
  return rows.map((row) => row.id);
}

/**
 * Attempts every delivery that is due, `concurrency` at a time, until none
 * is left. Deliveries of paused webhooks wait until the webhook is resumed.
 * Answers the outcomes of the attempts made.
 */
export async function deliverDueWebhooks(options: { now?: Date; concurrency?: number; timeoutMs?: number; maxRounds?: number } = {}): Promise<AttemptOutcome[]> {
  const concurrency = options.concurrency ?? 8;
  const outcomes: AttemptOutcome[] = [];
  for (let round = 0; round < (options.maxRounds ?? 50); round++) {
    const ids = await claimDueDeliveries(concurrency, options.now ?? new Date());
    const results = await Promise.all(ids.map((id) => deliverWebhook(id, { timeoutMs: options.timeoutMs })));
    outcomes.push(...results.filter((result): result is AttemptOutcome => result !== null));
    if (ids.length < concurrency) break;
  }
  return outcomes;
}

/** Finished deliveries are kept this long for the team to look at, then deleted. */
export const DELIVERY_RETENTION_DAYS = 30;

/** Deletes delivered and failed deliveries older than the retention period. Answers how many. */
export async function pruneOldDeliveries(now = new Date()): Promise<number> {
  const { count } = await db.webhookDelivery.deleteMany({
    where: { status: { in: ["DELIVERED", "FAILED"] }, createdAt: { lt: new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000) } },
  });
  return count;
}
