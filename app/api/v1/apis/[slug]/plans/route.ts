import { apiRoute, idempotent, jsonResponse, readJson } from "@/lib/http/route";
import { createPlan, listPlans } from "@/lib/plans/plans";
import { createPlanInput } from "@/lib/plans/schemas";
import { toPlanResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "optional" }, async ({ actor, params }) => {
  const { plans } = await listPlans(actor, params.slug);
  return jsonResponse({ items: plans.map((plan) => toPlanResource(plan)), nextCursor: null });
});

export const POST = apiRoute<{ slug: string }>({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createPlanInput);
  return idempotent(context, body, async () => jsonResponse(toPlanResource(await createPlan(context.actor, context.params.slug, body)), { status: 201 }));
});
