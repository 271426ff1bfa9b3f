"use client";

import { useActionState, useState } from "react";
import { inviteMemberAction } from "@/app/teams/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/form";

export function InviteForm({ slug, mayInviteOwners }: { slug: string; mayInviteOwners: boolean }) {
  const [state, action, pending] = useActionState(inviteMemberAction.bind(null, slug), null);
  const [copied, setCopied] = useState(false);
  const roles = mayInviteOwners ? ["DEVELOPER", "VIEWER", "ADMIN", "OWNER"] : ["DEVELOPER", "VIEWER", "ADMIN"];
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const invited = state?.ok ? state.data : undefined;
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-4" onSubmit={() => setCopied(false)}>
        <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
        <Field label="Email" htmlFor="invite-email" error={fieldError("email")}>
          <Input id="invite-email" name="email" type="email" required placeholder="colleague@example.com" />
        </Field>
        <Field label="Role" htmlFor="invite-role" error={fieldError("role")}>
          <Select id="invite-role" name="role" defaultValue="DEVELOPER">
            {roles.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Inviting…" : "Send invitation"}
        </Button>
      </form>
      {invited ? (
        <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p>
            Invitation for <strong>{invited.email}</strong> created{invited.mailed ? " and emailed" : ""}. Share this link; it is shown only now and expires in 7 days.
          </p>
          <label htmlFor="invitation-link" className="sr-only">
            Invitation link
          </label>
          <Input id="invitation-link" readOnly value={invited.link} onFocus={(event) => event.currentTarget.select()} className="font-mono text-xs" />
          <Button
            variant="secondary"
            onClick={async () => {
              await navigator.clipboard?.writeText(invited.link).catch(() => undefined);
              setCopied(true);
            }}
          >
            {copied ? "Copied" : "Copy link"}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
