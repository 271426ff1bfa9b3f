import { db, type Tx } from "@/lib/db";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { assertCanOnVisibleApi, isPlatformAdmin } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { recordAudit } from "@/lib/audit/record";
import { findVisibleApi } from "@/lib/catalog/api-details";
import { plansForViewer } from "./offer";
import { createPlanInput, updatePlanInput, type CreatePlanInput, type UpdatePlanInput } from "./schemas";

export const planFields = {
  id: true,
  apiId: true,
  name: true,
  description: true,
  limitUnit: true,
  rateLimitPerMinute: true,
  monthlyQuota: true,
  requiresApproval: true,
  visibility: true,
  allowedTeamIds: true,
  deprecatedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

async function authorizePlanManagement(actor: MaybeActor, apiSlug: string) {
  const { api, role } = await findVisibleApi(actor, apiSlug);
  assertCanOnVisibleApi(actor, "plan.manage", { teamId: api.teamId, role });
  return { api, actor: actor as Actor };
}

async function teamIdsForSlugs(client: Tx | typeof db, slugs: string[]): Promise<string[]> {
  if (!slugs.length) return [];
  const teams = await client.team.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } });
  const missing = slugs.filter((slug) => !teams.some((t) => t.slug === slug));
  if (missing.length) {
    throw new AppError("validation", `No team with the slug ${missing.join(", ")}.`, { errors: [{ pointer: "/allowedTeams", detail: `Unknown team: ${missing.join(", ")}` }] });
  }
  return teams.map((t) => t.id);
}

const duplicatePlan = () => new AppError("conflict", "This API already has a plan with that name.", { code: "duplicate-plan", errors: [{ pointer: "/name", detail: "Already used on this API" }] });

export async function createPlan(actor: MaybeActor, apiSlug: string, input: CreatePlanInput) {
  const data = createPlanInput.parse(input);
  const { api, actor: caller } = await authorizePlanManagement(actor, apiSlug);
  try {
    return await db.$transaction(async (tx) => {
      const plan = await tx.plan.create({
        data: {
          apiId: api.id,
          name: data.name,
          description: data.description,
          rateLimitPerMinute: data.rateLimitPerMinute,
          monthlyQuota: data.monthlyQuota == null ? null : BigInt(data.monthlyQuota),
          requiresApproval: data.requiresApproval,
          visibility: data.visibility,
          allowedTeamIds: data.visibility === "RESTRICTED" ? await teamIdsForSlugs(tx, data.allowedTeams) : [],
        },
        select: planFields,
      });
      await recordAudit(tx, { actor: caller, teamId: api.teamId, action: "plan.created", target: { type: "plan", id: plan.id }, after: { api: api.slug, ...data } });
      return plan;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicatePlan();
    throw error;
  }
}

export async function updatePlan(actor: MaybeActor, apiSlug: string, planId: string, input: UpdatePlanInput) {
  const data = updatePlanInput.parse(input);
  const { api, actor: caller } = await authorizePlanManagement(actor, apiSlug);
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.plan.findFirst({ where: { id: planId, apiId: api.id }, select: planFields });
      if (!before) throw notFound("plan");
      const visibility = data.visibility ?? before.visibility;
      const plan = await tx.plan.update({
        where: { id: before.id },
        data: {
          name: data.name,
          description: data.description,
          rateLimitPerMinute: data.rateLimitPerMinute,
          monthlyQuota: data.monthlyQuota === undefined ? undefined : data.monthlyQuota == null ? null : BigInt(data.monthlyQuota),
          requiresApproval: data.requiresApproval,
          visibility,
          allowedTeamIds: visibility === "PUBLIC" ? [] : data.allowedTeams ? await teamIdsForSlugs(tx, data.allowedTeams) : undefined,
          deprecatedAt: data.deprecated === undefined ? undefined : data.deprecated ? (before.deprecatedAt ?? new Date()) : null,
        },
        select: planFields,
      });
      const action = data.deprecated === true && !before.deprecatedAt ? "plan.deprecated" : data.deprecated === false && before.deprecatedAt ? "plan.reactivated" : "plan.updated";
      await recordAudit(tx, { actor: caller, teamId: api.teamId, action, target: { type: "plan", id: plan.id }, before, after: plan });
      return plan;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicatePlan();
    throw error;
  }
}

/**
 * The plans of an API the actor may see: its team and platform admins see
 * all (with subscriber counts); others see the plans offered to one of their
 * teams that are not deprecated.
 */
export async function listPlans(actor: MaybeActor, apiSlug: string) {
  const { api, role } = await findVisibleApi(actor, apiSlug);
  const plans = await db.plan.findMany({
    where: { apiId: api.id },
    select: { ...planFields, _count: { select: { subscriptions: { where: { status: "ACTIVE" } } } } },
    orderBy: { createdAt: "asc" },
  });
  const managesApi = role != null || isPlatformAdmin(actor);
  return { api, plans: await plansForViewer(actor, api, plans, managesApi), managesApi };
}

/** Every plan of the API with subscriber counts and the slugs of the teams a restricted plan is offered to (team ADMIN and up). */
export async function listPlansForManagement(actor: MaybeActor, apiSlug: string) {
  const { api } = await authorizePlanManagement(actor, apiSlug);
  const plans = await db.plan.findMany({
    where: { apiId: api.id },
    select: { ...planFields, _count: { select: { subscriptions: { where: { status: "ACTIVE" } } } } },
    orderBy: { createdAt: "asc" },
  });
  const teams = await db.team.findMany({ where: { id: { in: [...new Set(plans.flatMap((p) => p.allowedTeamIds))] } }, select: { id: true, slug: true } });
  return {
    api,
    plans: plans.map((plan) => ({ ...plan, allowedTeams: plan.allowedTeamIds.map((id) => teams.find((t) => t.id === id)?.slug).filter((slug): slug is string => Boolean(slug)) })),
  };
}
