import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listApiConsumers } from "@/lib/subscriptions/inbox";
import { availableSubscriptionActions } from "@/lib/subscriptions/decisions";
import { SUBSCRIPTION_TRANSITIONS } from "@/lib/subscriptions/transitions";
import { loadPage } from "@/lib/pages/guard";
import { Card, EmptyState, PageHeader, formatDate } from "@/components/ui/layout";
import { DecisionBanner } from "@/components/access/decision-banner";
import { SubscriptionActions } from "@/components/access/subscription-actions";
import { SubscriptionStatusBadge } from "@/components/access/subscription-status";

export const metadata = { title: "Consumers" };

export default async function ConsumersPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ decided?: string }> }) {
  const { slug } = await params;
  const { decided } = await searchParams;
  const actor = await getSessionActor();
  const { api, role, subscriptions } = await loadPage(() => listApiConsumers(actor, slug), `/apis/${slug}/consumers`);
  const provider = { teamId: api.teamId, role };
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]} title="Consumers" description={<>The applications subscribed to {api.name}, and their requests. Pending requests are decided in the <Link className="text-indigo-700 underline" href="/access-requests">access requests inbox</Link>.</>} />
      <DecisionBanner actor={actor} subscriptionId={decided} />
      <Card>
        {subscriptions.length === 0 ? (
          <EmptyState title="No consumers yet" />
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm" aria-label="Consumers">
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4">Team</th>
                  <th scope="col" className="py-2 pr-4">Application</th>
                  <th scope="col" className="py-2 pr-4">Plan</th>
                  <th scope="col" className="py-2 pr-4">Status</th>
                  <th scope="col" className="py-2 pr-4">Since</th>
                  <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {subscriptions.map((subscription) => {
                  const actions = availableSubscriptionActions(actor, { subscription, provider, consumer: { teamId: subscription.application.teamId, role: null } }).filter(
                    (action) => SUBSCRIPTION_TRANSITIONS[action].side === "provider" && action === "revoke",
                  );
                  return (
                    <tr key={subscription.id} className="align-top">
                      <td className="py-2 pr-4 text-slate-900">{subscription.application.team.name}</td>
                      <td className="py-2 pr-4">{subscription.application.name}</td>
                      <td className="py-2 pr-4">{subscription.plan.name}</td>
                      <td className="py-2 pr-4">
                        <SubscriptionStatusBadge status={subscription.status} />
                        {subscription.decisionNote ? <p className="mt-1 max-w-xs text-xs text-slate-500">“{subscription.decisionNote}”</p> : null}
                      </td>
                      <td className="py-2 pr-4 text-slate-600">{formatDate(subscription.decidedAt ?? subscription.createdAt)}</td>
                      <td className="py-2">
                        <SubscriptionActions subscriptionId={subscription.id} actions={actions} label={`access of ${subscription.application.name} (${subscription.application.team.name})`} returnPath={`/apis/${api.slug}/consumers`} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
