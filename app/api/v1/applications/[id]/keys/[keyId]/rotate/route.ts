import { apiRoute, idempotent, jsonResponse, readJson } from "@/lib/http/route";
import { rotateKey } from "@/lib/keys/keys";
import { rotateKeyInput } from "@/lib/keys/schemas";
import { toApiKeyResource } from "@/lib/rest/schemas";

type Params = { id: string; keyId: string };

export const POST = apiRoute<Params>({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, rotateKeyInput);
  let secret: string | undefined;
  const response = await idempotent(context, body, async () => {
    const rotation = await rotateKey(context.actor, context.params.id, context.params.keyId, body);
    secret = rotation.secret;
    // The secret is added below, outside what the idempotency record stores: only the key's hash may be kept.
    return jsonResponse(
      { key: toApiKeyResource(rotation.key), previous: toApiKeyResource(rotation.previous) },
      { status: 201, headers: { location: `/api/v1/applications/${rotation.key.applicationId}/keys/${rotation.key.id}` } },
    );
  });
  if (secret === undefined || response.status !== 201) return response;
  const answer = await response.json();
  return jsonResponse({ ...answer, key: { ...answer.key, secret } }, { status: 201, headers: response.headers });
});
