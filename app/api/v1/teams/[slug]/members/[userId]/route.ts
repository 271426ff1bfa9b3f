import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { changeMemberRole, leaveTeam, listMembers, removeMember } from "@/lib/teams/members";
import { changeRoleInput } from "@/lib/teams/schemas";
import { notFound } from "@/lib/errors";
import { toMemberResource } from "@/lib/rest/schemas";

type Params = { slug: string; userId: string };

export const PATCH = apiRoute<Params>({ auth: "required" }, async ({ actor, params, request }) => {
  await changeMemberRole(actor, params.slug, params.userId, await readJson(request, changeRoleInput));
  const member = (await listMembers(actor, params.slug)).find((m) => m.userId === params.userId);
  if (!member) throw notFound("member");
  return jsonResponse(toMemberResource(member));
});

export const DELETE = apiRoute<Params>({ auth: "required" }, async ({ actor, params }) => {
  if (params.userId === actor.userId) await leaveTeam(actor, params.slug);
  else await removeMember(actor, params.slug, params.userId);
  return new Response(null, { status: 204 });
});
