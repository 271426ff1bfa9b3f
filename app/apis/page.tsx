import Link from "next/link";
import { Suspense } from "react";
import { getSessionActor } from "@/lib/auth/session";
import { catalogFacets, searchCatalog } from "@/lib/catalog/search";
import { catalogQuery, LIFECYCLE_STATES, VISIBILITIES } from "@/lib/catalog/query";
import { SearchBox } from "@/components/catalog/search-box";
import { FilterSelect } from "@/components/catalog/filter-select";
import { MethodBadge, StateBadge, VisibilityBadge } from "@/components/catalog/badges";
import { EmptyState, PageHeader } from "@/components/ui/layout";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "API catalog" };

type SearchParams = Record<string, string | string[] | undefined>;

function single(params: SearchParams) {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
}

export default async function CatalogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const raw = single(await searchParams);
  const parsed = catalogQuery.safeParse({ ...raw, limit: 24 });
  const query = parsed.success ? parsed.data : catalogQuery.parse({ limit: 24 });
  const actor = await getSessionActor();
  const [results, facets] = await Promise.all([searchCatalog(actor, query), catalogFacets(actor)]);
  const filtered = Boolean(query.q || query.team || query.tag || query.category || query.state || query.visibility);
  const pageLink = (page: number) => `/apis?${new URLSearchParams({ ...raw, page: String(page) }).toString()}`;
  const pages = Math.max(1, Math.ceil(results.total / results.limit));

  return (
    <>
      <PageHeader
        title="API catalog"
        description={actor ? "Every API you may use, across all teams." : "Public APIs. Sign in to see your organisation's internal APIs too."}
        actions={actor ? <Link href="/apis/new" className={buttonClass("primary")}>New API</Link> : null}
      />
      <div className="mb-5">
        <Suspense>
          <SearchBox initial={query.q ?? ""} />
        </Suspense>
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-[14rem_1fr]">
        <aside aria-label="Filters" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <Suspense>
            <FilterSelect name="sort" label="Sort by" value={query.sort ?? (query.q ? "relevance" : "name")} options={[{ value: "relevance", label: "Relevance" }, { value: "name", label: "Name" }, { value: "updated", label: "Recently updated" }]} />
            <FilterSelect name="team" label="Owner team" value={query.team} emptyLabel="Any team" options={facets.teams.map((t) => ({ value: t.slug, label: `${t.name} (${t.count})` }))} />
            <FilterSelect name="tag" label="Tag" value={query.tag} emptyLabel="Any tag" options={facets.tags.map((t) => ({ value: t.value, label: `${t.value} (${t.count})` }))} />
            <FilterSelect name="category" label="Category" value={query.category} emptyLabel="Any category" options={facets.categories.map((c) => ({ value: c.value, label: `${c.value} (${c.count})` }))} />
            <FilterSelect name="state" label="Lifecycle" value={query.state} emptyLabel="Any state" options={LIFECYCLE_STATES.map((s) => ({ value: s, label: s.toLowerCase().replace("_", " ") }))} />
            <FilterSelect name="visibility" label="Visibility" value={query.visibility} emptyLabel="Any visibility" options={VISIBILITIES.map((v) => ({ value: v, label: v.toLowerCase() }))} />
          </Suspense>
          {filtered ? <Link href="/apis" className="block pt-1 text-sm font-medium text-indigo-700 hover:underline">Clear search and filters</Link> : null}
        </aside>
        <section aria-label="Results">
          <p className="mb-3 text-sm text-slate-600" aria-live="polite" data-testid="result-count">
            {results.total === 0 ? "No APIs" : `${results.total} ${results.total === 1 ? "API" : "APIs"}`}
            {query.q ? <> matching “{query.q}”</> : null}
          </p>
          {results.items.length === 0 ? (
            filtered ? (
              <EmptyState title="No API matches">Try fewer words, another spelling, or clear the filters.</EmptyState>
            ) : (
              <EmptyState title="Nothing published yet">When teams publish APIs they appear here.</EmptyState>
            )
          ) : (
            <ul className="space-y-3">
              {results.items.map((item) => (
                <li key={item.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-xs">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0">
                      <h2 className="text-base font-semibold">
                        <Link href={`/apis/${item.slug}`} className="text-slate-900 hover:text-indigo-700 hover:underline">{item.name}</Link>
                      </h2>
                      <p className="text-sm text-slate-500">
                        by <Link href={`/apis?team=${item.team.slug}`} className="hover:underline">{item.team.name}</Link>
                        {item.category ? <> · {item.category}</> : null}
                      </p>
                    </div>
                    <div className="flex items-center gap-1.5">
                      {item.latestVersion ? (
                        <>
                          <span className="font-mono text-xs text-slate-600">v{item.latestVersion.version}</span>
                          <StateBadge state={item.latestVersion.state} />
                        </>
                      ) : (
                        <StateBadge state="DRAFT" />
                      )}
                      <VisibilityBadge visibility={item.visibility} />
                    </div>
                  </div>
                  {item.summary ? <p className="mt-2 text-sm text-slate-700">{item.summary}</p> : null}
                  {item.tags.length ? (
                    <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Tags">
                      {item.tags.map((tag) => (
                        <li key={tag}>
                          <Link href={`/apis?tag=${encodeURIComponent(tag)}`} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 hover:bg-slate-200">#{tag}</Link>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {item.operationHits.length ? (
                    <ul className="mt-3 space-y-1 border-t border-slate-100 pt-2" aria-label={`Matching operations of ${item.name}`}>
                      {item.operationHits.map((hit) => (
                        <li key={`${hit.method} ${hit.path}`}>
                          <Link href={`/apis/${item.slug}/docs#${hit.anchor}`} className="flex items-center gap-2 text-sm hover:underline">
                            <MethodBadge method={hit.method} />
                            <span className="font-mono text-xs text-slate-800">{hit.path}</span>
                            <span className="truncate text-slate-600">{hit.summary}</span>
                          </Link>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {pages > 1 ? (
            <nav aria-label="Pages" className="mt-5 flex items-center justify-between">
              {results.page > 1 ? <Link className={buttonClass("secondary")} href={pageLink(results.page - 1)}>Previous</Link> : <span />}
              <span className="text-sm text-slate-600">Page {results.page} of {pages}</span>
              {results.hasMore ? <Link className={buttonClass("secondary")} href={pageLink(results.page + 1)}>Next</Link> : <span />}
            </nav>
          ) : null}
        </section>
      </div>
    </>
  );
}
