import { apiRoute, jsonResponse, readQuery } from "@/lib/http/route";
import { getApiAnalytics } from "@/lib/usage/analytics";
import { toApiAnalyticsResource, usageRangeQuery } from "@/lib/usage/resource";

/** The API's traffic, errors, latency, consumers and sunset campaign over a range (its team and platform admins). */
export const GET = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params, url }) =>
  jsonResponse(toApiAnalyticsResource(await getApiAnalytics(actor, params.slug, readQuery(url, usageRangeQuery).range))),
);
