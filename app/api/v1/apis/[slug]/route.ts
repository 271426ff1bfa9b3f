import { apiRoute, jsonResponse } from "@/lib/http/route";
import { getApiOverview } from "@/lib/catalog/api-details";
import { toApiResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "optional" }, async ({ actor, params }) => jsonResponse(toApiResource(await getApiOverview(actor, params.slug))));
