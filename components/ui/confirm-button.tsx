"use client";

import { useState, useTransition } from "react";
import { Button } from "./button";

/**
 * A destructive button that asks for a second click in place, and shows the
 * server's refusal next to it.
 */
export function ConfirmButton({ label, confirmLabel, onConfirm, pendingLabel = "Working…" }: { label: string; confirmLabel: string; pendingLabel?: string; onConfirm: () => Promise<{ ok: boolean; error?: string } | null> }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (!asking) {
    return (
      <span className="inline-flex flex-col items-end gap-1">
        <Button variant="danger" onClick={() => { setError(null); setAsking(true); }}>
          {label}
        </Button>
        {error ? <span role="alert" className="max-w-xs text-right text-xs text-red-700">{error}</span> : null}
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="danger"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await onConfirm();
            setAsking(false);
            if (result && !result.ok) setError(result.error ?? "Refused.");
          })
        }
      >
        {pending ? pendingLabel : confirmLabel}
      </Button>
      <Button variant="ghost" disabled={pending} onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}
