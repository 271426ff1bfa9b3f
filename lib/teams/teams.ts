import { db } from "@/lib/db";
import { conflict, isUniqueViolation } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { assertSignedIn, isPlatformAdmin } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { authorizeTeamAction, findTeamForActor } from "./access";
import { createTeamInput, updateTeamInput, type CreateTeamInput, type UpdateTeamInput } from "./schemas";

/** Any signed-in user may create a team, and becomes its first OWNER. */
export async function createTeam(actor: MaybeActor, input: CreateTeamInput) {
  assertSignedIn(actor);
  const data = createTeamInput.parse(input);
  try {
    return await db.$transaction(async (tx) => {
      const team = await tx.team.create({ data: { name: data.name, slug: data.slug, description: data.description || null } });
      await tx.membership.create({ data: { teamId: team.id, userId: actor.userId, role: "OWNER" } });
      await recordAudit(tx, {
        actor,
        teamId: team.id,
        action: "team.created",
        target: { type: "team", id: team.id },
        after: { name: team.name, slug: team.slug, description: team.description },
      });
      return team;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(`The slug "${data.slug}" is taken; choose another.`, "slug-taken");
    }
    throw error;
  }
}

export async function updateTeam(actor: MaybeActor, slug: string, input: UpdateTeamInput) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "team.update");
  const parsed = updateTeamInput.parse(input);
  const data = { ...parsed, ...(parsed.description !== undefined ? { description: parsed.description || null } : {}) };
  const before = { name: team.name, description: team.description, requireReview: team.requireReview };
  const after = { ...before, ...data };
  if (JSON.stringify(before) === JSON.stringify(after)) return team;
  return db.$transaction(async (tx) => {
    const updated = await tx.team.update({ where: { id: team.id }, data });
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "team.updated", target: { type: "team", id: team.id }, before, after });
    return updated;
  });
}

/** Teams the actor belongs to, with their role; platform admins may ask for all teams. */
export async function listTeams(actor: MaybeActor, options: { all?: boolean; cursor?: string; limit?: number } = {}) {
  assertSignedIn(actor);
  const all = options.all === true && isPlatformAdmin(actor);
  const limit = options.limit ?? 100;
  const teams = await db.team.findMany({
    where: all ? {} : { memberships: { some: { userId: actor.userId } } },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      createdAt: true,
      memberships: { where: { userId: actor.userId }, select: { role: true } },
      _count: { select: { memberships: true, apis: true } },
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
  });
  const page = teams.slice(0, limit).map(({ memberships, _count, ...team }) => ({
    ...team,
    role: memberships[0]?.role ?? null,
    memberCount: _count.memberships,
    apiCount: _count.apis,
  }));
  return { items: page, nextCursor: teams.length > limit ? page[page.length - 1].id : null };
}

/** One team with the actor's role and its counts; 404 for those who may not see it. */
export async function getTeamSummary(actor: MaybeActor, slug: string) {
  const { team, context } = await findTeamForActor(actor, slug);
  const counts = await db.team.findUniqueOrThrow({ where: { id: team.id }, select: { _count: { select: { memberships: true, apis: true } } } });
  return { ...team, role: context.role, memberCount: counts._count.memberships, apiCount: counts._count.apis };
}
