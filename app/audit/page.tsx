import { getSessionActor } from "@/lib/auth/session";
import { isPlatformAdmin } from "@/lib/authz/permissions";
import { listAuditEvents } from "@/lib/audit/list";
import { loadPage } from "@/lib/pages/guard";
import { AuditLog, auditFiltersFrom } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const filters = auditFiltersFrom(await searchParams);
  const actor = await getSessionActor();
  const page = await loadPage(() => listAuditEvents(actor, { ...filters, limit: 50 }), "/audit");
  return (
    <>
      <PageHeader
        title="Audit log"
        description={isPlatformAdmin(actor) ? "Every change made in Portico, by anyone. The log is append-only." : "Changes in the teams you administer, and your own account's events. The log is append-only."}
      />
      <AuditLog basePath="/audit" rows={page.items} nextCursor={page.nextCursor} filters={filters} showTeam />
    </>
  );
}
