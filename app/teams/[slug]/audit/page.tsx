import { getSessionActor } from "@/lib/auth/session";
import { listAuditEvents } from "@/lib/audit/list";
import { loadPage } from "@/lib/pages/guard";
import { AuditLog, auditFiltersFrom } from "@/components/audit/audit-log";

export const metadata = { title: "Team audit log" };

export default async function TeamAuditPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const filters = { ...auditFiltersFrom(await searchParams), team: slug };
  const actor = await getSessionActor();
  const page = await loadPage(() => listAuditEvents(actor, { ...filters, limit: 50 }), `/teams/${slug}/audit`);
  return <AuditLog basePath={`/teams/${slug}/audit`} rows={page.items} nextCursor={page.nextCursor} filters={{ ...filters, team: undefined }} showTeam={false} />;
}
