import { apiRoute, jsonResponse, readQuery } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/webhooks";
import { deliveryListQuery } from "@/lib/webhooks/schemas";
import { toWebhookDeliveryResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string; id: string }>({ auth: "required" }, async ({ actor, params, url }) => {
  const page = await listDeliveries(actor, params.slug, params.id, readQuery(url, deliveryListQuery));
  return jsonResponse({ items: page.items.map(toWebhookDeliveryResource), nextCursor: page.nextCursor });
});
