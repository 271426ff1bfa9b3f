import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { updatePlan } from "@/lib/plans/plans";
import { updatePlanInput } from "@/lib/plans/schemas";
import { toPlanResource } from "@/lib/rest/schemas";

export const PATCH = apiRoute<{ slug: string; planId: string }>({ auth: "required" }, async ({ actor, params, request }) =>
  jsonResponse(toPlanResource(await updatePlan(actor, params.slug, params.planId, await readJson(request, updatePlanInput)))),
);
