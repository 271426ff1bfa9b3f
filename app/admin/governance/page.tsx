import { getSessionActor } from "@/lib/auth/session";
import { listGovernanceRules } from "@/lib/versions/governance";
import { loadPage } from "@/lib/pages/guard";
import { RuleSeverity } from "@/components/settings/rule-severity";
import { Card, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Governance rules" };

export default async function GovernancePage() {
  const actor = await getSessionActor();
  const rules = await loadPage(() => listGovernanceRules(actor), "/admin/governance");
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/admin", label: "Admin" }]} title="Governance rules" description="Every uploaded version is linted against these rules. Errors block publishing; warnings are shown but do not." />
      <Card>
        <ul className="divide-y divide-slate-100" aria-label="Governance rules">
          {rules.map((rule) => (
            <li key={rule.id} className="flex items-center justify-between gap-4 py-2.5">
              <div className="min-w-0">
                <p className="font-mono text-sm text-slate-900">{rule.id}</p>
                <p className="text-sm text-slate-600">{rule.description}</p>
              </div>
              <RuleSeverity ruleId={rule.id} severity={rule.severity} />
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
