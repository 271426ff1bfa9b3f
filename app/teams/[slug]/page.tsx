import { getSessionActor } from "@/lib/auth/session";
import { getTeamSummary } from "@/lib/teams/teams";
import { listMembers } from "@/lib/teams/members";
import { listPendingInvitations } from "@/lib/teams/invitations";
import { can } from "@/lib/authz/permissions";
import { loadPage } from "@/lib/pages/guard";
import { Card } from "@/components/ui/layout";
import { MemberList } from "@/components/teams/member-list";
import { InviteForm } from "@/components/teams/invite-form";
import { PendingInvitations } from "@/components/teams/pending-invitations";
import { LeaveTeamButton } from "@/components/teams/leave-team-button";

export default async function TeamMembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const path = `/teams/${slug}`;
  const team = await loadPage(() => getTeamSummary(actor, slug), path);
  const context = { teamId: team.id, role: team.role };
  const mayInvite = can(actor, "member.invite", context);
  const [members, invitations] = await loadPage(
    () => Promise.all([listMembers(actor, slug), mayInvite ? listPendingInvitations(actor, slug) : Promise.resolve([])]),
    path,
  );
  return (
    <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
      <div className="space-y-6">
        <Card title="Members" description={`${members.length} ${members.length === 1 ? "person" : "people"} in ${team.name}.`}>
          <MemberList
            slug={slug}
            members={members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }))}
            currentUserId={actor?.userId ?? ""}
            mayChangeRoles={can(actor, "member.changeRole", context)}
            mayRemove={can(actor, "member.remove", context)}
          />
        </Card>
        {mayInvite ? (
          <Card title="Pending invitations">
            <PendingInvitations
              slug={slug}
              invitations={invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString(), invitedBy: i.invitedBy.name ?? i.invitedBy.email }))}
            />
          </Card>
        ) : null}
      </div>
      <div className="space-y-6">
        {mayInvite ? (
          <Card title="Invite someone" description="They get a link to join with the role you choose.">
            <InviteForm slug={slug} mayInviteOwners={can(actor, "member.changeRole", context)} />
          </Card>
        ) : null}
        {team.role ? (
          <Card title="Leave team">
            <p className="mb-3 text-sm text-slate-600">You lose access to the team&apos;s private APIs, applications and keys.</p>
            <LeaveTeamButton slug={slug} teamName={team.name} />
          </Card>
        ) : null}
      </div>
    </div>
  );
}
