"use client";

import { useState, useTransition } from "react";
import { deleteRulesetAction, setRulesetEnabledAction } from "@/app/admin/governance/actions";
import { ConfirmButton } from "@/components/ui/confirm-button";

/** On/off switch of an imported ruleset. */
export function RulesetToggle({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const [value, setValue] = useState(enabled);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        role="switch"
        aria-checked={value}
        aria-label={`${name} enabled`}
        disabled={pending}
        onClick={() => {
          const next = !value;
          setValue(next);
          startTransition(async () => {
            const result = await setRulesetEnabledAction(id, next);
            if (result && !result.ok) {
              setError(result.error);
              setValue(!next);
            } else setError(null);
          });
        }}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:opacity-60 ${value ? "bg-indigo-600" : "bg-slate-300"}`}
      >
        <span className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${value ? "translate-x-5" : "translate-x-0.5"}`} />
      </button>
      <span className="text-xs text-slate-600">{value ? "enabled" : "disabled"}</span>
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
    </span>
  );
}

export function DeleteRuleset({ id, name }: { id: string; name: string }) {
  return <ConfirmButton label="Delete" confirmLabel={`Delete ${name}`} pendingLabel="Deleting…" onConfirm={() => deleteRulesetAction(id)} />;
}
