import { sql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { LifecycleState, LimitUnit } from "@/lib/generated/prisma/enums";
import { hashSecret } from "@/lib/crypto";
import { hasValidChecksum } from "./format";

// lastUsedAt is a hint, not a log: write it at most this often per key.
const LAST_USED_RESOLUTION_MS = 30_000;

export type VerifyDenial =
  | "invalid-key"
  | "unknown-key"
  | "key-revoked"
  | "key-expired"
  | "application-archived"
  | "not-subscribed"
  | "version-not-found"
  | "version-retired";

export interface KeyVerification {
  allowed: boolean;
  reason?: VerifyDenial;
  application?: { id: string; name: string; teamId: string };
  subscription?: {
    id: string;
    plan: { id: string; name: string; limitUnit: LimitUnit; rateLimitPerMinute: number | null; monthlyQuota: bigint | null };
  };
  version?: { version: string; state: LifecycleState; sunsetAt: Date | null; replacement: string | null };
}

interface Row {
  keyId: string;
  lastUsedAt: Date | null;
  revoked: boolean;
  expired: boolean;
  applicationId: string;
  applicationName: string;
  teamId: string;
  archived: boolean;
  subscriptionId: string | null;
  planId: string | null;
  planName: string | null;
  limitUnit: LimitUnit | null;
  rateLimitPerMinute: number | null;
  monthlyQuota: string | null;
  version: string | null;
  state: LifecycleState | null;
  sunsetAt: Date | null;
  replacement: string | null;
}

const MAJOR_SELECTOR = /^v(\d{1,9})$/;

/**
 * "v2": the newest 2.x the gateway may route to. Versions still in service
 * come first, then stable before pre-release, then by minor and patch; a
 * retired one is found only when the whole major is retired, so the caller
 * hears "retired" rather than "not found". Anything else names one version.
 */
function versionSelection(version: string): { where: Prisma.Sql; order: Prisma.Sql } {
  const major = MAJOR_SELECTOR.exec(version);
  if (major) {
    return {
      where: Prisma.sql`v."major" = ${Number(major[1])}`,
      order: Prisma.sql`(v."state" <> 'RETIRED') DESC, (v."prerelease" IS NULL) DESC, v."minor" DESC, v."patch" DESC, v."prerelease" DESC`,
    };
  }
  return { where: Prisma.sql`v."version" = ${version.replace(/^v(?=\d+\.)/, "")}`, order: Prisma.sql`v."id"` };
}

/**
 * May this key call this API version? For the gateway, on every request:
 * the checksum is checked before anything else (a mistyped or invented key
 * costs no query), then one query answers key, application, subscription,
 * plan and version together. Never answers the key or its hash.
 */
export async function verifyKey(request: { key: string; apiSlug: string; version: string }): Promise<KeyVerification> {
  if (!hasValidChecksum(request.key)) return { allowed: false, reason: "invalid-key" };
  const version = versionSelection(request.version);
  const [row] = await sql<Row>(Prisma.sql`
    SELECT k."id" AS "keyId", k."lastUsedAt",
      k."revokedAt" IS NOT NULL AS "revoked",
      (k."expiresAt" IS NOT NULL AND k."expiresAt" <= now() AT TIME ZONE 'UTC') AS "expired",
      a."id" AS "applicationId", a."name" AS "applicationName", a."teamId", a."archivedAt" IS NOT NULL AS "archived",
      s."id" AS "subscriptionId", p."id" AS "planId", p."name" AS "planName", p."limitUnit"::text AS "limitUnit",
      p."rateLimitPerMinute", p."monthlyQuota"::text AS "monthlyQuota",
      v."version", v."state"::text AS "state", v."sunsetAt", r."version" AS "replacement"
    FROM "ApiKey" k
    JOIN "Application" a ON a."id" = k."applicationId"
    LEFT JOIN LATERAL (
      SELECT s."id", s."planId", s."apiId" FROM "Subscription" s JOIN "Api" api ON api."id" = s."apiId"
      WHERE s."applicationId" = a."id" AND s."status" = 'ACTIVE' AND api."slug" = ${request.apiSlug}
      LIMIT 1
    ) s ON TRUE
    LEFT JOIN "Plan" p ON p."id" = s."planId"
    LEFT JOIN LATERAL (
      SELECT v."version", v."state", v."sunsetAt", v."replacementId" FROM "ApiVersion" v
      WHERE v."apiId" = s."apiId" AND v."state" IN ('PUBLISHED', 'DEPRECATED', 'RETIRED') AND ${version.where}
      ORDER BY ${version.order}
      LIMIT 1
    ) v ON TRUE
    LEFT JOIN "ApiVersion" r ON r."id" = v."replacementId"
    WHERE k."keyHash" = ${hashSecret(request.key)}`);

  if (!row) return { allowed: false, reason: "unknown-key" };
  const application = { id: row.applicationId, name: row.applicationName, teamId: row.teamId };
  if (row.revoked) return { allowed: false, reason: "key-revoked", application };
  if (row.expired) return { allowed: false, reason: "key-expired", application };
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) await touch(row.keyId);
  if (row.archived) return { allowed: false, reason: "application-archived", application };
  if (!row.subscriptionId || !row.planId) return { allowed: false, reason: "not-subscribed", application };

  const subscription = {
    id: row.subscriptionId,
    plan: { id: row.planId, name: row.planName!, limitUnit: row.limitUnit!, rateLimitPerMinute: row.rateLimitPerMinute, monthlyQuota: row.monthlyQuota == null ? null : BigInt(row.monthlyQuota) },
  };
  if (!row.version || !row.state) return { allowed: false, reason: "version-not-found", application, subscription };
  const found = { version: row.version, state: row.state, sunsetAt: row.sunsetAt, replacement: row.replacement };
  if (row.state === "RETIRED") return { allowed: false, reason: "version-retired", application, subscription, version: found };
  return { allowed: true, application, subscription, version: found };
}

/** Conditional, so gateways verifying the same key at once write it once. */
async function touch(keyId: string) {
  await sql(Prisma.sql`
    UPDATE "ApiKey" SET "lastUsedAt" = now() AT TIME ZONE 'UTC'
    WHERE "id" = ${keyId} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() AT TIME ZONE 'UTC' - interval '30 seconds')`);
}
