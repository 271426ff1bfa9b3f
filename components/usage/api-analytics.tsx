// The sections of an API's analytics page (app/apis/[slug]/analytics):
// server-rendered figures and tables around the client-side charts.
import Link from "next/link";
import { USAGE_RANGES, type ApiAnalytics, type UsageRange } from "@/lib/usage/analytics";
import { StateBadge } from "@/components/catalog/badges";
import { Card, EmptyState, formatDate, formatDateTime } from "@/components/ui/layout";
import { ErrorRateChart, LatencyChart, TrafficChart } from "./charts";
import { formatBytes, formatCount, formatMs, formatShare, perStep } from "./format";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Where the x axis gets a tick, per range. */
const TICK_EVERY: Record<UsageRange, number> = { "1h": 10 * MINUTE, "24h": 3 * HOUR, "7d": DAY, "30d": 7 * DAY };

export function RangePicker({ slug, current }: { slug: string; current: UsageRange }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md shadow-xs ring-1 ring-inset ring-slate-300">
      {(Object.keys(USAGE_RANGES) as UsageRange[]).map((range, index) => {
        const active = range === current;
        return (
          <Link
            key={range}
            href={`/apis/${slug}/analytics?range=${range}`}
            aria-current={active ? "page" : undefined}
            aria-label={USAGE_RANGES[range].label}
            className={`px-3 py-2 text-sm font-medium ${index > 0 ? "border-l border-slate-300" : ""} ${index === 0 ? "rounded-l-md" : ""} ${index === 3 ? "rounded-r-md" : ""} ${active ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
          >
            {USAGE_RANGES[range].short}
          </Link>
        );
      })}
    </nav>
  );
}

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</dd>
      {detail ? <dd className="mt-0.5 text-xs text-slate-500">{detail}</dd> : null}
    </div>
  );
}

export function UsageFigures({ totals }: { totals: ApiAnalytics["totals"] }) {
  const rate = (errors: number) => (totals.requests > 0 ? errors / totals.requests : null);
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Summary">
      <Figure label="Requests" value={formatCount(totals.requests)} detail={`${formatBytes(totals.bytesIn)} in · ${formatBytes(totals.bytesOut)} out`} />
      <Figure label="4xx rate" value={formatShare(rate(totals.errors4xx))} detail={`${formatCount(totals.errors4xx)} client errors`} />
      <Figure label="5xx rate" value={formatShare(rate(totals.errors5xx))} detail={`${formatCount(totals.errors5xx)} server errors`} />
      <Figure label="Latency p50" value={formatMs(totals.p50)} detail={`mean ${formatMs(totals.meanMs)}`} />
      <Figure label="Latency p95" value={formatMs(totals.p95)} />
      <Figure label="Latency p99" value={formatMs(totals.p99)} />
    </dl>
  );
}

export function UsageCharts({ analytics }: { analytics: ApiAnalytics }) {
  const { series, range } = analytics;
  const axis = { stepMs: range.stepMs, tickEveryMs: TICK_EVERY[range.key] };
  const traffic = series.map((point) => ({ t: point.t, success: point.requests - point.errors4xx - point.errors5xx, clientErrors: point.errors4xx, serverErrors: point.errors5xx }));
  const latency = series.map((point) => ({ t: point.t, p50: point.p50, p95: point.p95, p99: point.p99 }));
  const errorRate = series.map((point) => ({
    t: point.t,
    rate4xx: point.requests > 0 ? (100 * point.errors4xx) / point.requests : null,
    rate5xx: point.requests > 0 ? (100 * point.errors5xx) / point.requests : null,
  }));
  return (
    <>
      <Card title="Traffic" description={`Requests ${perStep(range.stepMs)}, by status class.`}>
        <TrafficChart points={traffic} label="Traffic by status class" {...axis} />
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Latency" description={`p50, p95 and p99 ${perStep(range.stepMs)}, measured at the gateway (upstream included).`}>
          <LatencyChart points={latency} label="Latency percentiles" {...axis} />
        </Card>
        <Card title="Error rate" description={`Share of requests answered 4xx and 5xx, ${perStep(range.stepMs)}.`}>
          <ErrorRateChart points={errorRate} label="Error rate" {...axis} />
        </Card>
      </div>
    </>
  );
}

function daysUntil(date: Date, now: Date): string {
  const days = Math.ceil((date.getTime() - now.getTime()) / DAY);
  if (days > 1) return `in ${days} days`;
  if (days === 1) return "tomorrow";
  if (days === 0) return "today";
  return `${-days} days ago`;
}

const consumerName = (party: { applicationId: string; applicationName: string | null }) =>
  party.applicationName ?? (party.applicationId ? "Deleted application" : "Keyless calls (no application)");

/**
 * Who still calls each deprecated version: per caller the calls in the range,
 * the last one, and whom in that team to write to (its OWNERs and ADMINs),
 * with one link to write to all of them.
 */
export function SunsetCampaign({ analytics, now }: { analytics: ApiAnalytics; now: Date }) {
  const { sunsetCampaign, api, range } = analytics;
  return (
    <Card
      title="Sunset campaign: who still calls deprecated versions"
      description={`Applications that called a deprecated version of ${api.name} in the ${range.label.toLowerCase()}, and whom to contact before the sunset.`}
    >
      {sunsetCampaign.length === 0 ? (
        <p className="text-sm text-slate-600">No version of {api.name} is deprecated. Once you deprecate one, this lists who still calls it and whom to write to.</p>
      ) : (
        <div className="space-y-6">
          {sunsetCampaign.map((version) => {
            const emails = [...new Set(version.callers.flatMap((caller) => caller.contacts.map((contact) => contact.email)))];
            const subject = `${api.name} ${version.version} ${version.sunsetAt ? `is retired on ${formatDate(version.sunsetAt)}` : "is deprecated"}${version.replacement ? `: please move to ${version.replacement}` : ""}`;
            return (
              <section key={version.versionId} aria-label={`Callers of ${version.version}`} className="space-y-2">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="text-sm font-semibold text-slate-900">
                    <span className="font-mono">{version.version}</span>{" "}
                    <span className="font-normal text-slate-600">
                      {version.sunsetAt ? `sunset ${formatDate(version.sunsetAt)} (${daysUntil(version.sunsetAt, now)})` : "no sunset date"}
                      {version.replacement ? ` · replaced by ${version.replacement}` : ""}
                    </span>
                  </h3>
                  {emails.length ? (
                    <a className="text-sm font-medium text-indigo-700 hover:underline" href={`mailto:?bcc=${emails.map(encodeURIComponent).join(",")}&subject=${encodeURIComponent(subject)}`}>
                      Email all {emails.length} contact{emails.length === 1 ? "" : "s"}
                    </a>
                  ) : null}
                </div>
                {version.callers.length === 0 ? (
                  <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">No calls in the {range.label.toLowerCase()}: nobody is left to move.</p>
                ) : (
                  <div className="overflow-x-auto">
                    <table className="min-w-full text-sm" aria-label={`Applications still calling ${version.version}`}>
                      <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                        <tr>
                          <th scope="col" className="py-2 pr-4">Application</th>
                          <th scope="col" className="py-2 pr-4">Team</th>
                          <th scope="col" className="py-2 pr-4 text-right">Requests</th>
                          <th scope="col" className="py-2 pr-4">Last call</th>
                          <th scope="col" className="py-2">Contacts</th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-slate-100">
                        {version.callers.map((caller) => (
                          <tr key={caller.applicationId} className="align-top">
                            <td className="py-2 pr-4 font-medium text-slate-900">{consumerName(caller)}</td>
                            <td className="py-2 pr-4 text-slate-700">{caller.team?.name ?? "—"}</td>
                            <td className="py-2 pr-4 text-right tabular-nums">{formatCount(caller.requests)}</td>
                            <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{formatDateTime(caller.lastAt)}</td>
                            <td className="py-2">
                              {caller.contacts.length ? (
                                <ul className="space-y-0.5">
                                  {caller.contacts.map((contact) => (
                                    <li key={contact.email}>
                                      <a className="text-indigo-700 hover:underline" href={`mailto:${contact.email}?subject=${encodeURIComponent(subject)}`}>
                                        {contact.email}
                                      </a>{" "}
                                      <span className="text-xs text-slate-500">{contact.name ? `${contact.name}, ` : ""}{contact.role.toLowerCase()}</span>
                                    </li>
                                  ))}
                                </ul>
                              ) : (
                                <span className="text-slate-500">—</span>
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            );
          })}
        </div>
      )}
    </Card>
  );
}

export function TopConsumers({ analytics }: { analytics: ApiAnalytics }) {
  const { consumers } = analytics;
  return (
    <Card title="Top consumers" description={consumers.count > consumers.top.length ? `The ${consumers.top.length} busiest of ${consumers.count} consumers.` : "Every application that called, busiest first."}>
      {consumers.top.length === 0 ? (
        <p className="text-sm text-slate-600">No application called in this range.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Top consumers">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4">Application</th>
                <th scope="col" className="py-2 pr-4">Team</th>
                <th scope="col" className="py-2 pr-4 text-right">Requests</th>
                <th scope="col" className="py-2 pr-4 text-right">4xx</th>
                <th scope="col" className="py-2 pr-4 text-right">5xx</th>
                <th scope="col" className="py-2 pr-4 text-right">p95</th>
                <th scope="col" className="py-2">Last call</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {consumers.top.map((consumer) => (
                <tr key={consumer.applicationId}>
                  <td className="py-2 pr-4 font-medium text-slate-900">{consumerName(consumer)}</td>
                  <td className="py-2 pr-4 text-slate-700">{consumer.team?.name ?? "—"}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatCount(consumer.requests)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatCount(consumer.errors4xx)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatCount(consumer.errors5xx)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatMs(consumer.p95)}</td>
                  <td className="py-2 whitespace-nowrap text-slate-600">{formatDateTime(consumer.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function VersionTraffic({ analytics }: { analytics: ApiAnalytics }) {
  const { versions, api } = analytics;
  return (
    <Card title="Traffic by version" description="Which versions consumers call, so you know when an old one can go.">
      {versions.length === 0 ? (
        <p className="text-sm text-slate-600">No version was called in this range.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Traffic by version">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-4">Version</th>
                <th scope="col" className="py-2 pr-4">State</th>
                <th scope="col" className="py-2 pr-4 text-right">Requests</th>
                <th scope="col" className="py-2 pr-4 text-right">Share</th>
                <th scope="col" className="py-2 pr-4 text-right">Errors</th>
                <th scope="col" className="py-2 pr-4 text-right">p50</th>
                <th scope="col" className="py-2 text-right">p95</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {versions.map((version) => (
                <tr key={version.versionId}>
                  <td className="py-2 pr-4 font-mono">
                    {version.version ? (
                      <Link className="text-indigo-700 hover:underline" href={`/apis/${api.slug}/versions/${encodeURIComponent(version.version)}`}>
                        {version.version}
                      </Link>
                    ) : (
                      <span className="font-sans text-slate-500">{version.versionId ? "deleted version" : "no version resolved"}</span>
                    )}
                  </td>
                  <td className="py-2 pr-4">{version.state ? <StateBadge state={version.state} /> : "—"}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatCount(version.requests)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatShare(version.share)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatShare(version.requests > 0 ? (version.errors4xx + version.errors5xx) / version.requests : null)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatMs(version.p50)}</td>
                  <td className="py-2 text-right tabular-nums">{formatMs(version.p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** What to do when there is no traffic yet: how calls reach the gateway. */
export function NoTraffic({ analytics, gatewayUrl }: { analytics: ApiAnalytics; gatewayUrl: string }) {
  const { api, range } = analytics;
  const selector = api.currentVersion ? `v${api.currentVersion.split(".")[0]}` : "<version>";
  return (
    <EmptyState title={`No calls to ${api.name} in the ${range.label.toLowerCase()}`}>
      <p>Calls through the gateway show up here within seconds. A consumer needs an approved subscription and one of its application&apos;s API keys:</p>
      <pre className="mx-auto mt-3 max-w-full overflow-x-auto rounded-md bg-slate-900 px-4 py-3 text-left text-xs text-slate-100">
        <code>{`curl -H "Authorization: Bearer $PORTICO_KEY" ${gatewayUrl}/${api.slug}/${selector}/…`}</code>
      </pre>
      <p className="mt-3">
        Point consumers at the <Link className="text-indigo-700 underline" href={`/apis/${api.slug}/docs`}>docs</Link>, where they can try operations with their own key, or pick a{" "}
        <Link className="text-indigo-700 underline" href={`/apis/${api.slug}/analytics?range=30d`}>longer range</Link>.
      </p>
    </EmptyState>
  );
}
