"use client";

import { useActionState } from "react";
import { createGatewayCredentialAction } from "@/app/admin/gateway/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";
import { SecretBox } from "@/components/ui/secret-box";

export function CreateGatewayCredentialForm() {
  const [state, action, pending] = useActionState(createGatewayCredentialAction, null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const created = state?.ok ? state.data : undefined;
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-4">
        <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
        <Field label="Name" htmlFor="gateway-credential-name" error={fieldError("name")} hint="Which gateway uses it, e.g. “eu-west gateways”.">
          <Input id="gateway-credential-name" name="name" required maxLength={100} />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create credential"}
        </Button>
      </form>
      {created ? <SecretBox id="new-gateway-credential" title={`New gateway credential “${created.name}”`} secret={created.secret} /> : null}
    </div>
  );
}
