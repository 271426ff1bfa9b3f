import { requireSessionActor } from "@/lib/auth/session";
import { listTeams } from "@/lib/teams/teams";
import { can } from "@/lib/authz/permissions";
import { loadPage } from "@/lib/pages/guard";
import { CreateApiForm } from "@/components/apis/create-api-form";
import { Card, EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "New API" };

export default async function NewApiPage() {
  const { actor, teams } = await loadPage(async () => {
    const actor = await requireSessionActor();
    return { actor, teams: (await listTeams(actor)).items };
  }, "/apis/new");
  const allowed = teams.filter((team) => can(actor, "api.create", { teamId: team.id, role: team.role }));
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/apis", label: "Catalog" }]} title="New API" description="Create the API, then upload its first OpenAPI version." />
      <Card>
        {allowed.length === 0 ? (
          <EmptyState title="You cannot create APIs yet">APIs belong to teams: you need the DEVELOPER role or higher in one.</EmptyState>
        ) : (
          <CreateApiForm teams={allowed.map((team) => ({ slug: team.slug, name: team.name }))} />
        )}
      </Card>
    </>
  );
}
