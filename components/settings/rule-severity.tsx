"use client";

import { useState, useTransition } from "react";
import { setGovernanceRuleAction } from "@/app/admin/actions";

export function RuleSeverity({ ruleId, severity }: { ruleId: string; severity: "error" | "warn" | "off" }) {
  const [value, setValue] = useState(severity);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <label htmlFor={`rule-${ruleId}`} className="sr-only">Severity of {ruleId}</label>
      <select
        id={`rule-${ruleId}`}
        value={value}
        disabled={pending}
        onChange={(event) => {
          const next = event.target.value as typeof severity;
          setValue(next);
          startTransition(async () => {
            const result = await setGovernanceRuleAction(ruleId, next);
            if (result && !result.ok) {
              setError(result.error);
              setValue(severity);
            } else setError(null);
          });
        }}
        className="rounded-md border-0 bg-white py-1 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300"
      >
        <option value="error">error</option>
        <option value="warn">warning</option>
        <option value="off">off</option>
      </select>
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
    </span>
  );
}
