import { db, sql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { conflict, notFound } from "@/lib/errors";
import { generateSecret, hashSecret } from "@/lib/crypto";
import { recordAudit } from "@/lib/audit/record";
import { assertPlatformAdmin } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { createGatewayCredentialInput, type CreateGatewayCredentialInput } from "./schemas";

export const GATEWAY_CREDENTIAL_PREFIX = "ptc_gw_";
const DISPLAY_LENGTH = GATEWAY_CREDENTIAL_PREFIX.length + 6;
// lastUsedAt is a hint, not a log: write it at most this often per credential.
const LAST_USED_RESOLUTION_MS = 30_000;

// Selected field by field: secretHash must never leave this module.
const credentialFields = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdBy: { select: { id: true, email: true, name: true } },
} as const;

export type GatewayCredentialView = Prisma.GatewayCredentialGetPayload<{ select: typeof credentialFields }>;

/** The gateway a request comes from, once its credential is checked. */
export interface GatewayCaller {
  id: string;
  name: string;
}

/** Creates a credential for a gateway process (platform admins); the secret is returned this once. */
export async function createGatewayCredential(actor: MaybeActor, input: CreateGatewayCredentialInput) {
  assertPlatformAdmin(actor);
  const data = createGatewayCredentialInput.parse(input);
  const secret = generateSecret(GATEWAY_CREDENTIAL_PREFIX);
  const credential = await db.$transaction(async (tx) => {
    const created = await tx.gatewayCredential.create({
      data: { name: data.name, prefix: secret.slice(0, DISPLAY_LENGTH), secretHash: hashSecret(secret), createdById: actor.userId },
      select: credentialFields,
    });
    await recordAudit(tx, {
      actor,
      action: "gateway_credential.created",
      target: { type: "gateway_credential", id: created.id },
      after: { name: created.name, prefix: created.prefix },
    });
    return created;
  });
  return { credential, secret };
}

export async function listGatewayCredentials(actor: MaybeActor): Promise<GatewayCredentialView[]> {
  assertPlatformAdmin(actor);
  return db.gatewayCredential.findMany({ select: credentialFields, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

export async function revokeGatewayCredential(actor: MaybeActor, credentialId: string): Promise<void> {
  assertPlatformAdmin(actor);
  await db.$transaction(async (tx) => {
    const { count } = await tx.gatewayCredential.updateMany({ where: { id: credentialId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) {
      const existing = await tx.gatewayCredential.findUnique({ where: { id: credentialId }, select: { id: true } });
      if (!existing) throw notFound("gateway credential");
      throw conflict("This gateway credential is already revoked.", "gateway-credential-revoked");
    }
    await recordAudit(tx, { actor, action: "gateway_credential.revoked", target: { type: "gateway_credential", id: credentialId } });
  });
}

/**
 * The gateway a bearer secret belongs to, or null for an unknown or revoked
 * one. One raw query: it runs on every call the gateway makes.
 */
export async function authenticateGatewayCredential(secret: string): Promise<GatewayCaller | null> {
  if (!secret.startsWith(GATEWAY_CREDENTIAL_PREFIX)) return null;
  const [credential] = await sql<{ id: string; name: string; lastUsedAt: Date | null }>(Prisma.sql`
    SELECT "id", "name", "lastUsedAt" FROM "GatewayCredential" WHERE "secretHash" = ${hashSecret(secret)} AND "revokedAt" IS NULL`);
  if (!credential) return null;
  if (!credential.lastUsedAt || Date.now() - credential.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await sql(Prisma.sql`
      UPDATE "GatewayCredential" SET "lastUsedAt" = now() AT TIME ZONE 'UTC'
      WHERE "id" = ${credential.id} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() AT TIME ZONE 'UTC' - interval '30 seconds')`);
  }
  return { id: credential.id, name: credential.name };
}
