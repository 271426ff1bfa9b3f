import { z } from "zod";
import { apiRoute, idempotent, jsonResponse, readJson, readQuery } from "@/lib/http/route";
import { pageQuery } from "@/lib/http/pagination";
import { createTeam, listTeams } from "@/lib/teams/teams";
import { createTeamInput } from "@/lib/teams/schemas";
import { toTeamResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "required" }, async ({ actor, url }) => {
  const query = readQuery(url, pageQuery.extend({ all: z.enum(["true", "false"]).optional() }));
  const page = await listTeams(actor, { all: query.all === "true", cursor: query.cursor, limit: query.limit });
  return jsonResponse({ items: page.items.map(toTeamResource), nextCursor: page.nextCursor });
});

export const POST = apiRoute({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, createTeamInput);
  return idempotent(context, body, async () => {
    const team = await createTeam(context.actor, body);
    return jsonResponse(toTeamResource({ ...team, role: "OWNER", memberCount: 1, apiCount: 0 }), { status: 201, headers: { location: `/api/v1/teams/${team.slug}` } });
  });
});
