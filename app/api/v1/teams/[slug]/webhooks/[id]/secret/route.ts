import { apiRoute, jsonResponse } from "@/lib/http/route";
import { rollWebhookSecret } from "@/lib/webhooks/webhooks";

// Rolling, not reading: a POST that answers the new secret once (OWNER).
export const POST = apiRoute<{ slug: string; id: string }>({ auth: "required" }, async ({ actor, params }) => {
  const secret = await rollWebhookSecret(actor, params.slug, params.id);
  return jsonResponse({ secret });
});
