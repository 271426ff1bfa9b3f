import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { can } from "@/lib/authz/permissions";
import { loadPage } from "@/lib/pages/guard";
import { listWebhooks } from "@/lib/webhooks/webhooks";
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS } from "@/lib/webhooks/events";
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS } from "@/lib/webhooks/deliver";
import { VERIFY_EXAMPLE } from "@/lib/webhooks/signature";
import { Badge, Card, EmptyState, formatDateTime } from "@/components/ui/layout";
import { DeliveryStatusBadge } from "./status-badge";
import { WebhookForm } from "./webhook-form";

export const metadata = { title: "Webhooks" };

const eventOptions = WEBHOOK_EVENTS.map((value) => ({ value, label: WEBHOOK_EVENT_LABELS[value] }));

function delayLabel(seconds: number) {
  return seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${seconds / 60} min` : `${seconds / 3600} h`;
}

export default async function TeamWebhooksPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { team, context, items } = await loadPage(() => listWebhooks(actor, slug), `/teams/${slug}/webhooks`);
  const mayManage = can(actor, "webhook.manage", context);
  return (
    <div className="grid items-start gap-6 lg:grid-cols-[1fr_24rem]">
      <div className="space-y-6">
        <Card title="Webhooks" description={`Portico POSTs signed events of ${team.name} to these URLs: access requests and decisions on your APIs and apps, and version releases, deprecations and retirements of the APIs you own or use.`}>
          {items.length === 0 ? (
            <EmptyState title="No webhooks yet">{mayManage ? "Add one to have your CI or chat bot hear about access requests and version changes." : "A team owner can add one."}</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Webhooks">
              {items.map((webhook) => (
                <li key={webhook.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
                  <div className="min-w-0">
                    <Link href={`/teams/${slug}/webhooks/${webhook.id}`} className="block truncate font-mono text-sm font-medium text-indigo-700 hover:underline">
                      {webhook.url}
                    </Link>
                    {webhook.description ? <p className="text-sm text-slate-600">{webhook.description}</p> : null}
                    <p className="text-xs text-slate-500">
                      {webhook.events.length === WEBHOOK_EVENTS.length ? "All events" : webhook.events.join(", ")}
                    </p>
                  </div>
                  <div className="flex shrink-0 flex-col items-end gap-1 text-xs text-slate-500">
                    {webhook.active ? <Badge tone="emerald">Active</Badge> : <Badge tone="amber">Paused</Badge>}
                    {webhook.lastDelivery ? (
                      <span className="inline-flex items-center gap-1">
                        Last: <DeliveryStatusBadge status={webhook.lastDelivery.status} /> {formatDateTime(webhook.lastDelivery.createdAt)}
                      </span>
                    ) : (
                      <span>No deliveries yet</span>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Verifying deliveries" description="Check every request before trusting it.">
          <div className="space-y-3 text-sm text-slate-700">
            <p>
              Each delivery is a <code>POST</code> with a JSON body <code>{"{ id, event, occurredAt, data }"}</code> and these headers: <code>Portico-Event</code>, <code>Portico-Delivery</code> (the delivery id, the same on every retry), <code>Portico-Timestamp</code> (unix seconds) and{" "}
              <code>Portico-Signature: v1=&lt;hex&gt;</code>, the HMAC-SHA256 of <code>&lt;timestamp&gt;.&lt;raw body&gt;</code> with the webhook&apos;s secret.
            </p>
            <p>
              Recompute it over the raw body, compare in constant time, and refuse timestamps more than 5 minutes away from your clock. The event <code>id</code> is the same when an event is redelivered: use it to ignore duplicates.
            </p>
            <p>
              Answer with a 2xx status within 10 seconds. Anything else (redirects included: they are not followed) is retried after {RETRY_DELAYS_SECONDS.map(delayLabel).join(", ")}; after {MAX_ATTEMPTS} attempts the delivery is marked failed and an owner can redeliver it.
            </p>
            <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
              <code>{VERIFY_EXAMPLE}</code>
            </pre>
          </div>
        </Card>
      </div>
      {mayManage ? (
        <Card title="Add a webhook" description="Only team owners manage webhooks.">
          <WebhookForm slug={slug} events={eventOptions} />
        </Card>
      ) : null}
    </div>
  );
}
