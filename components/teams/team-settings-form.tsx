"use client";

import { useActionState } from "react";
import { updateTeamAction } from "@/app/teams/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Textarea } from "@/components/ui/form";

export function TeamSettingsForm({ slug, team }: { slug: string; team: { name: string; description: string | null; requireReview: boolean } }) {
  const [state, action, pending] = useActionState(updateTeamAction.bind(null, slug), null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  return (
    <form action={action} className="max-w-lg space-y-4">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      <FormSuccess message={state?.ok ? state.message : null} />
      <Field label="Team name" htmlFor="settings-name" error={fieldError("name")}>
        <Input id="settings-name" name="name" defaultValue={team.name} required />
      </Field>
      <Field label="Description" htmlFor="settings-description" error={fieldError("description")}>
        <Textarea id="settings-description" name="description" rows={3} defaultValue={team.description ?? ""} />
      </Field>
      <div className="flex items-start gap-3">
        <input id="settings-review" name="requireReview" type="checkbox" defaultChecked={team.requireReview} className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600" />
        <label htmlFor="settings-review" className="text-sm">
          <span className="font-medium text-slate-900">Require review before publishing</span>
          <span className="block text-slate-600">A second team ADMIN approves each new version (four eyes).</span>
        </label>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save settings"}
      </Button>
    </form>
  );
}
