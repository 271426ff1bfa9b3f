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
  const page = rows.slice(0, input.limit);
  const labels = await targetLabels(page);
  const items = page.map((row) => ({ ...row, targetLabel: labels.get(row.id) ?? null }));
  return { items, nextCursor: rows.length > input.limit ? page[page.length - 1].id : null };
}

function field(value: unknown, key: string): string | undefined {
  if (value && typeof value === "object" && key in value) {
    const found = (value as Record<string, unknown>)[key];
    return typeof found === "string" ? found : undefined;
  }
  return undefined;
}

/** Human names for the targets of a page of events, in one query per target kind. */
async function targetLabels(rows: { id: string; targetType: string; targetId: string | null; before: unknown; after: unknown }[]) {
  const idsOf = (type: string) => [...new Set(rows.filter((r) => r.targetType === type && r.targetId).map((r) => r.targetId as string))];
  const [users, teams] = await Promise.all([
    db.user.findMany({ where: { id: { in: idsOf("user") } }, select: { id: true, email: true } }),
    db.team.findMany({ where: { id: { in: idsOf("team") } }, select: { id: true, name: true } }),
  ]);
  const names = new Map<string, string>([...users.map((u) => [u.id, u.email] as const), ...teams.map((t) => [t.id, t.name] as const)]);
  const labels = new Map<string, string>();
  for (const row of rows) {
    const label = (row.targetId && names.get(row.targetId)) ?? field(row.after, "email") ?? field(row.before, "email") ?? field(row.after, "name");
    if (label) labels.set(row.id, label);
  }
  return labels;
}
