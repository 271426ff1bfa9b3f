import { apiRoute, idempotent, jsonResponse, readJson, readQuery } from "@/lib/http/route";
import { createApi } from "@/lib/apis/create";
import { createApiInput } from "@/lib/apis/schemas";
import { getApiOverview } from "@/lib/catalog/api-details";
import { decodePageCursor, encodePageCursor } from "@/lib/http/cursor";
import { catalogListQuery } from "@/lib/catalog/query";
import { searchCatalog } from "@/lib/catalog/search";
import { toApiResource, toApiSummaryResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "optional" }, async ({ actor, url }) => {
  const { cursor, ...query } = readQuery(url, catalogListQuery);
  const page = await searchCatalog(actor, { ...query, page: decodePageCursor(cursor) });
  return jsonResponse({ items: page.items.map(toApiSummaryResource), nextCursor: page.hasMore ? encodePageCursor(page.page + 1) : null, total: page.total });
});

export const POST = apiRoute({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createApiInput);
  return idempotent(context, body, async () => {
    const api = await createApi(context.actor, body);
    return jsonResponse(toApiResource(await getApiOverview(context.actor, api.slug)), { status: 201, headers: { location: `/api/v1/apis/${api.slug}` } });
  });
});
