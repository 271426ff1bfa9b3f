"use client";

import { useActionState, useState } from "react";
import { subscriptionAction } from "@/app/access-requests/actions";
import type { SubscriptionAction } from "@/lib/subscriptions/transitions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Textarea } from "@/components/ui/form";

const NEEDS_REASON: Record<SubscriptionAction, "required" | "optional" | "none"> = { approve: "optional", reject: "required", revoke: "required", cancel: "none" };
const LABEL: Record<SubscriptionAction, string> = { approve: "Approve", reject: "Reject…", revoke: "Revoke…", cancel: "Cancel subscription" };
const CONFIRM: Record<SubscriptionAction, string> = { approve: "Approve access", reject: "Reject request", revoke: "Revoke access", cancel: "Yes, cancel it" };

/**
 * The decisions this viewer may take on one subscription. Reject and revoke
 * ask for the reason the other team will read; the server checks everything
 * again (a stale page gets the server's refusal).
 */
export function SubscriptionActions({ subscriptionId, actions, label, returnPath }: { subscriptionId: string; actions: SubscriptionAction[]; label: string; returnPath: string }) {
  const [open, setOpen] = useState<SubscriptionAction | null>(null);
  if (!actions.length) return null;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {actions.map((action) => (
          <Button key={action} variant={action === "approve" ? "primary" : open === action ? "secondary" : "danger"} onClick={() => setOpen(open === action ? null : action)} aria-expanded={open === action} aria-label={`${LABEL[action].replace("…", "")} ${label}`}>
            {LABEL[action]}
          </Button>
        ))}
      </div>
      {open ? <DecisionForm key={open} subscriptionId={subscriptionId} action={open} returnPath={returnPath} onCancel={() => setOpen(null)} /> : null}
    </div>
  );
}

function DecisionForm({ subscriptionId, action, returnPath, onCancel }: { subscriptionId: string; action: SubscriptionAction; returnPath: string; onCancel: () => void }) {
  const [state, submit, pending] = useActionState(subscriptionAction.bind(null, subscriptionId, action, returnPath), null);
  const reason = NEEDS_REASON[action];
  const id = `${action}-reason-${subscriptionId}`;
  return (
    <form action={submit} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      {reason !== "none" ? (
        <Field label={reason === "required" ? "Reason (the requesting team will read it)" : "Note (optional)"} htmlFor={id} error={state && !state.ok ? state.fieldErrors?.reason : undefined}>
          <Textarea id={id} name="reason" rows={2} required={reason === "required"} maxLength={2000} />
        </Field>
      ) : (
        <p className="text-sm text-slate-700">Calls with this application&apos;s keys to this API will stop working at once.</p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant={action === "approve" ? "primary" : "danger"} disabled={pending}>
          {pending ? "Working…" : CONFIRM[action]}
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={pending}>
          Back
        </Button>
      </div>
    </form>
  );
}
