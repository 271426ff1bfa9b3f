"use client";

import { useActionState } from "react";
import { createTokenAction } from "@/app/settings/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/form";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createTokenAction, null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const created = state?.ok ? state.data : undefined;
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-4">
        <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
        <Field label="Token name" htmlFor="token-name" error={fieldError("name")} hint="Where it is used, e.g. “CI publish job”.">
          <Input id="token-name" name="name" required />
        </Field>
        <Field label="Expires" htmlFor="token-expiry" error={fieldError("expiresInDays")}>
          <Select id="token-expiry" name="expiresInDays" defaultValue="90">
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="never">never</option>
          </Select>
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
      {created ? (
        <div role="status" className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p>
            Copy the token <strong>{created.name}</strong> now. Portico keeps only its hash, so it will not be shown again.
          </p>
          <label htmlFor="new-token" className="sr-only">New token</label>
          <Input id="new-token" readOnly value={created.secret} className="font-mono text-xs" onFocus={(event) => event.currentTarget.select()} />
        </div>
      ) : null}
    </div>
  );
}
