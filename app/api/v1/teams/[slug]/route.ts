import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { getTeamSummary, updateTeam } from "@/lib/teams/teams";
import { updateTeamInput } from "@/lib/teams/schemas";
import { toTeamResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params }) =>
  jsonResponse(toTeamResource(await getTeamSummary(actor, params.slug))),
);

export const PATCH = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params, request }) => {
  await updateTeam(actor, params.slug, await readJson(request, updateTeamInput));
  return jsonResponse(toTeamResource(await getTeamSummary(actor, params.slug)));
});
