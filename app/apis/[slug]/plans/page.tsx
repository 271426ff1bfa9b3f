import { getSessionActor } from "@/lib/auth/session";
import { listPlansForManagement } from "@/lib/plans/plans";
import { loadPage } from "@/lib/pages/guard";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/layout";
import { PlanForm } from "@/components/access/plan-form";
import { PlanDeprecation } from "@/components/access/plan-deprecation";
import { planLimitsText } from "@/components/access/subscription-status";

export const metadata = { title: "Plans" };

export default async function PlansPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { api, plans } = await loadPage(() => listPlansForManagement(actor, slug), `/apis/${slug}/plans`);
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]} title="Plans" description="What consumers can subscribe to: limits, and whether a request needs your approval. Deprecating a plan stops new subscriptions and leaves existing ones alone." />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-4">
          {plans.length === 0 ? <EmptyState title="No plans yet">Add one: consumers need a plan to request access.</EmptyState> : null}
          {plans.map((plan) => (
            <Card
              key={plan.id}
              title={plan.name}
              description={planLimitsText(plan)}
              actions={
                <span className="flex items-center gap-2">
                  {plan.visibility === "RESTRICTED" ? <Badge tone="amber">Restricted</Badge> : null}
                  {plan.deprecatedAt ? <Badge tone="red">Deprecated</Badge> : <Badge tone="emerald">Offered</Badge>}
                  <span className="text-xs text-slate-500">{plan._count.subscriptions} active</span>
                </span>
              }
            >
              <details>
                <summary className="cursor-pointer text-sm font-medium text-indigo-700">Edit</summary>
                <div className="mt-3">
                  <PlanForm
                    apiSlug={api.slug}
                    plan={{ id: plan.id, name: plan.name, description: plan.description, rateLimitPerMinute: plan.rateLimitPerMinute, monthlyQuota: plan.monthlyQuota?.toString() ?? null, requiresApproval: plan.requiresApproval, visibility: plan.visibility, allowedTeams: plan.allowedTeams.join(", ") }}
                  />
                </div>
              </details>
              <div className="mt-3 border-t border-slate-100 pt-3">
                <PlanDeprecation apiSlug={api.slug} planId={plan.id} planName={plan.name} deprecated={plan.deprecatedAt != null} />
              </div>
            </Card>
          ))}
        </div>
        <Card title="New plan">
          <PlanForm apiSlug={api.slug} />
        </Card>
      </div>
    </>
  );
}
