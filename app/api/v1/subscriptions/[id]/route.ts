import { apiRoute, jsonResponse } from "@/lib/http/route";
import { getSubscription } from "@/lib/subscriptions/decisions";
import { toSubscriptionResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params }) => {
  const { subscription, events } = await getSubscription(actor, params.id);
  return jsonResponse(toSubscriptionResource(subscription, events));
});
