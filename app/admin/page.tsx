import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/admin";
import { listTeams } from "@/lib/teams/teams";
import { loadPage } from "@/lib/pages/guard";
import { PlatformRoleButton } from "@/components/settings/platform-role-button";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, PageHeader, RoleBadge, formatDate } from "@/components/ui/layout";

export const metadata = { title: "Admin" };

export default async function AdminPage() {
  const actor = await getSessionActor();
  const [users, teams] = await loadPage(() => Promise.all([listUsers(actor, { limit: 100 }), listTeams(actor, { all: true, limit: 100 })]), "/admin");
  return (
    <>
      <PageHeader title="Platform administration" description="All users and all teams of this Portico installation." actions={<><ButtonLink href="/admin/governance" variant="secondary">Governance rules</ButtonLink><ButtonLink href="/admin/gateway" variant="secondary">Gateway credentials</ButtonLink></>} />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Card title="Users" description={`${users.items.length}${users.nextCursor ? "+" : ""} ${users.items.length === 1 ? "account" : "accounts"}`}>
          <ul className="divide-y divide-slate-100" aria-label="All users">
            {users.items.map((user) => (
              <li key={user.id} className="flex items-center justify-between gap-3 py-2.5">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900">
                    {user.name ?? user.email} {user.platformRole === "ADMIN" ? <Badge tone="indigo">platform admin</Badge> : null}
                  </p>
                  <p className="truncate text-sm text-slate-500">
                    {user.email} · {user.teamCount} {user.teamCount === 1 ? "team" : "teams"} · since {formatDate(user.createdAt)}
                  </p>
                </div>
                {user.id === actor?.userId ? null : <PlatformRoleButton userId={user.id} email={user.email} role={user.platformRole} />}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Teams" description={`${teams.items.length}${teams.nextCursor ? "+" : ""} ${teams.items.length === 1 ? "team" : "teams"}`}>
          <ul className="divide-y divide-slate-100" aria-label="All teams">
            {teams.items.map((team) => (
              <li key={team.id} className="flex items-center justify-between gap-3 py-2.5">
                <div>
                  <Link href={`/teams/${team.slug}`} className="text-sm font-medium text-indigo-700 hover:underline">
                    {team.name}
                  </Link>
                  <p className="text-sm text-slate-500">
                    {team.memberCount} {team.memberCount === 1 ? "member" : "members"} · {team.apiCount} {team.apiCount === 1 ? "API" : "APIs"}
                  </p>
                </div>
                {team.role ? <RoleBadge role={team.role} /> : null}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
