import { apiRoute, jsonResponse } from "@/lib/http/route";
import { redeliver } from "@/lib/webhooks/webhooks";
import { toWebhookDeliveryResource } from "@/lib/rest/schemas";

export const POST = apiRoute<{ slug: string; id: string; deliveryId: string }>({ auth: "required" }, async ({ actor, params }) => {
  const delivery = await redeliver(actor, params.slug, params.id, params.deliveryId);
  return jsonResponse(toWebhookDeliveryResource(delivery), { status: 202 });
});
