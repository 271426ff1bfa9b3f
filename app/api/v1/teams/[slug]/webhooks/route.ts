import { apiRoute, idempotent, jsonResponse, readJson, readQuery } from "@/lib/http/route";
import { pageQuery } from "@/lib/http/pagination";
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhooks";
import { createWebhookInput } from "@/lib/webhooks/schemas";
import { toWebhookResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params, url }) => {
  const query = readQuery(url, pageQuery);
  const page = await listWebhooks(actor, params.slug, query);
  return jsonResponse({ items: page.items.map(toWebhookResource), nextCursor: page.nextCursor });
});

export const POST = apiRoute<{ slug: string }>({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createWebhookInput);
  let secret: string | undefined;
  const response = await idempotent(context, body, async () => {
    const created = await createWebhook(context.actor, context.params.slug, body);
    secret = created.secret;
    // The secret is added below, outside what the idempotency record stores: it must not sit there in clear.
    return jsonResponse(toWebhookResource({ ...created.webhook, lastDelivery: null }), { status: 201, headers: { location: `/api/v1/teams/${context.params.slug}/webhooks/${created.webhook.id}` } });
  });
  if (secret === undefined || response.status !== 201) return response;
  return jsonResponse({ ...(await response.json()), secret }, { status: 201, headers: response.headers });
});
