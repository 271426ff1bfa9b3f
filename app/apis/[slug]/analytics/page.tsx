import { getSessionActor } from "@/lib/auth/session";
import { loadPage } from "@/lib/pages/guard";
import { getApiAnalytics, parseUsageRange } from "@/lib/usage/analytics";
import { PageHeader } from "@/components/ui/layout";
import { NoTraffic, RangePicker, SunsetCampaign, TopConsumers, UsageCharts, UsageFigures, VersionTraffic } from "@/components/usage/api-analytics";

export const metadata = { title: "Analytics" };

/** Where consumers reach the gateway, for the "how to get traffic" hint. */
function gatewayUrl(): string {
  return (process.env.GATEWAY_URL ?? `http://localhost:${process.env.GATEWAY_PORT ?? 8080}`).replace(/\/$/, "");
}

export default async function ApiAnalyticsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ range?: string }> }) {
  const { slug } = await params;
  const range = parseUsageRange((await searchParams).range);
  const actor = await getSessionActor();
  const analytics = await loadPage(() => getApiAnalytics(actor, slug, range), `/apis/${slug}/analytics?range=${range}`);
  const { api } = analytics;
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]}
        title="Analytics"
        description={`Calls to ${api.name} through the gateway, all versions, ${analytics.range.label.toLowerCase()}. Times in UTC; a call shows up within seconds.`}
        actions={<RangePicker slug={api.slug} current={range} />}
      />
      <div className="space-y-6">
        <UsageFigures totals={analytics.totals} />
        {analytics.totals.requests === 0 ? <NoTraffic analytics={analytics} gatewayUrl={gatewayUrl()} /> : <UsageCharts analytics={analytics} />}
        <SunsetCampaign analytics={analytics} now={analytics.range.to} />
        <TopConsumers analytics={analytics} />
        <VersionTraffic analytics={analytics} />
      </div>
    </>
  );
}
