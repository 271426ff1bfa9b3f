import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { archiveApplication, getApplication, updateApplication } from "@/lib/applications/applications";
import { updateApplicationInput } from "@/lib/applications/schemas";
import { toApplicationResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params }) => {
  const { application } = await getApplication(actor, params.id);
  return jsonResponse(toApplicationResource(application));
});

export const PATCH = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params, request }) =>
  jsonResponse(toApplicationResource(await updateApplication(actor, params.id, await readJson(request, updateApplicationInput)))),
);

/** Archives the application: its keys are revoked and its subscriptions cancelled. */
export const DELETE = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params }) => jsonResponse(await archiveApplication(actor, params.id)));
