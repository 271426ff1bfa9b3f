import { db } from "@/lib/db";
import type { MaybeActor } from "@/lib/authz/actor";

export interface PlanOffer {
  visibility: "PUBLIC" | "RESTRICTED";
  allowedTeamIds: string[];
  deprecatedAt: Date | null;
}

/** Is the plan offered to this consumer team? (The API's own team is offered every plan.) */
export function planOfferedTo(plan: PlanOffer, teamId: string, apiTeamId: string): boolean {
  return plan.visibility === "PUBLIC" || teamId === apiTeamId || plan.allowedTeamIds.includes(teamId);
}

/**
 * The plans a viewer of the API is shown: everything for the API's team and
 * platform admins; for others the live plans offered to one of their teams,
 * without the list of teams a restricted plan is offered to.
 */
export async function plansForViewer<Plan extends PlanOffer>(actor: MaybeActor, api: { teamId: string }, plans: Plan[], managesApi: boolean): Promise<Plan[]> {
  if (managesApi) return plans;
  const teamIds = actor ? (await db.membership.findMany({ where: { userId: actor.userId }, select: { teamId: true } })).map((m) => m.teamId) : [];
  return plans
    .filter((plan) => !plan.deprecatedAt && (plan.visibility === "PUBLIC" || teamIds.some((teamId) => planOfferedTo(plan, teamId, api.teamId))))
    .map((plan) => ({ ...plan, allowedTeamIds: [] }));
}
