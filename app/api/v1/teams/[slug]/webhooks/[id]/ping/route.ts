import { apiRoute, jsonResponse } from "@/lib/http/route";
import { pingWebhook } from "@/lib/webhooks/webhooks";
import { toWebhookDeliveryResource } from "@/lib/rest/schemas";

export const POST = apiRoute<{ slug: string; id: string }>({ auth: "required" }, async ({ actor, params }) => {
  const delivery = await pingWebhook(actor, params.slug, params.id);
  return jsonResponse(toWebhookDeliveryResource(delivery), { status: 202 });
});
