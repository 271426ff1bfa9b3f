import { z } from "zod";
import { db, sql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { PlatformRole } from "@/lib/generated/prisma/enums";
import { notFound } from "@/lib/errors";
import { generateSecret, hashSecret } from "@/lib/crypto";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/authz/actor";

export const TOKEN_PREFIX = "ptc_pat_";
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 6;
// lastUsedAt is a hint, not a log: write it at most this often per token.
const LAST_USED_RESOLUTION_MS = 30_000;

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token after where it is used.").max(100),
  expiresInDays: z.coerce.number().int().min(1).max(366).nullable().default(90),
});
export type CreateTokenInput = z.input<typeof createTokenInput>;

export const tokenFields = { id: true, name: true, prefix: true, expiresAt: true, lastUsedAt: true, revokedAt: true, createdAt: true } as const;

/** Creates a token; the secret is returned this once and never stored. */
export async function createPersonalAccessToken(actor: Actor, input: CreateTokenInput) {
  const data = createTokenInput.parse(input);
  const secret = generateSecret(TOKEN_PREFIX);
  const expiresAt = data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null;
  const token = await db.$transaction(async (tx) => {
    const created = await tx.personalAccessToken.create({
      data: { userId: actor.userId, name: data.name, prefix: secret.slice(0, DISPLAY_LENGTH), tokenHash: hashSecret(secret), expiresAt },
      select: tokenFields,
    });
    await recordAudit(tx, {
      actor,
      action: "token.created",
      target: { type: "personal_access_token", id: created.id },
      after: { name: created.name, prefix: created.prefix, expiresAt: created.expiresAt },
    });
    return created;
  });
  return { token, secret };
}

export function listPersonalAccessTokens(actor: Actor) {
  return db.personalAccessToken.findMany({
    where: { userId: actor.userId },
    select: tokenFields,
    orderBy: { createdAt: "desc" },
  });
}

export async function revokePersonalAccessToken(actor: Actor, tokenId: string) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.personalAccessToken.updateMany({
      where: { id: tokenId, userId: actor.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw notFound("token");
    await recordAudit(tx, { actor, action: "token.revoked", target: { type: "personal_access_token", id: tokenId } });
  });
}

/**
 * The user a bearer token belongs to, or null for an unknown, expired or
 * revoked one. One raw query: it runs on every API call.
 */
export async function authenticatePersonalAccessToken(secret: string) {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const [token] = await sql<{ id: string; lastUsedAt: Date | null; userId: string; email: string; name: string | null; platformRole: PlatformRole }>(Prisma.sql`
    SELECT t."id", t."lastUsedAt", u."id" AS "userId", u."email", u."name", u."platformRole"
    FROM "PersonalAccessToken" t JOIN "User" u ON u."id" = t."userId"
    WHERE t."tokenHash" = ${hashSecret(secret)} AND t."revokedAt" IS NULL AND (t."expiresAt" IS NULL OR t."expiresAt" > now() AT TIME ZONE 'UTC')`);
  if (!token) return null;
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.personalAccessToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
  }
  return { id: token.userId, email: token.email, name: token.name, platformRole: token.platformRole };
}
