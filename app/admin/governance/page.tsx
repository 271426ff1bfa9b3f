import { getSessionActor } from "@/lib/auth/session";
import { listGovernanceRules, listRulesets } from "@/lib/versions/governance";
import { loadPage } from "@/lib/pages/guard";
import { RuleSeverity } from "@/components/settings/rule-severity";
import { Badge, Card, EmptyState, PageHeader, formatDateTime } from "@/components/ui/layout";
import { ImportReport } from "@/app/admin/governance/import-report";
import { RulesetImport } from "@/app/admin/governance/ruleset-import";
import { DeleteRuleset, RulesetToggle } from "@/app/admin/governance/ruleset-controls";

export const metadata = { title: "Governance rules" };

const SEVERITY_WORD: Record<string, string> = { error: "error", warn: "warning", off: "off" };

export default async function GovernancePage() {
  const actor = await getSessionActor();
  const [rules, rulesets] = await loadPage(() => Promise.all([listGovernanceRules(actor), listRulesets(actor)]), "/admin/governance");
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/admin", label: "Admin" }]} title="Governance rules" description="Every uploaded version is linted against these rules. Errors block publishing; warnings are shown but do not." />
      <div className="space-y-6">
        <Card title="Built-in rules" description="Redocly's recommended rules and Portico's own. An enabled ruleset below may change some of them while it is enabled.">
          <ul className="divide-y divide-slate-100" aria-label="Governance rules">
            {rules.map((rule) => (
              <li key={rule.id} className="flex items-center justify-between gap-4 py-2.5">
                <div className="min-w-0">
                  <p className="font-mono text-sm text-slate-900">{rule.id}</p>
                  <p className="text-sm text-slate-600">{rule.description}</p>
                  {rule.overriddenBy ? (
                    <p className="mt-0.5 text-xs text-indigo-700">
                      Ruleset <span className="font-mono">{rule.overriddenBy.ruleset}</span> sets it to {SEVERITY_WORD[rule.overriddenBy.severity] ?? rule.overriddenBy.severity} while enabled.
                    </p>
                  ) : null}
                </div>
                <RuleSeverity ruleId={rule.id} severity={rule.severity} />
              </li>
            ))}
          </ul>
        </Card>

        <Card
          title="Rulesets"
          description="Spectral-style rulesets (YAML or JSON) your teams already keep: their rules run on every upload beside the built-in ones, reported as <ruleset>/<rule>."
        >
          {rulesets.length ? (
            <ul className="divide-y divide-slate-100" aria-label="Rulesets">
              {rulesets.map((ruleset) => (
                <li key={ruleset.id} className="py-3" aria-label={ruleset.name}>
                  <div className="flex items-start justify-between gap-4">
                    <div className="min-w-0">
                      <p className="flex items-center gap-2 font-mono text-sm font-medium text-slate-900">
                        {ruleset.name}
                        {ruleset.enabled ? null : <Badge>disabled</Badge>}
                      </p>
                      <p className="text-sm text-slate-600">
                        {ruleset.counts.rules} {ruleset.counts.rules === 1 ? "rule" : "rules"}
                        {ruleset.counts.mapped ? ` · ${ruleset.counts.mapped} mapped` : ""}
                        {ruleset.counts.ignored ? ` · ${ruleset.counts.ignored} ignored` : ""}
                        {ruleset.counts.refused ? ` · ${ruleset.counts.refused} refused` : ""}
                        {` · imported ${formatDateTime(ruleset.createdAt)}`}
                        {ruleset.createdBy ? ` by ${ruleset.createdBy}` : ""}
                      </p>
                    </div>
                    <div className="flex items-start gap-3">
                      <RulesetToggle id={ruleset.id} name={ruleset.name} enabled={ruleset.enabled} />
                      <DeleteRuleset id={ruleset.id} name={ruleset.name} />
                    </div>
                  </div>
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm text-indigo-700 hover:underline">What Portico made of it</summary>
                    <div className="mt-2">
                      <ImportReport items={ruleset.items} label={`What Portico made of ${ruleset.name}`} />
                    </div>
                  </details>
                  <details className="mt-1">
                    <summary className="cursor-pointer text-sm text-indigo-700 hover:underline">View source</summary>
                    <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800" aria-label={`Source of ${ruleset.name}`}>
                      {ruleset.source}
                    </pre>
                  </details>
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title="No rulesets imported">Import one below: you will see what applies before anything is saved.</EmptyState>
          )}
        </Card>

        <Card title="Import a ruleset" description="Paste or choose a Spectral ruleset. Portico runs the core functions only: custom functions and JavaScript rulesets are refused, never run.">
          <RulesetImport />
        </Card>
      </div>
    </>
  );
}
