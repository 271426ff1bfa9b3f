"use client";

import { useActionState } from "react";
import { createKeyAction } from "@/app/apps/[id]/key-actions";
import { KEY_EXPIRY_CHOICES } from "@/lib/keys/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/form";
import { SecretBox } from "@/components/ui/secret-box";

export function CreateKeyForm({ applicationId }: { applicationId: string }) {
  const [state, action, pending] = useActionState(createKeyAction.bind(null, applicationId), null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const created = state?.ok ? state.data : undefined;
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-3">
        <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
        <div className="grid gap-3 sm:grid-cols-[1fr_12rem]">
          <Field label="Key name" htmlFor="key-name" error={fieldError("name")} hint="Where it is used, e.g. “production backend”.">
            <Input id="key-name" name="name" required maxLength={100} />
          </Field>
          <Field label="Expires" htmlFor="key-expiry" error={fieldError("expiresInDays")}>
            <Select id="key-expiry" name="expiresInDays" defaultValue="90">
              {KEY_EXPIRY_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </Button>
      </form>
      {created ? <SecretBox id="new-api-key" title={`New key “${created.name}”`} secret={created.secret} /> : null}
    </div>
  );
}
