// The usage card of an application's page: per API it calls, this month's
// requests against the plan's quota, the busiest minute against the rate
// limit, errors, and the last 7 days hour by hour.
import Link from "next/link";
import type { ReactNode } from "react";
import { getSessionActor } from "@/lib/auth/session";
import { getApplicationUsage, type ApplicationUsage as Usage } from "@/lib/usage/analytics";
import { Card, EmptyState, formatDateTime } from "@/components/ui/layout";
import { TrafficChart } from "./charts";
import { formatCount, formatMs, formatShare } from "./format";

const DAY = 86_400_000;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const UNIT_NAMES = { REQUESTS: "requests", TOKENS: "tokens", COST_MICROS: "cost" } as const;

function Meter({ label, share, children }: { label: string; share: number | null; children: ReactNode }) {
  const percent = share == null ? null : share * 100;
  const tone = percent == null ? "" : percent >= 100 ? "bg-red-600" : percent >= 80 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-0.5 text-sm text-slate-800">{children}</p>
      {percent != null ? (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.min(100, Math.round(percent))}
          aria-valuetext={formatShare(share)}
          className="mt-1.5 h-2 w-full overflow-hidden rounded-full bg-slate-100"
        >
          <div className={`h-full rounded-full ${tone}`} style={{ width: `${Math.min(100, Math.max(percent, percent > 0 ? 1 : 0))}%` }} />
        </div>
      ) : null}
    </div>
  );
}

function UsageItem({ item, monthName, chartStepMs }: { item: Usage["items"][number]; monthName: string; chartStepMs: number }) {
  const { plan, month } = item;
  const countsRequests = plan?.limitUnit === "REQUESTS";
  const traffic = item.series.map((point) => ({ t: point.t, success: point.requests - point.errors4xx - point.errors5xx, clientErrors: point.errors4xx, serverErrors: point.errors5xx }));
  return (
    <li className="space-y-4 py-4 first:pt-0 last:pb-0" aria-label={`Usage of ${item.api.name}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p>
          <Link href={`/apis/${item.api.slug}`} className="font-medium text-indigo-700 hover:underline">
            {item.api.name}
          </Link>
          <span className="ml-2 text-xs text-slate-500">by {item.api.teamName}</span>
        </p>
        <p className="text-xs text-slate-600">{plan ? `Plan ${plan.name}` : "No active subscription: calls are refused until access is granted again."}</p>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Meter label={`Requests in ${monthName}`} share={item.quotaShare}>
          <span className="font-semibold tabular-nums">{formatCount(month.requests)}</span>
          {plan && !countsRequests ? ` · quota counted in ${UNIT_NAMES[plan.limitUnit]}` : plan?.monthlyQuota ? ` of ${formatCount(plan.monthlyQuota)} (${formatShare(item.quotaShare)})` : plan ? " · no monthly quota" : ""}
        </Meter>
        <Meter label="Busiest minute" share={item.rateShare}>
          <span className="font-semibold tabular-nums">{formatCount(month.peakPerMinute)}</span> per minute
          {plan?.rateLimitPerMinute && countsRequests ? ` of ${formatCount(plan.rateLimitPerMinute)} allowed` : plan ? " · no rate limit" : ""}
          {month.peakAt ? <span className="block text-xs text-slate-500">{formatDateTime(month.peakAt)}</span> : null}
        </Meter>
        <Meter label={`Errors in ${monthName}`} share={null}>
          <span className="tabular-nums">
            4xx {formatCount(month.errors4xx)} ({formatShare(month.requests ? month.errors4xx / month.requests : null)}) · 5xx {formatCount(month.errors5xx)} ({formatShare(month.requests ? month.errors5xx / month.requests : null)})
          </span>
          <span className="block text-xs text-slate-500">p95 latency over 7 days: {formatMs(item.last7Days.p95)}</span>
        </Meter>
      </div>
      {item.last7Days.requests > 0 ? (
        <TrafficChart points={traffic} label={`Requests to ${item.api.name}, last 7 days`} stepMs={chartStepMs} tickEveryMs={DAY} height={200} />
      ) : (
        <p className="text-sm text-slate-500">No calls in the last 7 days.</p>
      )}
    </li>
  );
}

/**
 * The card for one application. It loads the usage through the same
 * permission check as the page around it (the application's team and
 * platform admins), so it is safe wherever it is placed.
 */
export async function ApplicationUsage({ applicationId }: { applicationId: string }) {
  const actor = await getSessionActor();
  const usage = await getApplicationUsage(actor, applicationId);
  const monthName = MONTHS[usage.monthStart.getUTCMonth()];
  return (
    <Card title="Usage" description={`Calls through the gateway in ${monthName} (UTC) against each plan's limits, and the last 7 days hour by hour.`}>
      {usage.items.length === 0 ? (
        <EmptyState title="No usage yet">Once a subscription is approved and the application sends one of its keys to the gateway, its calls show up here within seconds.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Usage by API">
          {usage.items.map((item) => (
            <UsageItem key={item.api.id} item={item} monthName={monthName} chartStepMs={usage.chartWindow.stepMs} />
          ))}
        </ul>
      )}
    </Card>
  );
}
