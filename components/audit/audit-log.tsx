import Link from "next/link";
import { ButtonLink, buttonClass } from "@/components/ui/button";
import { Input } from "@/components/ui/form";
import { EmptyState, formatDateTime } from "@/components/ui/layout";

export interface AuditRow {
  id: string;
  action: string;
  actorEmail: string | null;
  targetType: string;
  targetId: string | null;
  targetLabel: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: Date;
  team: { slug: string; name: string } | null;
}

function show(value: unknown): string {
  if (value == null) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** "role: DEVELOPER → ADMIN" lines for changed fields; "name: X" lines for created ones. */
function describeChange(before: unknown, after: unknown): string[] {
  const asRecord = (value: unknown) => (value && typeof value === "object" ? (value as Record<string, unknown>) : {});
  const was = asRecord(before);
  const now = asRecord(after);
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])];
  return keys.map((key) => {
    if (key in was && key in now) return `${key}: ${show(was[key])} → ${show(now[key])}`;
    return key in now ? `${key}: ${show(now[key])}` : `${key} was ${show(was[key])}`;
  });
}

/** The audit log table with its filter form; the filters live in the URL. */
export function AuditLog({ basePath, rows, nextCursor, filters, showTeam }: { basePath: string; rows: AuditRow[]; nextCursor: string | null; filters: Record<string, string | undefined>; showTeam: boolean }) {
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
    return `${basePath}?${params.toString()}`;
  };
  return (
    <div className="space-y-4">
      <form method="get" action={basePath} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-5" aria-label="Filter the audit log">
        {showTeam ? (
          <div>
            <label htmlFor="filter-team" className="mb-1 block text-xs font-medium text-slate-700">Team (slug)</label>
            <Input id="filter-team" name="team" defaultValue={filters.team} placeholder="any" />
          </div>
        ) : null}
        <div>
          <label htmlFor="filter-action" className="mb-1 block text-xs font-medium text-slate-700">Action starts with</label>
          <Input id="filter-action" name="action" defaultValue={filters.action} placeholder="member." />
        </div>
        <div>
          <label htmlFor="filter-actor" className="mb-1 block text-xs font-medium text-slate-700">Actor email</label>
          <Input id="filter-actor" name="actor" defaultValue={filters.actor} placeholder="anyone" />
        </div>
        <div>
          <label htmlFor="filter-from" className="mb-1 block text-xs font-medium text-slate-700">From</label>
          <Input id="filter-from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass("primary")}>Filter</button>
          <Link href={basePath} className={buttonClass("ghost")}>Clear</Link>
        </div>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No audit events match">Changes appear here as people make them.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Audit events">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Time</th>
                <th scope="col" className="px-4 py-2">Actor</th>
                <th scope="col" className="px-4 py-2">Action</th>
                {showTeam ? <th scope="col" className="px-4 py-2">Team</th> : null}
                <th scope="col" className="px-4 py-2">Target</th>
                <th scope="col" className="px-4 py-2">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={row.id} className="align-top">
                  <td className="whitespace-nowrap px-4 py-2 text-slate-600" title={row.requestId ? `request ${row.requestId}` : undefined}>{formatDateTime(row.createdAt)}</td>
                  <td className="px-4 py-2 text-slate-800">{row.actorEmail ?? "system"}</td>
                  <td className="px-4 py-2 font-mono text-xs text-indigo-800">{row.action}</td>
                  {showTeam ? <td className="px-4 py-2 text-slate-700">{row.team?.name ?? "—"}</td> : null}
                  <td className="px-4 py-2 text-slate-700">
                    <span className="text-xs uppercase tracking-wide text-slate-500">{row.targetType.replace(/_/g, " ")}</span>
                    <span className="block break-all">{row.targetLabel ?? row.targetId ?? ""}</span>
                  </td>
                  <td className="max-w-xs px-4 py-2 text-xs text-slate-600">
                    {describeChange(row.before, row.after).map((line) => (
                      <span key={line} className="block break-all font-mono">{line}</span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex justify-end gap-2">
        {filters.cursor ? <ButtonLink variant="secondary" href={query({ cursor: "" })}>Newest</ButtonLink> : null}
        {nextCursor ? <ButtonLink variant="secondary" href={query({ cursor: nextCursor })}>Older events</ButtonLink> : null}
      </div>
    </div>
  );
}

/** The filters a page reads from its search params. */
export function auditFiltersFrom(params: Record<string, string | string[] | undefined>) {
  const pick = (key: string) => (typeof params[key] === "string" && params[key] ? (params[key] as string) : undefined);
  return { team: pick("team"), action: pick("action"), actor: pick("actor"), from: pick("from"), cursor: pick("cursor") };
}
