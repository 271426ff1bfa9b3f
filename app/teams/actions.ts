"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { createTeam, updateTeam } from "@/lib/teams/teams";
import { changeMemberRole, leaveTeam, removeMember } from "@/lib/teams/members";
import { inviteMember, revokeInvitation } from "@/lib/teams/invitations";
import type { TeamRole } from "@/lib/generated/prisma/enums";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function createTeamAction(_previous: unknown, form: FormData) {
  let slug = "";
  const result = await runAction(async (actor) => {
    const team = await createTeam(actor, { name: text(form, "name"), slug: text(form, "slug"), description: text(form, "description") });
    slug = team.slug;
  });
  if (result?.ok) redirect(`/teams/${slug}`);
  return result;
}

export async function updateTeamAction(slug: string, _previous: unknown, form: FormData) {
  const result = await runAction(async (actor) => {
    await updateTeam(actor, slug, { name: text(form, "name"), description: text(form, "description") || null, requireReview: form.get("requireReview") === "on" });
    return { message: "Settings saved." };
  });
  // Re-render only on success, so a refusal stays visible where it happened.
  if (result?.ok) revalidatePath(`/teams/${slug}`, "layout");
  return result;
}

export async function inviteMemberAction(slug: string, _previous: unknown, form: FormData) {
  const result = await runAction<{ link: string; email: string; mailed: boolean }>(async (actor) => {
    const { invitation, link, mailed } = await inviteMember(actor, slug, { email: text(form, "email"), role: text(form, "role") as TeamRole });
    return { data: { link, email: invitation.email, mailed } };
  });
  if (result?.ok) revalidatePath(`/teams/${slug}`);
  return result;
}

export async function revokeInvitationAction(slug: string, invitationId: string) {
  const result = await runAction((actor) => revokeInvitation(actor, slug, invitationId));
  if (result?.ok) revalidatePath(`/teams/${slug}`);
  return result;
}

export async function changeRoleAction(slug: string, userId: string, _previous: unknown, form: FormData) {
  const result = await runAction(async (actor) => {
    const { role } = await changeMemberRole(actor, slug, userId, { role: text(form, "role") as TeamRole });
    return { message: `Role changed to ${role}.` };
  });
  if (result?.ok) revalidatePath(`/teams/${slug}`);
  return result;
}

export async function removeMemberAction(slug: string, userId: string) {
  const result = await runAction((actor) => removeMember(actor, slug, userId));
  if (result?.ok) revalidatePath(`/teams/${slug}`);
  return result;
}

export async function leaveTeamAction(slug: string) {
  const result = await runAction((actor) => leaveTeam(actor, slug));
  if (result?.ok) redirect("/teams");
  return result;
}
