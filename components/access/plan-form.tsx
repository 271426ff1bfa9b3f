"use client";

import { useActionState, useState } from "react";
import { savePlanAction } from "@/app/apis/[slug]/plans/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Select, Textarea } from "@/components/ui/form";

export interface PlanValues {
  id: string;
  name: string;
  description: string;
  rateLimitPerMinute: number | null;
  monthlyQuota: string | null;
  requiresApproval: boolean;
  visibility: "PUBLIC" | "RESTRICTED";
  allowedTeams: string;
}

export function PlanForm({ apiSlug, plan }: { apiSlug: string; plan?: PlanValues }) {
  const [state, action, pending] = useActionState(savePlanAction.bind(null, apiSlug, plan?.id ?? null), null);
  const [visibility, setVisibility] = useState(plan?.visibility ?? "PUBLIC");
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const p = plan ? `plan-${plan.id}` : "new-plan";
  return (
    <form action={action} className="space-y-3">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      {state?.ok ? <FormSuccess message={state.message} /> : null}
      <Field label="Name" htmlFor={`${p}-name`} error={fieldError("name")}>
        <Input id={`${p}-name`} name="name" required minLength={2} maxLength={60} defaultValue={plan?.name} placeholder="Gold" />
      </Field>
      <Field label="Description" htmlFor={`${p}-description`} error={fieldError("description")}>
        <Textarea id={`${p}-description`} name="description" rows={2} maxLength={1000} defaultValue={plan?.description} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Requests per minute" htmlFor={`${p}-rpm`} error={fieldError("rateLimitPerMinute")} hint="Empty: no limit">
          <Input id={`${p}-rpm`} name="rateLimitPerMinute" type="number" min={1} defaultValue={plan?.rateLimitPerMinute ?? ""} />
        </Field>
        <Field label="Requests per month" htmlFor={`${p}-quota`} error={fieldError("monthlyQuota")} hint="Empty: no quota">
          <Input id={`${p}-quota`} name="monthlyQuota" type="number" min={1} defaultValue={plan?.monthlyQuota ?? ""} />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" name="requiresApproval" defaultChecked={plan?.requiresApproval ?? true} className="accent-indigo-600" />
        Requests need approval by an OWNER or ADMIN of this team
      </label>
      <Field label="Offered to" htmlFor={`${p}-visibility`} error={fieldError("visibility")}>
        <Select id={`${p}-visibility`} name="visibility" value={visibility} onChange={(event) => setVisibility(event.target.value as "PUBLIC" | "RESTRICTED")}>
          <option value="PUBLIC">Every team that can see the API</option>
          <option value="RESTRICTED">Only the teams listed below</option>
        </Select>
      </Field>
      {visibility === "RESTRICTED" ? (
        <Field label="Teams (slugs, comma-separated)" htmlFor={`${p}-teams`} error={fieldError("allowedTeams")}>
          <Input id={`${p}-teams`} name="allowedTeams" defaultValue={plan?.allowedTeams} placeholder="mobile, data-science" />
        </Field>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : plan ? "Save plan" : "Add plan"}
      </Button>
    </form>
  );
}
