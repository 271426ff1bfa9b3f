import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { getApiOverview, getVersionDocument } from "@/lib/catalog/api-details";
import { loadPage } from "@/lib/pages/guard";
import { gatewayUrl, tryItChoices } from "@/lib/subscriptions/try-it";
import { TryItDocs } from "@/components/catalog/try-it-docs";
import { VersionPicker } from "@/components/catalog/version-picker";
import { StateBadge } from "@/components/catalog/badges";
import { PageHeader, formatDate } from "@/components/ui/layout";
import { buttonClass } from "@/components/ui/button";

export default async function DocsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const requested = (await searchParams).version;
  const actor = await getSessionActor();
  const path = `/apis/${slug}/docs`;
  const [{ api, version }, overview, tryIt] = await loadPage(
    () => Promise.all([getVersionDocument(actor, slug, typeof requested === "string" && requested ? requested : "latest"), getApiOverview(actor, slug), tryItChoices(actor, slug)]),
    path,
  );
  const notTryable =
    version.state === "RETIRED"
      ? "A retired version cannot be tried: the gateway answers 410 Gone."
      : version.state === "DRAFT" || version.state === "IN_REVIEW"
        ? "A version can be tried once it is published: the gateway does not route drafts."
        : null;
  const download = (format: "json" | "yaml") => `/api/v1/apis/${api.slug}/versions/${encodeURIComponent(version.version)}/openapi.${format}`;
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]}
        title={`${api.name} documentation`}
        description={<span className="flex items-center gap-2"><span className="font-mono">v{version.version}</span><StateBadge state={version.state} /></span>}
        actions={
          <>
            <a className={buttonClass("secondary")} href={download("json")} download>Download JSON</a>
            <a className={buttonClass("secondary")} href={download("yaml")} download>Download YAML</a>
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <VersionPicker slug={api.slug} current={version.version} versions={overview.versions.map((v) => ({ version: v.version, state: v.state }))} />
      </div>
      {version.state === "DEPRECATED" ? (
        <div role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <strong>This version is deprecated.</strong>{" "}
          {version.sunsetAt ? <>It will be retired on {formatDate(version.sunsetAt)}; after that, calls are refused. </> : null}
          {version.replacement ? (
            <>Move to <Link className="font-medium underline" href={`/apis/${api.slug}/docs?version=${encodeURIComponent(version.replacement.version)}`}>version {version.replacement.version}</Link>.</>
          ) : null}
        </div>
      ) : null}
      {version.state === "RETIRED" ? (
        <div role="note" className="mb-4 rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
          <strong>This version is retired</strong>{version.retiredAt ? <> since {formatDate(version.retiredAt)}</> : null}: the gateway refuses its calls, and it cannot be tried.{" "}
          {version.replacement ? <>Use <Link className="font-medium underline" href={`/apis/${api.slug}/docs?version=${encodeURIComponent(version.replacement.version)}`}>version {version.replacement.version}</Link>.</> : null}
        </div>
      ) : null}
      {version.state === "DRAFT" || version.state === "IN_REVIEW" ? (
        <div role="note" className="mb-4 rounded-md border border-slate-300 bg-slate-100 px-4 py-3 text-sm text-slate-800">
          This version is a {version.state === "DRAFT" ? "draft" : "draft in review"}: only its team sees it.
        </div>
      ) : null}
      <TryItDocs
        spec={version.openapiDocument as object}
        slug={api.slug}
        apiName={api.name}
        version={version.version}
        gatewayUrl={gatewayUrl()}
        applications={tryIt.applications.map((application) => ({ id: application.id, name: application.name, team: { name: application.team.name } }))}
        keyless={tryIt.keyless}
        signedIn={tryIt.signedIn}
        notTryable={notTryable}
      />
    </>
  );
}
