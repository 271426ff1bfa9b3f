import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listApplications, teamsWhereActorMayRequestAccess } from "@/lib/applications/applications";
import { loadPage } from "@/lib/pages/guard";
import { assertSignedIn } from "@/lib/authz/permissions";
import { Badge, Card, EmptyState, PageHeader, formatDate } from "@/components/ui/layout";
import { ApplicationForm } from "@/components/access/application-form";

export const metadata = { title: "Applications" };

export default async function ApplicationsPage() {
  const actor = await getSessionActor();
  const { applications, teams } = await loadPage(async () => {
    assertSignedIn(actor);
    const [applications, teams] = await Promise.all([listApplications(actor), teamsWhereActorMayRequestAccess(actor)]);
    return { applications, teams };
  }, "/apps");
  return (
    <>
      <PageHeader title="Applications" description="An application is what calls APIs: it holds its team's subscriptions and API keys." />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
        <Card title="Your teams' applications">
          {applications.length === 0 ? (
            <EmptyState title="No applications yet">Create one, then request access to an API from its page in the catalog.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Applications">
              {applications.map((application) => (
                <li key={application.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                  <div>
                    <Link href={`/apps/${application.id}`} className="font-medium text-indigo-700 hover:underline">
                      {application.name}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {application.team.name} · created {formatDate(application.createdAt)}
                    </p>
                  </div>
                  <div className="flex items-center gap-2 text-xs text-slate-600">
                    <Badge tone={application.environment === "PRODUCTION" ? "indigo" : "slate"}>{application.environment === "PRODUCTION" ? "Production" : "Sandbox"}</Badge>
                    <span>{application._count.subscriptions} active subscription{application._count.subscriptions === 1 ? "" : "s"}</span>
                    <span>· {application._count.apiKeys} key{application._count.apiKeys === 1 ? "" : "s"}</span>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="New application">
          {teams.length ? <ApplicationForm teams={teams} /> : <p className="text-sm text-slate-600">Applications are created by a team&apos;s DEVELOPER, ADMIN or OWNER. <Link href="/teams" className="text-indigo-700 underline">Create or join a team</Link>.</p>}
        </Card>
      </div>
    </>
  );
}
