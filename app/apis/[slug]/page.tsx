import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { getApiOverview } from "@/lib/catalog/api-details";
import { loadPage } from "@/lib/pages/guard";
import { can } from "@/lib/authz/permissions";
import { Markdown } from "@/components/catalog/markdown";
import { StateBadge, VisibilityBadge } from "@/components/catalog/badges";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader, formatDate } from "@/components/ui/layout";

export default async function ApiPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { api, versions, plans, owners, viewerRole } = await loadPage(() => getApiOverview(actor, slug), `/apis/${slug}`);
  const team = { teamId: api.team.id, role: viewerRole };
  const mayUpload = actor != null && can(actor, "version.upload", team);
  const managesPlans = can(actor, "plan.manage", team);
  const managesSettings = can(actor, "api.settings", team);
  const seesConsumers = actor != null && (viewerRole != null || managesPlans);
  const seesAnalytics = can(actor, "team.view", team);
  const current = versions.find((v) => v.id === api.catalogVersionId) ?? versions[0];
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/apis", label: "Catalog" }]}
        title={api.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span>
              by <Link href={`/apis?team=${api.team.slug}`} className="font-medium text-slate-700 hover:underline">{api.team.name}</Link>
            </span>
            <VisibilityBadge visibility={api.visibility} />
            {current ? (
              <>
                <span className="font-mono text-xs">v{current.version}</span>
                <StateBadge state={current.state} />
              </>
            ) : null}
          </span>
        }
        actions={
          <>
            {mayUpload ? <ButtonLink href={`/apis/${api.slug}/versions/new`} variant="secondary">Upload a version</ButtonLink> : null}
            {current ? <ButtonLink href={`/apis/${api.slug}/docs?version=${encodeURIComponent(current.version)}`} variant="secondary">Read the docs</ButtonLink> : null}
            {seesConsumers ? <ButtonLink href={`/apis/${api.slug}/consumers`} variant="secondary">Consumers</ButtonLink> : null}
            {seesAnalytics ? <ButtonLink href={`/apis/${api.slug}/analytics`} variant="secondary">Analytics</ButtonLink> : null}
            {managesSettings ? <ButtonLink href={`/apis/${api.slug}/settings`} variant="secondary">Settings</ButtonLink> : null}
            <ButtonLink href={`/apis/${api.slug}/access`}>Request access</ButtonLink>
          </>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="space-y-6">
          <Card title="Overview">
            {api.summary ? <p className="mb-3 text-base text-slate-700">{api.summary}</p> : null}
            {api.description ? <Markdown>{api.description}</Markdown> : <p className="text-sm text-slate-500">No description yet.</p>}
          </Card>
          <Card title="Versions">
            {versions.length === 0 ? (
              <EmptyState title="No versions yet" />
            ) : (
              <div className="overflow-x-auto">
                <table className="min-w-full text-sm" aria-label="Versions">
                  <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                    <tr>
                      <th scope="col" className="py-2 pr-4">Version</th>
                      <th scope="col" className="py-2 pr-4">State</th>
                      <th scope="col" className="py-2 pr-4">Published</th>
                      <th scope="col" className="py-2 pr-4">Deprecated</th>
                      <th scope="col" className="py-2 pr-4">Sunset</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {versions.map((version) => (
                      <tr key={version.id} className="align-top">
                        <td className="py-2 pr-4">
                          <Link href={`/apis/${api.slug}/versions/${encodeURIComponent(version.version)}`} className="font-mono text-indigo-700 hover:underline">{version.version}</Link>
                          {version.changelog ? (
                            <details className="mt-1 max-w-md text-slate-700">
                              <summary className="cursor-pointer text-xs text-slate-500">Changelog</summary>
                              <div className="mt-1"><Markdown>{version.changelog}</Markdown></div>
                            </details>
                          ) : null}
                        </td>
                        <td className="py-2 pr-4"><StateBadge state={version.state} /></td>
                        <td className="py-2 pr-4 text-slate-600">{version.publishedAt ? formatDate(version.publishedAt) : "—"}</td>
                        <td className="py-2 pr-4 text-slate-600">{version.deprecatedAt ? formatDate(version.deprecatedAt) : "—"}</td>
                        <td className="py-2 pr-4 text-slate-600">{version.sunsetAt ? formatDate(version.sunsetAt) : "—"}{version.replacement ? <span className="block text-xs">use {version.replacement.version}</span> : null}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Owner">
            <p className="text-sm font-medium text-slate-900">{api.team.name}</p>
            {api.contactEmail ? (
              <p className="mt-1 text-sm text-slate-600">Contact: {api.contactName ? `${api.contactName} ` : ""}<a className="text-indigo-700 hover:underline" href={`mailto:${api.contactEmail}`}>{api.contactEmail}</a></p>
            ) : null}
            {owners.length ? (
              <ul className="mt-2 space-y-0.5 text-sm text-slate-600" aria-label="Team owners and admins">
                {owners.map((owner) => (
                  <li key={owner.email}>{owner.name ?? owner.email} <span className="text-xs text-slate-500">{owner.role.toLowerCase()}</span></li>
                ))}
              </ul>
            ) : null}
          </Card>
          {api.tags.length || api.category ? (
            <Card title="Tags">
              {api.category ? <p className="mb-2 text-sm text-slate-600">Category: <Link className="text-indigo-700 underline" href={`/apis?category=${encodeURIComponent(api.category)}`}>{api.category}</Link></p> : null}
              <ul className="flex flex-wrap gap-1.5">
                {api.tags.map((tag) => (
                  <li key={tag}><Link href={`/apis?tag=${encodeURIComponent(tag)}`} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 hover:bg-slate-200">#{tag}</Link></li>
                ))}
              </ul>
            </Card>
          ) : null}
          <Card title="Plans" actions={managesPlans ? <Link href={`/apis/${api.slug}/plans`} className="text-sm font-medium text-indigo-700 hover:underline">Manage</Link> : null}>
            {plans.length === 0 ? (
              <p className="text-sm text-slate-500">No plans yet.</p>
            ) : (
              <ul className="space-y-3" aria-label="Plans">
                {plans.map((plan) => (
                  <li key={plan.id}>
                    <p className="text-sm font-medium text-slate-900">
                      {plan.name} {plan.deprecatedAt ? <span className="text-xs font-normal text-red-700">(deprecated)</span> : null}
                    </p>
                    <p className="text-sm text-slate-600">
                      {plan.rateLimitPerMinute ? `${plan.rateLimitPerMinute} requests/min` : "no rate limit"}
                      {plan.monthlyQuota ? ` · ${plan.monthlyQuota.toLocaleString("en")} per month` : ""}
                      {plan.requiresApproval ? " · needs approval" : " · instant access"}
                    </p>
                    {plan.description ? <p className="text-xs text-slate-500">{plan.description}</p> : null}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
