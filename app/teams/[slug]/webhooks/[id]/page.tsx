import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { can } from "@/lib/authz/permissions";
import { loadPage } from "@/lib/pages/guard";
import { getWebhook, listDeliveries } from "@/lib/webhooks/webhooks";
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS } from "@/lib/webhooks/events";
import { DELIVERY_STATUSES, MAX_ATTEMPTS } from "@/lib/webhooks/deliver";
import { Badge, Card, EmptyState, formatDateTime } from "@/components/ui/layout";
import { buttonClass } from "@/components/ui/button";
import { DeliveryStatusBadge } from "../status-badge";
import { WebhookForm } from "../webhook-form";
import { RedeliverButton, SecretControls, WebhookControls } from "../webhook-controls";

export const metadata = { title: "Webhook" };

const eventOptions = WEBHOOK_EVENTS.map((value) => ({ value, label: WEBHOOK_EVENT_LABELS[value] }));
const FILTERS = [{ value: "", label: "All" }, ...DELIVERY_STATUSES.map((value) => ({ value, label: value.charAt(0) + value.slice(1).toLowerCase() }))];

export default async function WebhookPage({ params, searchParams }: { params: Promise<{ slug: string; id: string }>; searchParams: Promise<{ status?: string; cursor?: string }> }) {
  const { slug, id } = await params;
  const query = await searchParams;
  const status = DELIVERY_STATUSES.find((s) => s === query.status);
  const actor = await getSessionActor();
  const path = `/teams/${slug}/webhooks/${id}`;
  const [{ context, webhook }, deliveries] = await loadPage(
    () => Promise.all([getWebhook(actor, slug, id), listDeliveries(actor, slug, id, { status, cursor: query.cursor || undefined, limit: 25 })]),
    path,
  );
  const mayManage = can(actor, "webhook.manage", context);
  const filterHref = (value: string) => (value ? `${path}?status=${value}` : path);
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href={`/teams/${slug}/webhooks`} className="hover:text-slate-800 hover:underline">
          Webhooks
        </Link>
        <span className="mx-1.5 text-slate-400">/</span>
        <span className="font-mono text-slate-700">{webhook.url}</span>
      </nav>
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_24rem]">
        <Card
          title="Deliveries"
          description="Newest first. Each row is one event sent to this URL, with its latest attempt."
          actions={
            <Link href={`${path}${status ? `?status=${status}` : ""}`} className={buttonClass("secondary")}>
              Refresh
            </Link>
          }
        >
          <nav aria-label="Filter deliveries by status" className="mb-3 flex flex-wrap gap-1">
            {FILTERS.map((filter) => (
              <Link
                key={filter.value}
                href={filterHref(filter.value)}
                aria-current={(status ?? "") === filter.value ? "page" : undefined}
                className={`rounded-full px-2.5 py-1 text-xs font-medium ${(status ?? "") === filter.value ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
              >
                {filter.label}
              </Link>
            ))}
          </nav>
          {deliveries.items.length === 0 ? (
            <EmptyState title="No deliveries">{status ? "None with this status." : "Events this webhook subscribes to appear here once they happen. Send a test ping to try it."}</EmptyState>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">Time</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Event</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Status</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Response</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Duration</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Attempts</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Next attempt</th>
                    {mayManage ? <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th> : null}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 align-top">
                  {deliveries.items.map((delivery) => (
                    <tr key={delivery.id}>
                      <td className="whitespace-nowrap py-2 pr-3 text-slate-600">{formatDateTime(delivery.createdAt)}</td>
                      <td className="py-2 pr-3">
                        <code className="text-xs">{delivery.event}</code>
                        <details className="mt-1 text-xs text-slate-600">
                          <summary className="cursor-pointer select-none">Details</summary>
                          <p className="mt-1">
                            Delivery <code>{delivery.id}</code>
                            {delivery.lastAttemptAt ? <> · last attempt {formatDateTime(delivery.lastAttemptAt)}</> : null}
                          </p>
                          {delivery.lastError ? <p className="mt-1 whitespace-pre-wrap break-words text-red-700">{delivery.lastError}</p> : null}
                          <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-50 p-2">{JSON.stringify(delivery.payload, null, 2)}</pre>
                        </details>
                      </td>
                      <td className="py-2 pr-3">
                        <DeliveryStatusBadge status={delivery.status} />
                        {delivery.lastError && delivery.status !== "DELIVERED" ? <p className="mt-1 max-w-56 truncate text-xs text-red-700" title={delivery.lastError}>{delivery.lastError}</p> : null}
                      </td>
                      <td className="py-2 pr-3 font-mono text-xs">{delivery.responseCode ?? "—"}</td>
                      <td className="whitespace-nowrap py-2 pr-3 text-xs text-slate-600">{delivery.durationMs != null ? `${delivery.durationMs} ms` : "—"}</td>
                      <td className="py-2 pr-3 text-xs text-slate-600">
                        {delivery.attempts} / {MAX_ATTEMPTS}
                      </td>
                      <td className="whitespace-nowrap py-2 pr-3 text-xs text-slate-600">{delivery.nextAttemptAt && (delivery.status === "PENDING" || delivery.status === "RETRYING") ? formatDateTime(delivery.nextAttemptAt) : "—"}</td>
                      {mayManage ? (
                        <td className="py-2 text-right">{delivery.status === "FAILED" || delivery.status === "DELIVERED" ? <RedeliverButton slug={slug} id={webhook.id} deliveryId={delivery.id} /> : null}</td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {query.cursor || deliveries.nextCursor ? (
            <div className="mt-3 flex justify-between text-sm">
              {query.cursor ? (
                <Link href={filterHref(status ?? "")} className="text-indigo-700 hover:underline">
                  Newest
                </Link>
              ) : (
                <span />
              )}
              {deliveries.nextCursor ? (
                <Link href={`${path}?${new URLSearchParams({ ...(status ? { status } : {}), cursor: deliveries.nextCursor })}`} className="text-indigo-700 hover:underline">
                  Older
                </Link>
              ) : null}
            </div>
          ) : null}
        </Card>
        <div className="space-y-6">
          <Card title="Webhook" actions={webhook.active ? <Badge tone="emerald">Active</Badge> : <Badge tone="amber">Paused</Badge>}>
            <dl className="space-y-2 text-sm">
              <div>
                <dt className="text-xs font-medium uppercase text-slate-500">URL</dt>
                <dd className="break-all font-mono">{webhook.url}</dd>
              </div>
              {webhook.description ? (
                <div>
                  <dt className="text-xs font-medium uppercase text-slate-500">Description</dt>
                  <dd>{webhook.description}</dd>
                </div>
              ) : null}
              <div>
                <dt className="text-xs font-medium uppercase text-slate-500">Events</dt>
                <dd>
                  <ul className="flex flex-wrap gap-1">
                    {webhook.events.map((event) => (
                      <li key={event}>
                        <Badge>{event}</Badge>
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium uppercase text-slate-500">Created</dt>
                <dd>{formatDateTime(webhook.createdAt)}</dd>
              </div>
            </dl>
            {mayManage ? (
              <div className="mt-4 border-t border-slate-100 pt-4">
                <WebhookControls slug={slug} id={webhook.id} active={webhook.active} />
              </div>
            ) : null}
          </Card>
          {mayManage ? (
            <>
              <Card title="Signing secret" description="Receivers verify each delivery's Portico-Signature with it. Rolling replaces it at once.">
                <SecretControls slug={slug} id={webhook.id} />
              </Card>
              <Card title="Edit">
                <WebhookForm slug={slug} events={eventOptions} webhook={{ id: webhook.id, url: webhook.url, description: webhook.description, events: webhook.events }} />
              </Card>
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
