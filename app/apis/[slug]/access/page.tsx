import { getSessionActor } from "@/lib/auth/session";
import { getApiOverview } from "@/lib/catalog/api-details";
import { loadPage } from "@/lib/pages/guard";
import { ButtonLink } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Request access" };

export default async function RequestAccessPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { api, owners } = await loadPage(() => getApiOverview(actor, slug), `/apis/${slug}/access`);
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]} title={`Request access to ${api.name}`} />
      <Card>
        {actor == null ? (
          <div className="space-y-3">
            <p className="text-sm text-slate-700">Sign in to request access for one of your team&apos;s applications.</p>
            <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent(`/apis/${api.slug}/access`)}`}>Sign in</ButtonLink>
          </div>
        ) : (
          <div className="space-y-2 text-sm text-slate-700">
            <p>
              Requests for applications and API keys are not open in this Portico yet. Until they are, ask the owner team, {api.team.name}, directly
              {owners.length ? <>: {owners.map((o) => o.email).join(", ")}</> : null}.
            </p>
          </div>
        )}
      </Card>
    </>
  );
}
