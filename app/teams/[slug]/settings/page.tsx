import { getSessionActor } from "@/lib/auth/session";
import { authorizeTeamAction } from "@/lib/teams/access";
import { loadPage } from "@/lib/pages/guard";
import { Card } from "@/components/ui/layout";
import { TeamSettingsForm } from "@/components/teams/team-settings-form";

export const metadata = { title: "Team settings" };

export default async function TeamSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { team } = await loadPage(() => authorizeTeamAction(actor, slug, "team.update"), `/teams/${slug}/settings`);
  return (
    <Card title="Settings" description="Only team owners change these.">
      <TeamSettingsForm slug={slug} team={team} />
    </Card>
  );
}
