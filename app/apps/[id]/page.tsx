import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { getApplication } from "@/lib/applications/applications";
import { loadPage } from "@/lib/pages/guard";
import { can } from "@/lib/authz/permissions";
import { consumerActions } from "@/lib/subscriptions/decisions";
import { archiveApplicationAction } from "@/app/apps/actions";
import { Badge, Card, EmptyState, PageHeader, formatDate } from "@/components/ui/layout";
import { ButtonLink } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ApplicationForm } from "@/components/access/application-form";
import { DecisionBanner } from "@/components/access/decision-banner";
import { SubscriptionActions } from "@/components/access/subscription-actions";
import { SubscriptionStatusBadge, planLimitsText } from "@/components/access/subscription-status";
import { ApplicationKeys } from "@/components/keys/application-keys";
import { ApplicationUsage } from "@/components/usage/application-usage";

export const metadata = { title: "Application" };

export default async function ApplicationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ decided?: string }> }) {
  const { id } = await params;
  const { decided } = await searchParams;
  const actor = await getSessionActor();
  const { application, role, subscriptions } = await loadPage(() => getApplication(actor, id), `/apps/${id}`);
  const context = { teamId: application.teamId, role };
  const archived = application.archivedAt != null;
  const mayManage = !archived && can(actor, "app.manage", context);
  const hasActiveSubscription = subscriptions.some((s) => s.status === "ACTIVE");
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/apps", label: "Applications" }]}
        title={application.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span>
              of <Link className="font-medium text-slate-700 hover:underline" href={`/teams/${application.team.slug}`}>{application.team.name}</Link>
            </span>
            <Badge tone={application.environment === "PRODUCTION" ? "indigo" : "slate"}>{application.environment === "PRODUCTION" ? "Production" : "Sandbox"}</Badge>
            {archived ? <Badge tone="red">Archived {formatDate(application.archivedAt!)}</Badge> : null}
          </span>
        }
        actions={mayManage ? <ButtonLink href="/apis">Find an API</ButtonLink> : null}
      />
      <DecisionBanner actor={actor} subscriptionId={decided} />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="space-y-6">
          {application.description ? <p className="text-sm text-slate-700">{application.description}</p> : null}
          <Card title="Subscriptions" description="The APIs this application may call, and requests waiting for a decision.">
            {subscriptions.length === 0 ? (
              <EmptyState title="No subscriptions yet">
                Open an API in the <Link href="/apis" className="text-indigo-700 underline">catalog</Link> and choose “Request access”.
              </EmptyState>
            ) : (
              <ul className="divide-y divide-slate-100" aria-label="Subscriptions">
                {subscriptions.map((subscription) => {
                  const actions = consumerActions(actor, context, subscription.status);
                  return (
                    <li key={subscription.id} className="space-y-2 py-3">
                      <div className="flex flex-wrap items-center justify-between gap-2">
                        <div>
                          <Link href={`/apis/${subscription.api.slug}`} className="font-medium text-indigo-700 hover:underline">
                            {subscription.api.name}
                          </Link>
                          <span className="ml-2 text-xs text-slate-500">by {subscription.api.team.name}</span>
                          <p className="text-xs text-slate-600">
                            Plan {subscription.plan.name}: {planLimitsText(subscription.plan)}
                          </p>
                        </div>
                        <SubscriptionStatusBadge status={subscription.status} />
                      </div>
                      <p className="text-xs text-slate-500">
                        Requested {formatDate(subscription.createdAt)} by {subscription.requester.name ?? subscription.requester.email}
                        {subscription.decidedAt && subscription.reviewer ? ` · decided ${formatDate(subscription.decidedAt)} by ${subscription.reviewer.name ?? subscription.reviewer.email}` : ""}
                      </p>
                      {subscription.decisionNote ? <p className="rounded bg-slate-50 px-2 py-1 text-sm text-slate-700">“{subscription.decisionNote}”</p> : null}
                      {!archived ? <SubscriptionActions subscriptionId={subscription.id} actions={actions} label={`subscription to ${subscription.api.name}`} returnPath={`/apps/${application.id}`} /> : null}
                    </li>
                  );
                })}
              </ul>
            )}
          </Card>
          <ApplicationKeys applicationId={application.id} canManage={!archived && can(actor, "key.manage", context)} hasActiveSubscription={hasActiveSubscription} />
          <ApplicationUsage applicationId={application.id} />
        </div>
        <div className="space-y-6">
          {mayManage ? (
            <Card title="Settings">
              <ApplicationForm applicationId={application.id} values={{ name: application.name, description: application.description, environment: application.environment }} />
            </Card>
          ) : null}
          {mayManage ? (
            <Card title="Archive" description="Revokes every key and cancels every subscription of this application at once. It cannot be undone.">
              <ConfirmButton label="Archive application" confirmLabel="Yes, archive it" onConfirm={archiveApplicationAction.bind(null, application.id)} />
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
