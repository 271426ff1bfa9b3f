"use client";

import { revokeInvitationAction } from "@/app/teams/actions";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { RoleBadge, formatDate } from "@/components/ui/layout";

export function PendingInvitations({ slug, invitations }: { slug: string; invitations: { id: string; email: string; role: "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER"; expiresAt: string; invitedBy: string }[] }) {
  if (invitations.length === 0) return <p className="text-sm text-slate-500">No pending invitations.</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label="Pending invitations">
      {invitations.map((invitation) => (
        <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
          <div>
            <p className="text-sm font-medium text-slate-900">
              {invitation.email} <RoleBadge role={invitation.role} />
            </p>
            <p className="text-sm text-slate-500">
              Invited by {invitation.invitedBy} · expires {formatDate(invitation.expiresAt)}
            </p>
          </div>
          <ConfirmButton label="Revoke" confirmLabel={`Revoke invitation for ${invitation.email}`} onConfirm={() => revokeInvitationAction(slug, invitation.id)} />
        </li>
      ))}
    </ul>
  );
}
