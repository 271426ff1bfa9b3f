// The permission table of PRODUCT.md, in one place. Pages, server actions and
// REST routes all ask this module; nothing else decides who may do what.
import type { TeamRole, Visibility } from "@/lib/generated/prisma/enums";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError, forbidden, notFound, unauthenticated } from "@/lib/errors";
import type { Actor, MaybeActor } from "./actor";

export const TEAM_ROLES: readonly TeamRole[] = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"];

const RANK: Record<TeamRole, number> = { OWNER: 4, ADMIN: 3, DEVELOPER: 2, VIEWER: 1 };

export function roleAtLeast(role: TeamRole | null | undefined, minimum: TeamRole): boolean {
  return role != null && RANK[role] >= RANK[minimum];
}

export function rolesAtLeast(minimum: TeamRole): TeamRole[] {
  return TEAM_ROLES.filter((role) => RANK[role] >= RANK[minimum]);
}

/** Actions on a team's own resources, and the least team role each needs. */
export const TEAM_ACTIONS = {
  "team.view": "VIEWER",
  "team.update": "OWNER",
  "member.list": "VIEWER",
  "member.invite": "ADMIN",
  "member.changeRole": "OWNER",
  "member.remove": "OWNER",
  "audit.view": "ADMIN",
  "api.create": "DEVELOPER",
  "version.upload": "DEVELOPER",
  "version.publish": "ADMIN",
  "version.deprecate": "ADMIN",
  "version.retire": "ADMIN",
  "plan.manage": "ADMIN",
  "api.settings": "ADMIN",
  "access.review": "ADMIN",
  "access.request": "DEVELOPER",
  "app.manage": "DEVELOPER",
  "key.manage": "DEVELOPER",
  // Webhooks are team settings (PRODUCT.md: OWNER); ADMINs may read deliveries.
  "webhook.manage": "OWNER",
  "webhook.view": "ADMIN",
} as const satisfies Record<string, TeamRole>;

export type TeamAction = keyof typeof TEAM_ACTIONS;

export interface TeamContext {
  teamId: string;
  /** The actor's role in the team, or null when not a member. */
  role: TeamRole | null;
}

export function isPlatformAdmin(actor: MaybeActor): boolean {
  return actor?.platformRole === "ADMIN";
}

/** May the actor know the team exists and read its pages? */
export function canSeeTeam(actor: MaybeActor, team: TeamContext): boolean {
  return isPlatformAdmin(actor) || (actor != null && team.role != null);
}

export function can(actor: MaybeActor, action: TeamAction, team: TeamContext): boolean {
  if (actor == null) return false;
  // Platform admins manage every team (PRODUCT.md: "manage teams and see everything").
  if (isPlatformAdmin(actor)) return true;
  return roleAtLeast(team.role, TEAM_ACTIONS[action]);
}

/**
 * Throws the error a caller should get: 401 signed out, 404 when the actor may
 * not even see the team (so its existence is not confirmed), 403 otherwise.
 */
export function assertCan(actor: MaybeActor, action: TeamAction, team: TeamContext): asserts actor is Actor {
  if (actor == null) throw unauthenticated();
  if (!canSeeTeam(actor, team)) throw notFound("team");
  if (!can(actor, action, team)) {
    throw forbidden(`Your role in this team does not allow this (needs ${TEAM_ACTIONS[action]} or higher).`);
  }
}

/**
 * For actions on an API the actor can already see (the caller loaded it with
 * findVisibleApi): its existence is no secret, so a refusal is 403, never 404.
 */
export function assertCanOnVisibleApi(actor: MaybeActor, action: TeamAction, team: TeamContext): asserts actor is Actor {
  if (actor == null) throw unauthenticated();
  if (!can(actor, action, team)) {
    throw forbidden(`Your role in the API's owner team does not allow this (needs ${TEAM_ACTIONS[action]} or higher).`);
  }
}

/** Only an OWNER may grant or take away OWNER; an ADMIN invites up to ADMIN. */
export function assertMayGrantRole(actor: Actor, team: TeamContext, role: TeamRole): void {
  if (isPlatformAdmin(actor)) return;
  if (role === "OWNER" && team.role !== "OWNER") {
    throw forbidden("Only a team OWNER can make someone an OWNER.");
  }
}

export function assertPlatformAdmin(actor: MaybeActor): asserts actor is Actor {
  if (actor == null) throw unauthenticated();
  if (!isPlatformAdmin(actor)) throw forbidden("Only platform admins can do this.");
}

export function assertSignedIn(actor: MaybeActor): asserts actor is Actor {
  if (actor == null) throw unauthenticated();
}

// ---------------------------------------------------------------------------
// API visibility
// ---------------------------------------------------------------------------

export interface VisibilityContext {
  visibility: Visibility;
  /** Is the actor a member of the API's owner team? */
  actorIsTeamMember: boolean;
  /** Has the API a version outside its team's drafts (published, deprecated or retired)? */
  hasCatalogVersion: boolean;
}

/**
 * PUBLIC: anyone; INTERNAL: signed-in users; PRIVATE: its team and platform
 * admins. An API with only drafts is seen by its team (and admins) alone.
 */
export function canSeeApi(actor: MaybeActor, api: VisibilityContext): boolean {
  if (isPlatformAdmin(actor) || (actor != null && api.actorIsTeamMember)) return true;
  if (!api.hasCatalogVersion) return false;
  switch (api.visibility) {
    case "PUBLIC":
      return true;
    case "INTERNAL":
      return actor != null;
    case "PRIVATE":
      return false;
  }
}

/**
 * canSeeApi as a Prisma where-clause. It fails closed: with no actor it admits
 * published PUBLIC APIs only, and never leaves a filter undefined.
 */
export function visibleApisWhere(actor: MaybeActor, memberTeamIds: readonly string[]) {
  if (isPlatformAdmin(actor)) return {};
  const published = { catalogVersionId: { not: null } };
  if (actor == null) return { visibility: "PUBLIC" as const, ...published };
  return {
    OR: [
      { visibility: { in: ["PUBLIC" as const, "INTERNAL" as const] }, ...published },
      { teamId: { in: [...memberTeamIds] } },
    ],
  };
}

/**
 * canSeeApi as SQL over `"Api"` aliased `a`, for the catalog's search
 * queries. Team membership is looked up inside the query (no extra round trip).
 */
export function visibleApisSql(actor: MaybeActor): Prisma.Sql {
  if (isPlatformAdmin(actor)) return Prisma.sql`TRUE`;
  if (actor == null) return Prisma.sql`(a."visibility" = 'PUBLIC' AND a."catalogVersionId" IS NOT NULL)`;
  return Prisma.sql`((a."visibility" IN ('PUBLIC', 'INTERNAL') AND a."catalogVersionId" IS NOT NULL)
    OR a."teamId" IN (SELECT m."teamId" FROM "Membership" m WHERE m."userId" = ${actor.userId}))`;
}

export { AppError };
