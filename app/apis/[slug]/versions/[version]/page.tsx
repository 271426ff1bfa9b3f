import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { getVersionDetails, type StoredChange } from "@/lib/versions/details";
import { loadPage } from "@/lib/pages/guard";
import { StateBadge } from "@/components/catalog/badges";
import { Markdown } from "@/components/catalog/markdown";
import { LifecycleActions } from "@/components/versions/lifecycle-actions";
import { ChangelogForm } from "@/components/versions/changelog-form";
import { Badge, Card, PageHeader, formatDate, formatDateTime } from "@/components/ui/layout";
import { ButtonLink } from "@/components/ui/button";

const KIND_TONE = { breaking: "red", "non-breaking": "emerald", annotation: "slate" } as const;

function groupByOperation(changes: StoredChange[]) {
  const groups = new Map<string, StoredChange[]>();
  for (const change of changes) groups.set(change.operation ?? "Document", [...(groups.get(change.operation ?? "Document") ?? []), change]);
  return [...groups.entries()];
}

export default async function VersionPage({ params }: { params: Promise<{ slug: string; version: string }> }) {
  const { slug, version: versionParam } = await params;
  const versionName = decodeURIComponent(versionParam);
  const actor = await getSessionActor();
  const details = await loadPage(() => getVersionDetails(actor, slug, versionName), `/apis/${slug}/versions/${versionParam}`);
  const { api, version, lint, changes } = details;
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]}
        title={`${api.name} ${version.version}`}
        description={<span className="flex items-center gap-2"><StateBadge state={version.state} /> uploaded {formatDateTime(version.createdAt)}{version.sunsetAt ? <> · sunset {formatDate(version.sunsetAt)}</> : null}</span>}
        actions={<ButtonLink variant="secondary" href={`/apis/${api.slug}/docs?version=${encodeURIComponent(version.version)}`}>Docs</ButtonLink>}
      />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <Card title="Governance" description={lint ? `${lint.errors} ${lint.errors === 1 ? "error" : "errors"}, ${lint.warnings} ${lint.warnings === 1 ? "warning" : "warnings"}. Errors block publishing.` : "Not linted."}>
            {lint && lint.problems.length ? (
              <ul className="max-h-96 divide-y divide-slate-100 overflow-auto" aria-label="Lint findings">
                {lint.problems.map((problem, index) => (
                  <li key={index} className="flex gap-3 py-2 text-sm">
                    <Badge tone={problem.severity === "error" ? "red" : "amber"}>{problem.severity}</Badge>
                    <div className="min-w-0">
                      <p className="text-slate-800">{problem.message}</p>
                      <p className="truncate font-mono text-xs text-slate-500">{problem.ruleId} · {problem.pointer || "/"}{problem.line ? ` · line ${problem.line}` : ""}</p>
                    </div>
                  </li>
                ))}
              </ul>
            ) : lint ? <p className="text-sm text-emerald-700">No findings.</p> : null}
          </Card>
          <Card title="What changed" description={changes?.againstVersion ? `Against ${changes.againstVersion}: ${changes.breaking} breaking, ${changes.nonBreaking} non-breaking, ${changes.annotation} annotations.` : "The first released version: nothing to compare with."}>
            {changes && changes.changes.length ? (
              <div className="space-y-4" aria-label="Changes by operation">
                {groupByOperation(changes.changes).map(([operation, list]) => (
                  <section key={operation}>
                    <h3 className="font-mono text-sm font-semibold text-slate-800">{operation}</h3>
                    <ul className="mt-1 space-y-1">
                      {list.map((change, index) => (
                        <li key={index} className="flex gap-2 text-sm"><Badge tone={KIND_TONE[change.kind]}>{change.kind}</Badge><span className="text-slate-700">{change.message}</span></li>
                      ))}
                    </ul>
                  </section>
                ))}
              </div>
            ) : null}
          </Card>
          {version.state === "DRAFT" && details.mayEdit ? (
            <Card title="Changelog"><ChangelogForm slug={api.slug} version={version.version} changelog={version.changelog ?? ""} /></Card>
          ) : version.changelog ? (
            <Card title="Changelog"><Markdown>{version.changelog}</Markdown></Card>
          ) : null}
        </div>
        <div className="space-y-6">
          <Card title="Lifecycle">
            <LifecycleActions slug={api.slug} version={version.version} actions={details.actions} breaking={details.breakingWithoutMajor} minNoticeDays={api.minNoticeDays} earliest={details.earliestSunset} replacements={details.replacementCandidates} />
          </Card>
          <Card title="History">
            <ol className="space-y-2 text-sm" aria-label="Lifecycle history">
              {details.events.map((event, index) => (
                <li key={index}>
                  <span className="text-slate-800">{event.from ? `${event.from.toLowerCase()} → ` : ""}{event.to.toLowerCase()}</span>
                  <span className="block text-xs text-slate-500">{formatDateTime(event.createdAt)} · {event.actor?.name ?? event.actor?.email ?? "system"}</span>
                  {event.reason ? <span className="block text-xs text-slate-600">“{event.reason}”</span> : null}
                </li>
              ))}
            </ol>
          </Card>
          <p className="text-sm"><Link className="text-indigo-700 hover:underline" href={`/apis/${api.slug}/versions/new`}>Upload another version</Link></p>
        </div>
      </div>
    </>
  );
}
