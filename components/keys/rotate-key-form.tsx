"use client";

import { useActionState, useState } from "react";
import { rotateKeyAction } from "@/app/apps/[id]/key-actions";
import { ROTATION_GRACE_CHOICES } from "@/lib/keys/schemas";
import { Button } from "@/components/ui/button";
import { FormError, Select } from "@/components/ui/form";
import { SecretBox } from "@/components/ui/secret-box";

/**
 * Rotate in place: pick how long the old key keeps working, confirm. Stays
 * mounted after the rotation (the row then offers no rotation) so the new
 * key can still be shown once.
 */
export function RotateKeyForm({ applicationId, keyId, keyName, rotatable }: { applicationId: string; keyId: string; keyName: string; rotatable: boolean }) {
  const [state, action, pending] = useActionState(rotateKeyAction.bind(null, applicationId, keyId), null);
  const [open, setOpen] = useState(false);
  const rotated = state?.ok ? state.data : undefined;
  if (rotated) return <SecretBox id={`rotated-${keyId}`} title={`Replacement for “${rotated.name}”`} secret={rotated.secret} className="w-full sm:w-[30rem]" />;
  if (!rotatable) return null;
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Rotate
      </Button>
    );
  }
  const selectId = `grace-${keyId}`;
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <FormError message={state && !state.ok ? state.error : null} />
      <label htmlFor={selectId} className="text-sm text-slate-700">
        Old key stops working
      </label>
      <Select id={selectId} name="graceSeconds" defaultValue="86400" className="w-auto">
        {ROTATION_GRACE_CHOICES.map((choice) => (
          <option key={choice.seconds} value={choice.seconds}>
            {choice.label}
          </option>
        ))}
      </Select>
      <Button type="submit" disabled={pending} aria-label={`Rotate ${keyName} now`}>
        {pending ? "Rotating…" : "Rotate now"}
      </Button>
      <Button variant="ghost" disabled={pending} onClick={() => setOpen(false)}>
        Cancel
      </Button>
    </form>
  );
}
