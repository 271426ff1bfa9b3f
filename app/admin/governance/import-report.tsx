import { Badge } from "@/components/ui/layout";
import type { ImportStatus, RulesetImportItem } from "@/lib/specs/rulesets";

const GROUPS: { status: ImportStatus; title: string; tone: "emerald" | "indigo" | "slate" | "red"; explain: string }[] = [
  { status: "accepted", title: "Accepted", tone: "emerald", explain: "Rules Portico applies as written." },
  { status: "mapped", title: "Mapped", tone: "indigo", explain: "Spectral settings carried over to Portico's built-in rules." },
  { status: "ignored", title: "Ignored", tone: "slate", explain: "Parts that do not apply here; nothing is lost by dropping them." },
  { status: "refused", title: "Refused", tone: "red", explain: "Parts Portico will not run; the rules concerned are left out." },
];

/** What an import made of a ruleset, grouped by decision, each with where it is in the ruleset. */
export function ImportReport({ items, label }: { items: RulesetImportItem[]; label: string }) {
  return (
    <div className="space-y-4" role="region" aria-label={label}>
      {GROUPS.map((group) => {
        const entries = items.filter((item) => item.status === group.status);
        if (!entries.length) return null;
        return (
          <section key={group.status} aria-label={`${group.title} (${entries.length})`}>
            <h3 className="flex items-center gap-2 text-sm font-semibold text-slate-900">
              <Badge tone={group.tone}>{group.title}</Badge> {entries.length}
              <span className="font-normal text-slate-500">{group.explain}</span>
            </h3>
            <ul className="mt-1 divide-y divide-slate-100">
              {entries.map((entry, index) => (
                <li key={`${entry.pointer}-${index}`} className="py-1.5 text-sm">
                  <p className="text-slate-800">
                    <span className="font-mono font-medium">{entry.subject}</span> — {entry.detail}
                  </p>
                  <p className="font-mono text-xs text-slate-500">
                    {entry.line ? `line ${entry.line}${entry.column ? `:${entry.column}` : ""} · ` : ""}
                    {entry.pointer || "/"}
                  </p>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
