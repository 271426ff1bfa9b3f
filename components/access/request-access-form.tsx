"use client";

import { useActionState, useState } from "react";
import Link from "next/link";
import { requestAccessAction } from "@/app/access-requests/actions";
import { Button, ButtonLink } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Select, Textarea } from "@/components/ui/form";

export interface OfferedPlan {
  id: string;
  name: string;
  description: string;
  limits: string;
  requiresApproval: boolean;
}

export interface RequestingApplication {
  id: string;
  name: string;
  teamName: string;
  /** Set when the application already has a pending or active subscription to this API. */
  existing: "PENDING" | "ACTIVE" | null;
}

export function RequestAccessForm({ apiSlug, applications, plans, initialApplicationId }: { apiSlug: string; applications: RequestingApplication[]; plans: OfferedPlan[]; initialApplicationId?: string }) {
  const [state, action, pending] = useActionState(requestAccessAction.bind(null, apiSlug), null);
  const firstFree = applications.find((a) => a.id === initialApplicationId) ?? applications.find((a) => !a.existing) ?? applications[0];
  const [applicationId, setApplicationId] = useState(firstFree?.id ?? "");
  const [planId, setPlanId] = useState(plans[0]?.id ?? "");
  const chosen = applications.find((a) => a.id === applicationId);
  const plan = plans.find((p) => p.id === planId);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  if (state?.ok) {
    return (
      <div className="space-y-3">
        <FormSuccess message={state.message} />
        <ButtonLink href={`/apps/${state.data?.applicationId}`} variant="secondary">Go to the application</ButtonLink>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-5">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      <Field label="Application" htmlFor="request-application" error={fieldError("applicationId")} hint="The keys of this application will be allowed to call the API.">
        <Select id="request-application" name="applicationId" value={applicationId} onChange={(event) => setApplicationId(event.target.value)} required>
          {applications.map((application) => (
            <option key={application.id} value={application.id}>
              {application.name} ({application.teamName}){application.existing ? ` — already ${application.existing === "ACTIVE" ? "subscribed" : "requested"}` : ""}
            </option>
          ))}
        </Select>
      </Field>
      {chosen?.existing ? (
        <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {chosen.name} already has {chosen.existing === "ACTIVE" ? "an active subscription" : "a pending request"} for this API. <Link className="underline" href={`/apps/${chosen.id}`}>Manage it on the application&apos;s page</Link>.
        </p>
      ) : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Plan</legend>
        {fieldError("planId") ? <p className="text-sm text-red-700">{fieldError("planId")}</p> : null}
        <div className="grid gap-2 sm:grid-cols-2">
          {plans.map((option) => (
            <label key={option.id} className={`cursor-pointer rounded-lg border p-3 text-sm ${option.id === planId ? "border-indigo-500 bg-indigo-50 ring-1 ring-indigo-500" : "border-slate-200 hover:border-slate-300"}`}>
              <span className="flex items-center gap-2">
                <input type="radio" name="planId" value={option.id} checked={option.id === planId} onChange={() => setPlanId(option.id)} className="accent-indigo-600" />
                <span className="font-medium text-slate-900">{option.name}</span>
              </span>
              <span className="mt-1 block text-slate-600">{option.limits}</span>
              {option.description ? <span className="mt-1 block text-xs text-slate-500">{option.description}</span> : null}
            </label>
          ))}
        </div>
      </fieldset>
      <Field label="Why do you need access?" htmlFor="request-justification" error={fieldError("justification")} hint="The API's team reads this when they decide.">
        <Textarea id="request-justification" name="justification" rows={3} required minLength={10} maxLength={2000} placeholder="What you are building, expected traffic, when you go live" />
      </Field>
      <Button type="submit" disabled={pending || !chosen || Boolean(chosen.existing)}>
        {pending ? "Sending…" : plan?.requiresApproval === false ? "Get access" : "Request access"}
      </Button>
    </form>
  );
}
