import { apiRoute, jsonResponse } from "@/lib/http/route";
import { listMembers } from "@/lib/teams/members";
import { toMemberResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params }) => {
  const members = await listMembers(actor, params.slug);
  return jsonResponse({ items: members.map(toMemberResource), nextCursor: null });
});
