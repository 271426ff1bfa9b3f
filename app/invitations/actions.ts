"use server";

import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { acceptInvitation } from "@/lib/teams/invitations";

export async function acceptInvitationAction(token: string) {
  let slug = "";
  const result = await runAction(async (actor) => {
    slug = (await acceptInvitation(actor, token)).teamSlug;
  });
  if (result?.ok) redirect(`/teams/${slug}`);
  return result;
}
