import { apiRoute, idempotent, jsonResponse, readJson, readQuery } from "@/lib/http/route";
import { createApplication, listApplications } from "@/lib/applications/applications";
import { applicationListQuery, createApplicationInput } from "@/lib/applications/schemas";
import { toApplicationResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "required" }, async ({ actor, url }) => {
  const applications = await listApplications(actor, readQuery(url, applicationListQuery));
  return jsonResponse({ items: applications.map((a) => toApplicationResource(a)), nextCursor: null });
});

export const POST = apiRoute({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createApplicationInput);
  return idempotent(context, body, async () => {
    const application = await createApplication(context.actor, body);
    return jsonResponse(toApplicationResource(application), { status: 201, headers: { location: `/api/v1/applications/${application.id}` } });
  });
});
