import { apiRoute, idempotent, jsonResponse, readJson, readQuery } from "@/lib/http/route";
import { listSubscriptions } from "@/lib/subscriptions/inbox";
import { requestAccess } from "@/lib/subscriptions/requests";
import { createSubscriptionInput, subscriptionListQuery } from "@/lib/subscriptions/schemas";
import { toSubscriptionResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "required" }, async ({ actor, url }) => {
  const subscriptions = await listSubscriptions(actor, readQuery(url, subscriptionListQuery));
  return jsonResponse({ items: subscriptions.map((s) => toSubscriptionResource(s)), nextCursor: null });
});

/** Requests access: PENDING, or ACTIVE at once when the plan needs no approval. */
export const POST = apiRoute({ auth: "required" }, async (context) => {
  const { api, ...body } = await readJson(context.request, createSubscriptionInput);
  return idempotent(context, { api, ...body }, async () => {
    const subscription = await requestAccess(context.actor, api, body);
    return jsonResponse(toSubscriptionResource(subscription), { status: 201, headers: { location: `/api/v1/subscriptions/${subscription.id}` } });
  });
});
