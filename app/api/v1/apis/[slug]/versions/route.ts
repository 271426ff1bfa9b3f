import { apiRoute, jsonResponse } from "@/lib/http/route";
import { getApiOverview } from "@/lib/catalog/api-details";
import { toVersionResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "optional" }, async ({ actor, params }) => {
  const { versions } = await getApiOverview(actor, params.slug);
  return jsonResponse({ items: versions.map(toVersionResource), nextCursor: null });
});
