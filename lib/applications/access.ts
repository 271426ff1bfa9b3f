import { db, type Tx } from "@/lib/db";
import { AppError, notFound, unauthenticated } from "@/lib/errors";
import { assertCan, canSeeTeam, type TeamAction, type TeamContext } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";

const applicationFields = {
  id: true,
  teamId: true,
  name: true,
  description: true,
  environment: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  team: { select: { id: true, slug: true, name: true } },
} as const;

/**
 * The application by id as the actor may see it (members of its team and
 * platform admins), with the actor's role in that team; 404 for anyone else,
 * so another team's application ids reveal nothing.
 */
export async function findApplicationForActor(actor: MaybeActor, applicationId: string, client: Pick<Tx, "application"> = db) {
  if (actor == null) throw unauthenticated();
  const application = await client.application.findUnique({
    where: { id: applicationId },
    select: { ...applicationFields, team: { select: { id: true, slug: true, name: true, memberships: { where: { userId: actor.userId }, select: { role: true } } } } },
  });
  if (!application) throw notFound("application");
  const { memberships, ...team } = application.team;
  const context: TeamContext = { teamId: application.teamId, role: memberships[0]?.role ?? null };
  if (!canSeeTeam(actor, context)) throw notFound("application");
  return { application: { ...application, team }, context };
}

/**
 * Loads the application and checks that the actor may do `action` on it (team
 * DEVELOPER and up for app.manage / key.manage / access.request). Changes to an
 * archived application are refused with 409.
 */
export async function authorizeApplicationAction(actor: MaybeActor, applicationId: string, action: TeamAction, client: Pick<Tx, "application"> = db) {
  const found = await findApplicationForActor(actor, applicationId, client);
  assertCan(actor, action, found.context);
  if (found.application.archivedAt) {
    throw new AppError("conflict", "This application is archived: it cannot be changed or used.", { code: "application-archived" });
  }
  return { ...found, actor: actor as Actor };
}
