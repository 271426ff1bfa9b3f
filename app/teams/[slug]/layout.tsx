import type { ReactNode } from "react";
import { getSessionActor } from "@/lib/auth/session";
import { getTeamSummary } from "@/lib/teams/teams";
import { can } from "@/lib/authz/permissions";
import { loadPage } from "@/lib/pages/guard";
import { PageHeader, RoleBadge } from "@/components/ui/layout";
import { TeamTabs } from "@/components/teams/team-tabs";

export default async function TeamLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const team = await loadPage(() => getTeamSummary(actor, slug), `/teams/${slug}`);
  const context = { teamId: team.id, role: team.role };
  const tabs = [
    { href: `/teams/${slug}`, label: "Members" },
    ...(can(actor, "audit.view", context) ? [{ href: `/teams/${slug}/audit`, label: "Audit log" }] : []),
    ...(can(actor, "webhook.view", context) ? [{ href: `/teams/${slug}/webhooks`, label: "Webhooks" }] : []),
    ...(can(actor, "team.update", context) ? [{ href: `/teams/${slug}/settings`, label: "Settings" }] : []),
  ];
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/teams", label: "Teams" }]}
        title={team.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {team.description || "No description."}
            {team.role ? (
              <span className="inline-flex items-center gap-1 text-slate-500">
                · You are <RoleBadge role={team.role} />
              </span>
            ) : (
              <span className="text-slate-500">· You see this team as a platform admin</span>
            )}
          </span>
        }
      />
      <TeamTabs tabs={tabs} />
      {children}
    </>
  );
}
