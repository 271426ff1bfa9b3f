import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { describeInvitation } from "@/lib/teams/invitations";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInvitationButton } from "@/components/teams/accept-invitation-button";
import { ButtonLink } from "@/components/ui/button";
import { RoleBadge } from "@/components/ui/layout";

export const metadata = { title: "Invitation" };

const ENDED = { accepted: "has already been accepted", revoked: "was withdrawn", expired: "has expired" } as const;

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await describeInvitation(token);
  if (!invitation) {
    return (
      <AuthCard title="Invitation not found" subtitle="The link is wrong or incomplete. Ask the person who invited you for a new one.">
        <ButtonLink href="/" variant="secondary">Go to Portico</ButtonLink>
      </AuthCard>
    );
  }
  if (invitation.state !== "pending") {
    return (
      <AuthCard title={`Invitation to ${invitation.teamName}`} subtitle={`This invitation ${ENDED[invitation.state]}.`}>
        <ButtonLink href="/teams" variant="secondary">Your teams</ButtonLink>
      </AuthCard>
    );
  }
  const actor = await getSessionActor();
  const here = `/invitations/${token}`;
  return (
    <AuthCard
      title={`Join ${invitation.teamName}`}
      subtitle={
        <span>
          You are invited as <RoleBadge role={invitation.role} /> for <strong>{invitation.email}</strong>.
        </span>
      }
    >
      {actor == null ? (
        <div className="space-y-3">
          <ButtonLink href={`/signup?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(invitation.email)}`} className="w-full">
            Create an account to join
          </ButtonLink>
          <p className="text-center text-sm text-slate-600">
            Have an account?{" "}
            <Link href={`/signin?callbackUrl=${encodeURIComponent(here)}`} className="font-medium text-indigo-700 hover:underline">
              Sign in
            </Link>
          </p>
        </div>
      ) : actor.email !== invitation.email ? (
        <p role="alert" className="text-sm text-amber-800">
          You are signed in as {actor.email}. This invitation is for {invitation.email}: sign out and sign in with that address to accept it.
        </p>
      ) : (
        <AcceptInvitationButton token={token} teamName={invitation.teamName} />
      )}
    </AuthCard>
  );
}
