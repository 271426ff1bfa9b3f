import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listTeams } from "@/lib/teams/teams";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader, RoleBadge } from "@/components/ui/layout";

export default async function HomePage() {
  const actor = await getSessionActor();
  if (!actor) {
    return (
      <section className="mx-auto max-w-2xl py-12 text-center">
        <h1 className="text-4xl font-semibold tracking-tight text-slate-900">Every API your organisation offers, in one place.</h1>
        <p className="mt-4 text-lg text-slate-600">
          Portico is your API catalog, developer portal and lifecycle manager: publish OpenAPI definitions, see what breaks, grant access and hand out keys.
        </p>
        <div className="mt-8 flex justify-center gap-3">
          <ButtonLink href="/apis">Browse the catalog</ButtonLink>
          <ButtonLink href="/signup" variant="secondary">Create an account</ButtonLink>
        </div>
      </section>
    );
  }
  const { items: teams } = await listTeams(actor);
  return (
    <>
      <PageHeader title={`Welcome, ${actor.name ?? actor.email}`} description="Your teams and what needs your attention." />
      <div className="grid gap-6 md:grid-cols-3">
        <Card title="Your teams" className="md:col-span-2" actions={<ButtonLink href="/teams" variant="secondary">All teams</ButtonLink>}>
          {teams.length === 0 ? (
            <EmptyState title="You are not in a team yet">
              <Link href="/teams" className="font-medium text-indigo-700 hover:underline">Create a team</Link> or ask to be invited.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {teams.map((team) => (
                <li key={team.id} className="flex items-center justify-between py-2.5">
                  <Link href={`/teams/${team.slug}`} className="text-sm font-medium text-indigo-700 hover:underline">{team.name}</Link>
                  {team.role ? <RoleBadge role={team.role} /> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="For scripts and CI">
          <p className="text-sm text-slate-600">Call the REST API with a personal access token.</p>
          <div className="mt-3 flex flex-col gap-2">
            <ButtonLink href="/settings/tokens" variant="secondary">Access tokens</ButtonLink>
            <a href="/api/v1/openapi.json" className="text-sm font-medium text-indigo-700 hover:underline">REST API reference (OpenAPI)</a>
          </div>
        </Card>
      </div>
    </>
  );
}
