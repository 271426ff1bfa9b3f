import { apiRoute, idempotent, jsonResponse, readJson } from "@/lib/http/route";
import { createGatewayCredential, listGatewayCredentials } from "@/lib/keys/gateway-credentials";
import { createGatewayCredentialInput } from "@/lib/keys/schemas";
import { toGatewayCredentialResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "required" }, async ({ actor }) => {
  const credentials = await listGatewayCredentials(actor);
  return jsonResponse({ items: credentials.map(toGatewayCredentialResource), nextCursor: null });
});

export const POST = apiRoute({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createGatewayCredentialInput);
  let secret: string | undefined;
  const response = await idempotent(context, body, async () => {
    const created = await createGatewayCredential(context.actor, body);
    secret = created.secret;
    // The secret is added below, outside what the idempotency record stores: only its hash may be kept.
    return jsonResponse(toGatewayCredentialResource(created.credential), { status: 201 });
  });
  if (secret === undefined || response.status !== 201) return response;
  return jsonResponse({ ...(await response.json()), secret }, { status: 201, headers: response.headers });
});
