import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listTeams } from "@/lib/teams/teams";
import { loadPage } from "@/lib/pages/guard";
import { CreateTeamForm } from "@/components/teams/create-team-form";
import { Card, EmptyState, PageHeader, RoleBadge } from "@/components/ui/layout";

export const metadata = { title: "Teams" };

export default async function TeamsPage() {
  const actor = await getSessionActor();
  const { items: teams } = await loadPage(() => listTeams(actor), "/teams");
  return (
    <>
      <PageHeader title="Your teams" description="Teams own APIs and applications. Everything a team makes belongs to the team, not to one person." />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
        <div>
          {teams.length === 0 ? (
            <EmptyState title="You are not in a team yet">Create one, or ask a team owner to invite you.</EmptyState>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2">
              {teams.map((team) => (
                <li key={team.id}>
                  <Link href={`/teams/${team.slug}`} className="block rounded-lg border border-slate-200 bg-white p-4 shadow-xs hover:border-indigo-300 hover:shadow-sm">
                    <div className="flex items-start justify-between gap-2">
                      <h2 className="font-semibold text-slate-900">{team.name}</h2>
                      {team.role ? <RoleBadge role={team.role} /> : null}
                    </div>
                    <p className="mt-1 line-clamp-2 text-sm text-slate-600">{team.description || "No description."}</p>
                    <p className="mt-3 text-xs text-slate-500">
                      {team.memberCount} {team.memberCount === 1 ? "member" : "members"} · {team.apiCount} {team.apiCount === 1 ? "API" : "APIs"}
                    </p>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <Card title="Create a team" description="You become its owner.">
          <CreateTeamForm />
        </Card>
      </div>
    </>
  );
}
