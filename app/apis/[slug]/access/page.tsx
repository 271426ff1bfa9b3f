import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { accessRequestContext } from "@/lib/subscriptions/requests";
import { loadPage } from "@/lib/pages/guard";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/layout";
import { RequestAccessForm } from "@/components/access/request-access-form";
import { ApplicationForm } from "@/components/access/application-form";
import { planLimitsText } from "@/components/access/subscription-status";

export const metadata = { title: "Request access" };

export default async function RequestAccessPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ application?: string }> }) {
  const { slug } = await params;
  const { application: initialApplicationId } = await searchParams;
  const actor = await getSessionActor();
  const path = `/apis/${slug}/access`;
  const { api, plans, applications, teams, takesRequests } = await loadPage(() => accessRequestContext(actor, slug), path);
  const header = <PageHeader breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]} title={`Request access to ${api.name}`} description="Choose one of your team's applications and a plan. Its keys can call the API once access is granted." />;

  if (actor == null) {
    return (
      <>
        {header}
        <Card>
          <div className="space-y-3">
            <p className="text-sm text-slate-700">Sign in to request access for one of your team&apos;s applications.</p>
            <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent(path)}`}>Sign in</ButtonLink>
          </div>
        </Card>
      </>
    );
  }
  return (
    <>
      {header}
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_20rem]">
        <Card title="Your request">
          {!takesRequests ? (
            <EmptyState title="This API takes no new subscriptions">It has no published version: every version is deprecated, retired or not released yet. Existing subscriptions keep working.</EmptyState>
          ) : teams.length === 0 ? (
            <EmptyState title="You cannot request access yet">Access is requested by a team&apos;s DEVELOPER, ADMIN or OWNER. <Link className="text-indigo-700 underline" href="/teams">Create or join a team</Link> first.</EmptyState>
          ) : plans.length === 0 ? (
            <EmptyState title="No plan is offered to your teams">Ask {api.team.name} to offer a plan.</EmptyState>
          ) : applications.length === 0 ? (
            <div className="space-y-4">
              <p className="text-sm text-slate-700">Your teams have no application yet. Create one: it holds the API keys and the subscriptions.</p>
              <ApplicationForm teams={teams} returnTo={path} />
            </div>
          ) : (
            <RequestAccessForm
              apiSlug={api.slug}
              applications={applications}
              initialApplicationId={initialApplicationId}
              plans={plans.map((plan) => ({ id: plan.id, name: plan.name, description: plan.description, requiresApproval: plan.requiresApproval, limits: planLimitsText(plan) }))}
            />
          )}
        </Card>
        <Card title="How access works">
          <ol className="list-decimal space-y-2 pl-4 text-sm text-slate-700">
            <li>Plans marked “needs approval” go to an OWNER or ADMIN of {api.team.name}; the others are granted at once.</li>
            <li>You are notified of the decision in Portico (the bell at the top) and by email when it is set up.</li>
            <li>Once active, create API keys on the application&apos;s page and call the API through the gateway.</li>
          </ol>
          {applications.length ? <p className="mt-3 text-sm"><Link className="text-indigo-700 underline" href="/apps">Create another application</Link></p> : null}
        </Card>
      </div>
    </>
  );
}
