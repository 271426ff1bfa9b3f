import { apiRoute, jsonResponse } from "@/lib/http/route";
import { getKey, revokeKey } from "@/lib/keys/keys";
import { toApiKeyResource } from "@/lib/rest/schemas";

type Params = { id: string; keyId: string };

export const GET = apiRoute<Params>({ auth: "required" }, async ({ actor, params }) => jsonResponse(toApiKeyResource(await getKey(actor, params.id, params.keyId))));

export const DELETE = apiRoute<Params>({ auth: "required" }, async ({ actor, params }) => {
  await revokeKey(actor, params.id, params.keyId);
  return new Response(null, { status: 204 });
});
