import { db } from "@/lib/db";
import { AppError, conflict, isUniqueViolation, notFound } from "@/lib/errors";
import { generateSecret, hashSecret } from "@/lib/crypto";
import { recordAudit } from "@/lib/audit/record";
import { assertMayGrantRole, assertSignedIn } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { appUrl } from "@/lib/config";
import { sendMail } from "@/lib/mail/send";
import { authorizeTeamAction } from "./access";
import { inviteInput, type InviteInput } from "./schemas";

const INVITATION_PREFIX = "ptc_inv_";
const INVITATION_DAYS = 7;

export function invitationLink(token: string): string {
  return `${appUrl()}/invitations/${token}`;
}

const invitationFields = { id: true, email: true, role: true, status: true, expiresAt: true, createdAt: true, invitedBy: { select: { email: true, name: true } } } as const;

/**
 * Invites an email address to the team. The link is returned to the inviter
 * (shown once) and mailed when SMTP is configured. Inviting the same address
 * again replaces the pending invitation.
 */
export async function inviteMember(actor: MaybeActor, slug: string, input: InviteInput) {
  const { team, context, actor: allowed } = await authorizeTeamAction(actor, slug, "member.invite");
  const data = inviteInput.parse(input);
  assertMayGrantRole(allowed, context, data.role);
  const token = generateSecret(INVITATION_PREFIX);
  let invitation;
  try {
    invitation = await db.$transaction(async (tx) => {
      const existing = await tx.membership.findFirst({ where: { teamId: team.id, user: { email: data.email } }, select: { id: true } });
      if (existing) throw conflict(`${data.email} is already a member of ${team.name}.`, "already-member");
      const replaced = await tx.invitation.updateMany({
        where: { teamId: team.id, email: data.email, status: "PENDING" },
        data: { status: "REVOKED" },
      });
      const created = await tx.invitation.create({
        data: {
          teamId: team.id,
          email: data.email,
          role: data.role,
          tokenHash: hashSecret(token),
          invitedById: allowed.userId,
          expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
        },
        select: invitationFields,
      });
      await recordAudit(tx, {
        actor: allowed,
        teamId: team.id,
        action: "invitation.created",
        target: { type: "invitation", id: created.id },
        after: { email: created.email, role: created.role, replacedPending: replaced.count },
      });
      return created;
    });
  } catch (error) {
    // One pending invitation per address (a partial unique index): a
    // concurrent invitation of the same address won the race.
    if (isUniqueViolation(error)) throw conflict(`${data.email} was invited a moment ago; refresh to see the invitation.`, "invitation-pending");
    throw error;
  }
  const link = invitationLink(token);
  const mailed = await sendMail({
    to: invitation.email,
    subject: `You are invited to join ${team.name} on Portico`,
    text: `${allowed.name ?? allowed.email} invited you to join the team ${team.name} as ${invitation.role}.\n\nAccept the invitation: ${link}\n\nThe link expires on ${invitation.expiresAt.toUTCString()}.`,
  });
  return { invitation, link, mailed };
}

export async function listPendingInvitations(actor: MaybeActor, slug: string) {
  const { team } = await authorizeTeamAction(actor, slug, "member.invite");
  return db.invitation.findMany({
    where: { teamId: team.id, status: "PENDING", expiresAt: { gt: new Date() } },
    select: invitationFields,
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeInvitation(actor: MaybeActor, slug: string, invitationId: string) {
  const { team, actor: allowed } = await authorizeTeamAction(actor, slug, "member.invite");
  await db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: invitationId, teamId: team.id, status: "PENDING" },
      data: { status: "REVOKED" },
    });
    if (count === 0) throw notFound("invitation");
    await recordAudit(tx, { actor: allowed, teamId: team.id, action: "invitation.revoked", target: { type: "invitation", id: invitationId } });
  });
}

export type InvitationState = "pending" | "accepted" | "revoked" | "expired";

/** What the holder of an invitation link may learn about it. */
export async function describeInvitation(token: string) {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { email: true, role: true, status: true, expiresAt: true, team: { select: { name: true, slug: true } } },
  });
  if (!invitation) return null;
  const state: InvitationState =
    invitation.status === "ACCEPTED" ? "accepted" : invitation.status === "REVOKED" ? "revoked" : invitation.expiresAt <= new Date() ? "expired" : "pending";
  return { email: invitation.email, role: invitation.role, teamName: invitation.team.name, teamSlug: invitation.team.slug, state };
}

export async function acceptInvitation(actor: MaybeActor, token: string) {
  assertSignedIn(actor);
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({
      where: { tokenHash: hashSecret(token) },
      select: { id: true, teamId: true, email: true, role: true, status: true, expiresAt: true, team: { select: { slug: true, name: true } } },
    });
    if (!invitation) throw notFound("invitation");
    if (invitation.status !== "PENDING") throw conflict(`This invitation was already ${invitation.status.toLowerCase()}.`, "invitation-used");
    if (invitation.expiresAt <= new Date()) throw conflict("This invitation has expired. Ask for a new one.", "invitation-expired");
    if (invitation.email !== actor.email.toLowerCase()) {
      throw new AppError("forbidden", `This invitation is for ${invitation.email}. Sign in with that address to accept it.`, { code: "invitation-email-mismatch" });
    }
    // Claiming the row first makes a double click accept exactly once.
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, status: "PENDING" },
      data: { status: "ACCEPTED", acceptedAt: new Date() },
    });
    if (claimed.count === 0) throw conflict("This invitation was already accepted.", "invitation-used");
    const existing = await tx.membership.findUnique({ where: { teamId_userId: { teamId: invitation.teamId, userId: actor.userId } } });
    if (existing) throw conflict(`You are already a member of ${invitation.team.name}.`, "already-member");
    await tx.membership.create({ data: { teamId: invitation.teamId, userId: actor.userId, role: invitation.role } });
    await recordAudit(tx, {
      actor,
      teamId: invitation.teamId,
      action: "invitation.accepted",
      target: { type: "invitation", id: invitation.id },
      after: { userId: actor.userId, role: invitation.role },
    });
    return { teamSlug: invitation.team.slug, teamName: invitation.team.name, role: invitation.role };
  });
}
