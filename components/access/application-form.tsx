"use client";

import { useActionState } from "react";
import { createApplicationAction, updateApplicationAction } from "@/app/apps/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Select, Textarea } from "@/components/ui/form";

interface Values {
  name: string;
  description: string;
  environment: "SANDBOX" | "PRODUCTION";
}

/** Creates an application for one of the viewer's teams, or edits one (`applicationId`). */
export function ApplicationForm({ teams, applicationId, values, returnTo }: { teams?: { slug: string; name: string }[]; applicationId?: string; values?: Values; returnTo?: string }) {
  const [state, action, pending] = useActionState(applicationId ? updateApplicationAction.bind(null, applicationId) : createApplicationAction.bind(null, returnTo ?? null), null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const prefix = applicationId ? "edit-app" : "new-app";
  return (
    <form action={action} className="space-y-4">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      {state?.ok ? <FormSuccess message={state.message} /> : null}
      {teams ? (
        <Field label="Team" htmlFor={`${prefix}-team`} error={fieldError("team")} hint="The team that owns the application and its keys.">
          <Select id={`${prefix}-team`} name="team" required defaultValue={teams[0]?.slug}>
            {teams.map((team) => (
              <option key={team.slug} value={team.slug}>
                {team.name}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      <Field label="Name" htmlFor={`${prefix}-name`} error={fieldError("name")}>
        <Input id={`${prefix}-name`} name="name" required minLength={2} maxLength={80} defaultValue={values?.name} placeholder="Checkout service" />
      </Field>
      <Field label="Description" htmlFor={`${prefix}-description`} error={fieldError("description")}>
        <Textarea id={`${prefix}-description`} name="description" rows={2} maxLength={1000} defaultValue={values?.description} placeholder="What calls the APIs with this application's keys" />
      </Field>
      <Field label="Environment" htmlFor={`${prefix}-environment`} error={fieldError("environment")}>
        <Select id={`${prefix}-environment`} name="environment" defaultValue={values?.environment ?? "SANDBOX"}>
          <option value="SANDBOX">Sandbox</option>
          <option value="PRODUCTION">Production</option>
        </Select>
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : applicationId ? "Save changes" : "Create application"}
      </Button>
    </form>
  );
}
