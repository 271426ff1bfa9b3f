import { db, type Tx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { conflict, notFound } from "@/lib/errors";
import { hashSecret } from "@/lib/crypto";
import { recordAudit } from "@/lib/audit/record";
import { authorizeApplicationAction, findApplicationForActor } from "@/lib/applications/access";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { displayPrefix, generateKey } from "./format";
import { createKeyInput, rotateKeyInput, type CreateKeyInput, type RotateKeyInput } from "./schemas";

/** ACTIVE: works. EXPIRING: replaced by rotation, works until expiresAt. EXPIRED and REVOKED: refused. */
export type KeyStatus = "ACTIVE" | "EXPIRING" | "EXPIRED" | "REVOKED";

const keyFields = {
  id: true,
  applicationId: true,
  name: true,
  prefix: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  rotatedToId: true,
  createdBy: { select: { id: true, email: true, name: true } },
} as const;

type KeyRow = Prisma.ApiKeyGetPayload<{ select: typeof keyFields }>;
export type ApiKeyView = KeyRow & { status: KeyStatus };

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null; rotatedToId: string | null }, now = new Date()): KeyStatus {
  if (key.revokedAt) return "REVOKED";
  if (key.expiresAt && key.expiresAt <= now) return "EXPIRED";
  return key.rotatedToId ? "EXPIRING" : "ACTIVE";
}

const withStatus = (key: KeyRow): ApiKeyView => ({ ...key, status: keyStatus(key) });

