import { z } from "zod";
import { db } from "@/lib/db";
import { conflict, notFound } from "@/lib/errors";
import { FIRST_USER_LOCK } from "./first-admin";
import { recordAudit } from "@/lib/audit/record";
import { assertPlatformAdmin } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";

export async function listUsers(actor: MaybeActor, options: { cursor?: string; limit?: number } = {}) {
  assertPlatformAdmin(actor);
  const limit = options.limit ?? 100;
  const rows = await db.user.findMany({
    select: { id: true, email: true, name: true, platformRole: true, createdAt: true, _count: { select: { memberships: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, limit).map(({ _count, ...user }) => ({ ...user, teamCount: _count.memberships }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

export const platformRoleSchema = z.enum(["ADMIN", "MEMBER"]);

export async function setPlatformRole(actor: MaybeActor, userId: string, role: z.input<typeof platformRoleSchema>) {
  assertPlatformAdmin(actor);
  const platformRole = platformRoleSchema.parse(role);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, platformRole: true } });
    if (!user) throw notFound("user");
    if (user.platformRole === platformRole) return user;
    if (platformRole === "MEMBER") {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
      const admins = await tx.user.count({ where: { platformRole: "ADMIN" } });
      if (admins <= 1) throw conflict("This is the last platform admin. Make someone else admin first.", "last-platform-admin");
    }
    const updated = await tx.user.update({ where: { id: userId }, data: { platformRole }, select: { id: true, platformRole: true } });
    await recordAudit(tx, { actor, action: "user.platform_role_changed", target: { type: "user", id: userId }, before: { platformRole: user.platformRole }, after: { platformRole } });
    return updated;
  });
}
