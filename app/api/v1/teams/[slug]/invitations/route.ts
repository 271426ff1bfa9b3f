import { apiRoute, idempotent, jsonResponse, readJson } from "@/lib/http/route";
import { inviteMember, listPendingInvitations } from "@/lib/teams/invitations";
import { inviteInput } from "@/lib/teams/schemas";
import { toInvitationResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "required" }, async ({ actor, params }) => {
  const invitations = await listPendingInvitations(actor, params.slug);
  return jsonResponse({ items: invitations.map((invitation) => toInvitationResource(invitation)), nextCursor: null });
});

export const POST = apiRoute<{ slug: string }>({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, inviteInput);
  return idempotent(context, body, async () => {
    const { invitation, link, mailed } = await inviteMember(context.actor, context.params.slug, body);
    return jsonResponse(toInvitationResource(invitation, { link, mailed }), { status: 201 });
  });
});
