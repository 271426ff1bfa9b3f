import { getSessionActor } from "@/lib/auth/session";
import { getApiSettings } from "@/lib/apis/settings";
import { gatewayUrl } from "@/lib/subscriptions/try-it";
import { loadPage } from "@/lib/pages/guard";
import { StateBadge } from "@/components/catalog/badges";
import { ApiDetailsForm, GatewaySettingsForm, UpstreamForm } from "@/components/apis/api-settings-forms";
import { Card, EmptyState, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "API settings" };

export default async function ApiSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { api, versions } = await loadPage(() => getApiSettings(actor, slug), `/apis/${slug}/settings`);
  const gateway = gatewayUrl();
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]}
        title="Settings"
        description={`${api.name}, owned by ${api.team.name}. Changes are recorded in the team's audit log.`}
      />
      <div className="max-w-4xl space-y-6">
        <Card title="Details" description="What the catalog shows, and who may see the API.">
          <ApiDetailsForm api={{ slug: api.slug, name: api.name, summary: api.summary, description: api.description, visibility: api.visibility, tags: api.tags, category: api.category, contactEmail: api.contactEmail, minNoticeDays: api.minNoticeDays, keyless: api.keyless }} />
        </Card>
        <Card title="Gateway" description={<>How the gateway at <span className="font-mono">{gateway}/{api.slug}/…</span> treats calls to this API.</>}>
          <GatewaySettingsForm api={{ slug: api.slug, visibility: api.visibility, keyless: api.keyless, cacheEnabled: api.cacheEnabled, cacheTtlSeconds: api.cacheTtlSeconds }} />
        </Card>
        <Card title="Upstreams" description="Where the gateway forwards each version's calls: the consumer's path and query are appended to this base URL.">
          {versions.length === 0 ? (
            <EmptyState title="No versions yet">Upload a version first; each version has its own upstream.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Upstreams">
              {versions.map((version) => (
                <li key={version.id} className="py-3 first:pt-0 last:pb-0">
                  <p className="mb-2 flex items-center gap-2 text-sm">
                    <span className="font-mono font-medium text-slate-900">{version.version}</span>
                    <StateBadge state={version.state} />
                    <span className="font-mono text-xs text-slate-500">{gateway}/{api.slug}/{version.version}/…</span>
                  </p>
                  {version.state === "RETIRED" ? (
                    <p className="text-sm text-slate-600">
                      {version.upstreamUrl ? <span className="font-mono">{version.upstreamUrl}</span> : "No upstream."} Retired: the gateway answers 410 Gone, so its upstream can no longer be changed.
                    </p>
                  ) : (
                    <UpstreamForm apiSlug={api.slug} version={version.version} upstreamUrl={version.upstreamUrl} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
