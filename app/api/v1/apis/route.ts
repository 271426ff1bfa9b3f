import { apiRoute, jsonResponse, readQuery } from "@/lib/http/route";
import { decodePageCursor, encodePageCursor } from "@/lib/http/cursor";
import { catalogListQuery } from "@/lib/catalog/query";
import { searchCatalog } from "@/lib/catalog/search";
import { toApiSummaryResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "optional" }, async ({ actor, url }) => {
  const { cursor, ...query } = readQuery(url, catalogListQuery);
  const page = await searchCatalog(actor, { ...query, page: decodePageCursor(cursor) });
  return jsonResponse({ items: page.items.map(toApiSummaryResource), nextCursor: page.hasMore ? encodePageCursor(page.page + 1) : null, total: page.total });
});
