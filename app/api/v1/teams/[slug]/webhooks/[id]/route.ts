import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { deleteWebhook, getWebhook, updateWebhook, withLastDelivery } from "@/lib/webhooks/webhooks";
import { updateWebhookInput } from "@/lib/webhooks/schemas";
import { toWebhookResource } from "@/lib/rest/schemas";

type Params = { slug: string; id: string };

export const GET = apiRoute<Params>({ auth: "required" }, async ({ actor, params }) => {
  const { webhook } = await getWebhook(actor, params.slug, params.id);
  return jsonResponse(toWebhookResource(await withLastDelivery(webhook)));
});

export const PATCH = apiRoute<Params>({ auth: "required" }, async ({ actor, params, request }) => {
  const webhook = await updateWebhook(actor, params.slug, params.id, await readJson(request, updateWebhookInput));
  return jsonResponse(toWebhookResource(await withLastDelivery(webhook)));
});

export const DELETE = apiRoute<Params>({ auth: "required" }, async ({ actor, params }) => {
  await deleteWebhook(actor, params.slug, params.id);
  return new Response(null, { status: 204 });
});
