import { db, type Tx } from "@/lib/db";
import { notFound, unauthenticated } from "@/lib/errors";
import { assertCan, canSeeTeam, type TeamAction, type TeamContext } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";

const teamFields = { id: true, slug: true, name: true, description: true, requireReview: true, createdAt: true, updatedAt: true } as const;

/** The team by slug with the actor's role in it; 404 when the actor may not see it. */
export async function findTeamForActor(actor: MaybeActor, slug: string, client: Pick<Tx, "team"> = db) {
  if (actor == null) throw unauthenticated();
  const team = await client.team.findUnique({
    where: { slug },
    select: { ...teamFields, memberships: { where: { userId: actor.userId }, select: { role: true } } },
  });
  if (!team) throw notFound("team");
  const { memberships, ...rest } = team;
  const context: TeamContext = { teamId: team.id, role: memberships[0]?.role ?? null };
  if (!canSeeTeam(actor, context)) throw notFound("team");
  return { team: rest, context };
}

/** Loads the team and checks the action in one step: the usual start of a team operation. */
export async function authorizeTeamAction(actor: MaybeActor, slug: string, action: TeamAction) {
  const found = await findTeamForActor(actor, slug);
  assertCan(actor, action, found.context);
  return { ...found, actor: actor as Actor };
}
