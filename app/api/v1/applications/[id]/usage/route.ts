import { apiRoute, jsonResponse } from "@/lib/http/route";
import { getApplicationUsage } from "@/lib/usage/analytics";
import { toApplicationUsageResource } from "@/lib/usage/resource";

/** The application's usage this month and over the last 7 days, per API, against its plans (members of its team). */
export const GET = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params }) => jsonResponse(toApplicationUsageResource(await getApplicationUsage(actor, params.id))));
