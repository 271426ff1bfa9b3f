import { apiRoute, idempotent, jsonResponse, readJson, readQuery } from "@/lib/http/route";
import { pageQuery } from "@/lib/http/pagination";
import { createKey, listKeys } from "@/lib/keys/keys";
import { createKeyInput } from "@/lib/keys/schemas";
import { toApiKeyResource } from "@/lib/rest/schemas";

type Params = { id: string };

export const GET = apiRoute<Params>({ auth: "required" }, async ({ actor, params, url }) => {
  const query = readQuery(url, pageQuery);
  const page = await listKeys(actor, params.id, { cursor: query.cursor, limit: query.limit });
  return jsonResponse({ items: page.items.map(toApiKeyResource), nextCursor: page.nextCursor });
});

export const POST = apiRoute<Params>({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createKeyInput);
  let secret: string | undefined;
  const response = await idempotent(context, body, async () => {
    const created = await createKey(context.actor, context.params.id, body);
    secret = created.secret;
    // The secret is added below, outside what the idempotency record stores: only the key's hash may be kept.
    return jsonResponse(toApiKeyResource(created.key), { status: 201, headers: { location: `/api/v1/applications/${created.key.applicationId}/keys/${created.key.id}` } });
  });
  if (secret === undefined || response.status !== 201) return response;
  return jsonResponse({ ...(await response.json()), secret }, { status: 201, headers: response.headers });
});
