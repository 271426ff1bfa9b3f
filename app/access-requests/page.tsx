import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listReviewInbox } from "@/lib/subscriptions/inbox";
import { loadPage } from "@/lib/pages/guard";
import { Badge, Card, EmptyState, PageHeader, RoleBadge, Tabs, formatDateTime } from "@/components/ui/layout";
import { DecisionBanner } from "@/components/access/decision-banner";
import { SubscriptionActions } from "@/components/access/subscription-actions";
import { SubscriptionStatusBadge, planLimitsText } from "@/components/access/subscription-status";

export const metadata = { title: "Access requests" };

export default async function AccessRequestsPage({ searchParams }: { searchParams: Promise<{ view?: string; request?: string; decided?: string }> }) {
  const { view: requested, request: highlighted, decided } = await searchParams;
  const view = requested === "decided" ? "decided" : "pending";
  const actor = await getSessionActor();
  const requests = await loadPage(() => listReviewInbox(actor, { view }), "/access-requests");
  return (
    <>
      <PageHeader title="Access requests" description="Requests from other teams for the APIs you approve for. Approving activates the subscription; its keys can then call the API." />
      <DecisionBanner actor={actor} subscriptionId={decided} />
      <Tabs
        current={view === "pending" ? "/access-requests" : "/access-requests?view=decided"}
        tabs={[
          { href: "/access-requests", label: "Waiting for a decision" },
          { href: "/access-requests?view=decided", label: "Decided" },
        ]}
      />
      {requests.length === 0 ? (
        <EmptyState title={view === "pending" ? "Nothing waits for you" : "No decisions yet"}>
          {view === "pending" ? "New requests for your teams' APIs appear here, and you are notified of each." : "Approved, rejected, cancelled and revoked requests appear here."}
        </EmptyState>
      ) : (
        <ul className="space-y-4" aria-label={view === "pending" ? "Pending requests" : "Decided requests"}>
          {requests.map((request) => (
            <li key={request.id} id={`request-${request.id}`} aria-label={`${request.application.team.name} → ${request.api.name}`}>
              <Card
                className={request.id === highlighted ? "ring-2 ring-indigo-400" : ""}
                title={`${request.application.team.name} → ${request.api.name}`}
                description={<>Requested {formatDateTime(request.createdAt)} by {request.requester.name ?? request.requester.email}</>}
                actions={<SubscriptionStatusBadge status={request.status} />}
              >
                <div className="grid gap-5 md:grid-cols-2">
                  <dl className="space-y-3 text-sm">
                    <div>
                      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Application</dt>
                      <dd className="text-slate-900">
                        {request.application.name} <Badge tone={request.application.environment === "PRODUCTION" ? "indigo" : "slate"}>{request.application.environment === "PRODUCTION" ? "Production" : "Sandbox"}</Badge>
                      </dd>
                    </div>
                    <div>
                      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Plan</dt>
                      <dd className="text-slate-900">
                        {request.plan.name}: <span className="text-slate-600">{planLimitsText(request.plan)}</span>
                      </dd>
                    </div>
                    <div>
                      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Why they need it</dt>
                      <dd className="whitespace-pre-wrap rounded-md bg-slate-50 px-3 py-2 text-slate-800">{request.requestNote || "—"}</dd>
                    </div>
                    <div>
                      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">API</dt>
                      <dd>
                        <Link className="text-indigo-700 hover:underline" href={`/apis/${request.api.slug}`}>{request.api.name}</Link> <span className="text-slate-500">of {request.api.team.name}</span>
                      </dd>
                    </div>
                  </dl>
                  <div className="space-y-3 text-sm">
                    <div>
                      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Members of {request.application.team.name}</p>
                      <ul className="mt-1 space-y-1">
                        {request.teamMembers.map((member) => (
                          <li key={member.user.email} className="flex items-center gap-2">
                            <span className="text-slate-800">{member.user.name ?? member.user.email}</span>
                            <RoleBadge role={member.role} />
                          </li>
                        ))}
                      </ul>
                    </div>
                    <div>
                      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Their other subscriptions</p>
                      {request.teamOtherSubscriptions.length === 0 ? (
                        <p className="text-slate-500">None.</p>
                      ) : (
                        <ul className="mt-1 space-y-1">
                          {request.teamOtherSubscriptions.map((other) => (
                            <li key={other.id} className="text-slate-700">
                              {other.api.name} · {other.plan.name} · {other.application.name} <SubscriptionStatusBadge status={other.status} />
                            </li>
                          ))}
                        </ul>
                      )}
                    </div>
                    <div>
                      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">History</p>
                      <ol className="mt-1 space-y-1 text-slate-700">
                        {request.events.map((event) => (
                          <li key={event.id}>
                            <span className="text-xs text-slate-500">{formatDateTime(event.createdAt)}</span> {event.fromStatus ? `${event.fromStatus.toLowerCase()} → ` : ""}
                            {event.toStatus.toLowerCase()}
                            {event.actor ? ` by ${event.actor.name ?? event.actor.email}` : ""}
                            {event.note && event.fromStatus ? `: “${event.note}”` : ""}
                          </li>
                        ))}
                      </ol>
                    </div>
                  </div>
                </div>
                {request.status === "PENDING" ? (
                  <div className="mt-4 border-t border-slate-100 pt-4">
                    {request.isOwnRequest ? (
                      <p className="text-sm text-slate-600">You asked for this access, so another OWNER or ADMIN of {request.api.team.name} decides on it.</p>
                    ) : (
                      <SubscriptionActions subscriptionId={request.id} actions={["approve", "reject"]} label={`request of ${request.application.team.name} for ${request.api.name}`} returnPath={view === "pending" ? "/access-requests" : "/access-requests?view=decided"} />
                    )}
                  </div>
                ) : null}
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
