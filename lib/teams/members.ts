import type { TeamRole } from "@/lib/generated/prisma/enums";
import { db, type Tx } from "@/lib/db";
import { AppError, conflict, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { assertMayGrantRole } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { authorizeTeamAction, findTeamForActor } from "./access";
import { changeRoleInput } from "./schemas";

export async function listMembers(actor: MaybeActor, slug: string) {
  const { team } = await authorizeTeamAction(actor, slug, "member.list");
  const members = await db.membership.findMany({
    where: { teamId: team.id },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return members.map((member) => ({ userId: member.user.id, email: member.user.email, name: member.user.name, role: member.role, joinedAt: member.createdAt }));
}

/**
 * Locks the team's OWNER rows, so two concurrent demotions or departures of
 * the last two owners cannot both pass the "someone stays OWNER" check.
 */
async function lockOwners(tx: Tx, teamId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ userId: string }[]>`
    SELECT "userId" FROM "Membership" WHERE "teamId" = ${teamId} AND "role" = 'OWNER' FOR UPDATE`;
  return rows.map((row) => row.userId);
}

function lastOwner(message: string) {
  return new AppError("conflict", message, { code: "last-owner" });
}

async function membershipOf(tx: Tx, teamId: string, userId: string) {
  const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } }, select: { id: true, role: true } });
  if (!membership) throw notFound("member");
  return membership;
}

export async function changeMemberRole(actor: MaybeActor, slug: string, userId: string, input: { role: TeamRole }) {
  const { team, context, actor: allowed } = await authorizeTeamAction(actor, slug, "member.changeRole");
  const { role } = changeRoleInput.parse(input);
  assertMayGrantRole(allowed, context, role);
  return db.$transaction(async (tx) => {
    const owners = await lockOwners(tx, team.id);
    const membership = await membershipOf(tx, team.id, userId);
    if (membership.role === role) return { userId, role };
    if (membership.role === "OWNER" && owners.length === 1) {
      throw lastOwner("This is the team's last OWNER. Make someone else OWNER first.");
    }
    await tx.membership.update({ where: { id: membership.id }, data: { role } });
    await recordAudit(tx, {
      actor: allowed,
      teamId: team.id,
      action: "member.role_changed",
      target: { type: "user", id: userId },
      before: { role: membership.role },
      after: { role },
    });
    return { userId, role };
  });
}

async function removeMembership(tx: Tx, actor: Actor, teamId: string, userId: string, action: "member.removed" | "member.left") {
  const owners = await lockOwners(tx, teamId);
  const membership = await membershipOf(tx, teamId, userId);
  if (membership.role === "OWNER" && owners.length === 1) {
    throw lastOwner(
      action === "member.left"
        ? "You are the team's last OWNER. Make someone else OWNER before you leave."
        : "This is the team's last OWNER and cannot be removed.",
    );
  }
  await tx.membership.delete({ where: { id: membership.id } });
  await recordAudit(tx, { actor, teamId, action, target: { type: "user", id: userId }, before: { role: membership.role } });
}

export async function removeMember(actor: MaybeActor, slug: string, userId: string) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "member.remove");
  await db.$transaction((tx) => removeMembership(tx, allowed, team.id, userId, "member.removed"));
}

export async function leaveTeam(actor: MaybeActor, slug: string) {
  const { team, context } = await findTeamForActor(actor, slug);
  if (context.role == null) throw conflict("You are not a member of this team.", "not-a-member");
  const member = actor as Actor;
  await db.$transaction((tx) => removeMembership(tx, member, team.id, member.userId, "member.left"));
}
