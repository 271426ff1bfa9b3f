import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { applySubscriptionAction } from "@/lib/subscriptions/decisions";
import { subscriptionActionInput } from "@/lib/subscriptions/schemas";
import { toSubscriptionResource } from "@/lib/rest/schemas";

/** approve / reject (with reason) / revoke (with reason) by the API's team; cancel by the application's team. */
export const POST = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params, request }) =>
  jsonResponse(toSubscriptionResource(await applySubscriptionAction(actor, params.id, await readJson(request, subscriptionActionInput)))),
);
