import { AppError } from "@/lib/errors";
import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { verifyKey } from "@/lib/keys/verify";
import { verifyKeyInput } from "@/lib/keys/schemas";
import { toKeyVerificationResource } from "@/lib/rest/schemas";

const KEY_PARAMETERS = new Set(["key", "api_key", "apikey"]);

export const POST = apiRoute({ auth: "gateway" }, async ({ request, url }) => {
  // A key in a URL ends up in access logs, proxies and browser history: refuse it loudly rather than use it.
  const inQuery = [...url.searchParams.keys()].find((name) => KEY_PARAMETERS.has(name.toLowerCase()));
  if (inQuery) {
    throw new AppError("bad-request", `API keys are never accepted in a query string (found "${inQuery}"): URLs are logged. Send the key in the JSON body.`, { code: "key-in-query" });
  }
  const body = await readJson(request, verifyKeyInput);
  return jsonResponse(toKeyVerificationResource(await verifyKey({ key: body.key, apiSlug: body.api, version: body.version })));
});
