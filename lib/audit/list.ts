import { z } from "zod";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertCan, assertSignedIn, isPlatformAdmin, rolesAtLeast, TEAM_ACTIONS } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { findTeamForActor } from "@/lib/teams/access";

export const auditFilterInput = z.object({
  team: z.string().trim().min(1).optional(),
  action: z.string().trim().min(1).max(100).optional(),
  actor: z.string().trim().min(1).max(254).optional(),
  targetType: z.string().trim().min(1).max(60).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type AuditFilter = z.input<typeof auditFilterInput>;

const auditFields = {
  id: true,
  action: true,
  targetType: true,
  targetId: true,
  before: true,
  after: true,
  requestId: true,
  createdAt: true,
  actorId: true,
  actorEmail: true,
  team: { select: { slug: true, name: true } },
} as const;

/**
 * The audit events the actor may read: all of them for platform admins; for
 * others the teams they administer, plus their own events outside any team.
 */
export async function listAuditEvents(actor: MaybeActor, filter: AuditFilter) {
  assertSignedIn(actor);
  const input = auditFilterInput.parse(filter);
  const and: Prisma.AuditEventWhereInput[] = [];

  if (input.team) {
    const { team, context } = await findTeamForActor(actor, input.team);
    assertCan(actor, "audit.view", context);
    and.push({ teamId: team.id });
  } else if (!isPlatformAdmin(actor)) {
    const administered = await db.membership.findMany({
      where: { userId: actor.userId, role: { in: rolesAtLeast(TEAM_ACTIONS["audit.view"]) } },
      select: { teamId: true },
    });
    and.push({ OR: [{ teamId: { in: administered.map((m) => m.teamId) } }, { teamId: null, actorId: actor.userId }] });
  }
  if (input.action) and.push({ action: { startsWith: input.action } });
  if (input.actor) and.push({ actorEmail: { contains: input.actor.toLowerCase() } });
  if (input.targetType) and.push({ targetType: input.targetType });
  if (input.from) and.push({ createdAt: { gte: input.from } });
  if (input.to) and.push({ createdAt: { lte: input.to } });

  const rows = await db.auditEvent.findMany({
    where: { AND: and },
    select: auditFields,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items[items.length - 1].id : null };
}
