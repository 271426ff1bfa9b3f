import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { getApiOverview } from "@/lib/catalog/api-details";
import { toApiResource } from "@/lib/rest/schemas";
import { updateApiSettings } from "@/lib/apis/settings";
import { updateApiSettingsInput } from "@/lib/apis/schemas";
import { toApiSettingsResource } from "@/lib/apis/resource";

export const GET = apiRoute<{ slug: string }>({ auth: "optional" }, async ({ actor, params }) => jsonResponse(toApiResource(await getApiOverview(actor, params.slug))));

export const PATCH = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params, request }) =>
  jsonResponse(toApiSettingsResource(await updateApiSettings(actor, params.slug, await readJson(request, updateApiSettingsInput)))),
);