/** Neither revoked, nor replaced, nor expired at `now`: the keys a rotation or revocation may still act on. */
const unrotatedLiveKey = (now: Date) => ({ revokedAt: null, rotatedToId: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

/** The 409 that says why a key can no longer be rotated or revoked. */
function stateConflict(key: { revokedAt: Date | null; expiresAt: Date | null; rotatedToId: string | null }) {
  switch (keyStatus(key)) {
    case "REVOKED":
      return conflict("This key is already revoked.", "key-revoked");
    case "EXPIRED":
      return conflict(key.rotatedToId ? "This key was rotated and its grace period is over." : "This key has expired. Create a new one instead.", "key-expired");
    case "EXPIRING":
      return conflict("This key has already been rotated. Rotate its replacement instead.", "key-rotated");
    case "ACTIVE":
      return conflict("This key changed while you were acting on it. Reload and try again.", "key-changed");
  }
}

/**
 * Takes the application row in share mode: key creations run side by side,
 * but never interleave with an archive, which takes it exclusively in
 * revokeApplicationKeys. So an archive cannot miss a key created at the same time.
 */
async function holdApplication(tx: Tx, applicationId: string) {
  await tx.$executeRaw`SELECT 1 FROM "Application" WHERE "id" = ${applicationId} FOR SHARE`;
}

export async function hasActiveSubscription(applicationId: string, client: Pick<Tx, "subscription"> = db): Promise<boolean> {
  return (await client.subscription.count({ where: { applicationId, status: "ACTIVE" } })) > 0;
}

function newKeyData(secret: string) {
  return { prefix: displayPrefix(secret), keyHash: hashSecret(secret) };
}

/**
 * Issues a key for an application that has at least one approved (ACTIVE)
 * subscription. The secret is returned this once and never stored.
 */
export async function createKey(actor: MaybeActor, applicationId: string, input: CreateKeyInput) {
  const data = createKeyInput.parse(input);
  const secret = generateKey();
  const expiresAt = data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null;
  const key = await db.$transaction(async (tx) => {
    await holdApplication(tx, applicationId);
    const { application, actor: creator } = await authorizeApplicationAction(actor, applicationId, "key.manage", tx);
    if (!(await hasActiveSubscription(application.id, tx))) {
      throw conflict("Keys are issued to applications with an approved subscription. Request access to an API first; you can create keys once it is approved.", "no-active-subscription");
    }
    const created = await tx.apiKey.create({
      data: { applicationId: application.id, name: data.name, createdById: creator.userId, expiresAt, ...newKeyData(secret) },
      select: keyFields,
    });
    await recordAudit(tx, {
      actor: creator,
      teamId: application.teamId,
      action: "key.created",
      target: { type: "api_key", id: created.id },
      after: { applicationId: application.id, name: created.name, prefix: created.prefix, expiresAt: created.expiresAt },
    });
    return created;
  });
  return { key: withStatus(key), secret };
}

/** An application's keys, newest first, for any member of its team (never the hash or the secret). */
export async function listKeys(actor: MaybeActor, applicationId: string, options: { cursor?: string; limit?: number } = {}) {
  const { application } = await findApplicationForActor(actor, applicationId);
  const limit = options.limit ?? 100;
  const rows = await db.apiKey.findMany({
    where: { applicationId: application.id },
    select: keyFields,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, limit).map(withStatus);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

export async function getKey(actor: MaybeActor, applicationId: string, keyId: string): Promise<ApiKeyView> {
  const { application } = await findApplicationForActor(actor, applicationId);
  const key = await db.apiKey.findFirst({ where: { id: keyId, applicationId: application.id }, select: keyFields });
  if (!key) throw notFound("key");
  return withStatus(key);
}

/**
 * Replaces a key with a new one of the same name and lifetime. The old key
 * keeps working for `graceSeconds` (never longer than it would have anyway),
 * so callers can switch over without an outage.
 */
export async function rotateKey(actor: MaybeActor, applicationId: string, keyId: string, input: RotateKeyInput = {}) {
  const { graceSeconds } = rotateKeyInput.parse(input);
  const secret = generateKey();
  return db.$transaction(async (tx) => {
    await holdApplication(tx, applicationId);
    const { application, actor: rotator } = await authorizeApplicationAction(actor, applicationId, "key.manage", tx);
    const old = await tx.apiKey.findFirst({ where: { id: keyId, applicationId: application.id }, select: keyFields });
    if (!old) throw notFound("key");
    if (keyStatus(old) !== "ACTIVE") throw stateConflict(old);

    const now = new Date();
    const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
    const oldExpiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
    const replacement = await tx.apiKey.create({
      data: { applicationId: application.id, name: old.name, createdById: rotator.userId, expiresAt: lifetime ? new Date(now.getTime() + lifetime) : null, ...newKeyData(secret) },
      select: keyFields,
    });
    // Conditional: of two rotations (or a rotation and a revocation) at once, exactly one changes the row.
    const { count } = await tx.apiKey.updateMany({
      where: { id: old.id, applicationId: application.id, ...unrotatedLiveKey(now) },
      data: { rotatedToId: replacement.id, expiresAt: oldExpiresAt },
    });
    if (count === 0) {
      const current = await tx.apiKey.findUniqueOrThrow({ where: { id: old.id }, select: keyFields });
      throw stateConflict(current);
    }

    await recordAudit(tx, {
      actor: rotator,
      teamId: application.teamId,
      action: "key.created",
      target: { type: "api_key", id: replacement.id },
      after: { applicationId: application.id, name: replacement.name, prefix: replacement.prefix, expiresAt: replacement.expiresAt, rotatedFromId: old.id },
    });
    await recordAudit(tx, {
      actor: rotator,
      teamId: application.teamId,
      action: "key.rotated",
      target: { type: "api_key", id: old.id },
      before: { expiresAt: old.expiresAt },
      after: { expiresAt: oldExpiresAt, graceSeconds, rotatedToId: replacement.id, replacementPrefix: replacement.prefix },
    });
    const previous = withStatus({ ...old, rotatedToId: replacement.id, expiresAt: oldExpiresAt });
    return { key: withStatus(replacement), previous, secret };
  });
}

/** Revokes a key now; a key in its rotation grace period may be cut short this way too. */
export async function revokeKey(actor: MaybeActor, applicationId: string, keyId: string): Promise<ApiKeyView> {
  return db.$transaction(async (tx) => {
    const { application, actor: revoker } = await authorizeApplicationAction(actor, applicationId, "key.manage", tx);
    const before = await tx.apiKey.findFirst({ where: { id: keyId, applicationId: application.id }, select: keyFields });
    if (!before) throw notFound("key");
    // Conditional: of many revocations at once, exactly one changes the row; the others are told it is done.
    const { count } = await tx.apiKey.updateMany({ where: { id: keyId, applicationId: application.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw conflict("This key is already revoked.", "key-revoked");
    const revoked = await tx.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: keyFields });
    await recordAudit(tx, {
      actor: revoker,
      teamId: application.teamId,
      action: "key.revoked",
      target: { type: "api_key", id: keyId },
      before: { status: keyStatus(before), expiresAt: before.expiresAt },
      after: { name: revoked.name, prefix: revoked.prefix, revokedAt: revoked.revokedAt },
    });
    return withStatus(revoked);
  });
}

/**
 * Revokes every key of an application that still works, inside the caller's
 * transaction (archiving an application), with one audit event per key.
 * The caller has already checked that the actor may change the application.
 * Answers how many keys were revoked.
 */
export async function revokeApplicationKeys(tx: Tx, applicationId: string, actor: Actor): Promise<number> {
  const [application] = await tx.$queryRaw<{ teamId: string }[]>`SELECT "teamId" FROM "Application" WHERE "id" = ${applicationId} FOR NO KEY UPDATE`;
  if (!application) throw notFound("application");
  const revoked = await tx.$queryRaw<{ id: string; name: string; prefix: string; revokedAt: Date }[]>`
    UPDATE "ApiKey" SET "revokedAt" = now() AT TIME ZONE 'UTC'
    WHERE "applicationId" = ${applicationId} AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > now() AT TIME ZONE 'UTC')
    RETURNING "id", "name", "prefix", "revokedAt"`;
  for (const key of revoked) {
    await recordAudit(tx, {
      actor,
      teamId: application.teamId,
      action: "key.revoked",
      target: { type: "api_key", id: key.id },
      after: { name: key.name, prefix: key.prefix, revokedAt: key.revokedAt, reason: "application-archived" },
    });
  }
  return revoked.length;
}
