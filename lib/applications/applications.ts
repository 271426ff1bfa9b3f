import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { authorizeTeamAction, findTeamForActor } from "@/lib/teams/access";
import { isPlatformAdmin, roleAtLeast, TEAM_ACTIONS } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { assertSignedIn } from "@/lib/authz/permissions";
import { revokeApplicationKeys } from "@/lib/keys/keys";
import { closeApplicationSubscriptions } from "@/lib/subscriptions/decisions";
import { authorizeApplicationAction, findApplicationForActor } from "./access";
import { createApplicationInput, updateApplicationInput, type CreateApplicationInput, type UpdateApplicationInput } from "./schemas";

const duplicateName = () =>
  new AppError("conflict", "This team already has an application with that name.", { code: "duplicate-application", errors: [{ pointer: "/name", detail: "Already used in this team" }] });

export async function createApplication(actor: MaybeActor, input: CreateApplicationInput) {
  const data = createApplicationInput.parse(input);
  const { team, actor: caller } = await authorizeTeamAction(actor, data.team, "app.manage");
  try {
    return await db.$transaction(async (tx) => {
      const application = await tx.application.create({
        data: { teamId: team.id, name: data.name, description: data.description, environment: data.environment },
      });
      await recordAudit(tx, {
        actor: caller,
        teamId: team.id,
        action: "application.created",
        target: { type: "application", id: application.id },
        after: { name: application.name, environment: application.environment },
      });
      return { ...application, team: { id: team.id, slug: team.slug, name: team.name } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName();
    throw error;
  }
}

export async function updateApplication(actor: MaybeActor, applicationId: string, input: UpdateApplicationInput) {
  const data = updateApplicationInput.parse(input);
  const { application, actor: caller } = await authorizeApplicationAction(actor, applicationId, "app.manage");
  try {
    return await db.$transaction(async (tx) => {
      const updated = await tx.application.update({ where: { id: application.id }, data });
      await recordAudit(tx, {
        actor: caller,
        teamId: application.teamId,
        action: "application.updated",
        target: { type: "application", id: application.id },
        before: { name: application.name, description: application.description, environment: application.environment },
        after: data,
      });
      return { ...updated, team: application.team };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName();
    throw error;
  }
}

/**
 * Archiving ends the application's use: its keys are revoked and its pending
 * and active subscriptions cancelled, in one transaction. It cannot be undone.
 */
export async function archiveApplication(actor: MaybeActor, applicationId: string) {
  const { application, actor: caller } = await authorizeApplicationAction(actor, applicationId, "app.manage");
  return db.$transaction(async (tx) => {
    const { count } = await tx.application.updateMany({ where: { id: application.id, archivedAt: null }, data: { archivedAt: new Date() } });
    if (count === 0) throw new AppError("conflict", "This application is already archived.", { code: "application-archived" });
    const revokedKeys = await revokeApplicationKeys(tx, application.id, caller);
    const closedSubscriptions = await closeApplicationSubscriptions(tx, application.id, caller);
    await recordAudit(tx, {
      actor: caller,
      teamId: application.teamId,
      action: "application.archived",
      target: { type: "application", id: application.id },
      after: { name: application.name, revokedKeys, closedSubscriptions },
    });
    return { revokedKeys, closedSubscriptions };
  });
}

const listFields = {
  id: true,
  name: true,
  description: true,
  environment: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  teamId: true,
  team: { select: { id: true, slug: true, name: true } },
  _count: { select: { subscriptions: { where: { status: "ACTIVE" as const } }, apiKeys: { where: { revokedAt: null } } } },
} as const;

/** Applications of the actor's teams (or of one team the actor may see). */
export async function listApplications(actor: MaybeActor, options: { team?: string; archived?: boolean } = {}) {
  assertSignedIn(actor);
  const teamFilter = options.team
    ? { teamId: (await findTeamForActor(actor, options.team)).team.id }
    : { team: { memberships: { some: { userId: actor.userId } } } };
  return db.application.findMany({
    where: { ...teamFilter, ...(options.archived ? {} : { archivedAt: null }) },
    select: listFields,
    orderBy: [{ team: { name: "asc" } }, { name: "asc" }],
  });
}

/** The teams in which the actor may create applications and request access. */
export async function teamsWhereActorMayRequestAccess(actor: Actor) {
  const memberships = await db.membership.findMany({
    where: { userId: actor.userId },
    select: { role: true, team: { select: { id: true, slug: true, name: true } } },
    orderBy: { team: { name: "asc" } },
  });
  return memberships.filter((m) => isPlatformAdmin(actor) || roleAtLeast(m.role, TEAM_ACTIONS["access.request"])).map((m) => m.team);
}

/** One application with its subscriptions, as its team (or a platform admin) sees it. */
export async function getApplication(actor: MaybeActor, applicationId: string) {
  const { application, context } = await findApplicationForActor(actor, applicationId);
  const subscriptions = await db.subscription.findMany({
    where: { applicationId: application.id },
    select: {
      id: true,
      status: true,
      requestNote: true,
      decisionNote: true,
      decidedAt: true,
      createdAt: true,
      api: { select: { id: true, slug: true, name: true, team: { select: { slug: true, name: true } } } },
      plan: { select: { id: true, name: true, rateLimitPerMinute: true, monthlyQuota: true, limitUnit: true } },
      requester: { select: { email: true, name: true } },
      reviewer: { select: { email: true, name: true } },
    },
    orderBy: { createdAt: "desc" },
  });
  return { application, role: context.role, subscriptions };
}
