"use client";

import { useState, useTransition } from "react";
import { transitionAction } from "@/app/apis/[slug]/versions/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Select, Textarea } from "@/components/ui/form";

type Action = "submit" | "approve" | "reject" | "publish" | "deprecate" | "undeprecate" | "retire" | "delete";
const LABELS: Record<Action, string> = { submit: "Submit for review", approve: "Approve and publish", reject: "Send back", publish: "Publish", deprecate: "Deprecate", undeprecate: "Undeprecate", retire: "Retire", delete: "Delete draft" };

/** The lifecycle actions open to the viewer, each asking for what it needs. */
export function LifecycleActions({ slug, version, actions, breaking, minNoticeDays, earliest, replacements }: { slug: string; version: string; actions: Action[]; breaking: number; minNoticeDays: number; earliest: string; replacements: string[] }) {
  const [open, setOpen] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  if (actions.length === 0) return <p className="text-sm text-slate-500">No lifecycle action is open to you on this version.</p>;

  function run(action: Action, form?: FormData) {
    setError(null);
    startTransition(async () => {
      const result = await transitionAction(slug, version, {
        action,
        reason: form ? String(form.get("reason") ?? "") || undefined : undefined,
        sunsetAt: form?.get("sunsetAt") ? new Date(String(form.get("sunsetAt"))) : undefined,
        replacementVersion: form ? String(form.get("replacementVersion") ?? "") || undefined : undefined,
        overrideBreaking: form?.get("overrideBreaking") === "on",
      });
      if (result && !result.ok) setError(result.error);
      else if (result?.ok) {
        setOpen(null);
        setMessage(result.message ?? null);
      }
    });
  }

  const needsForm = (action: Action) => action === "deprecate" || action === "reject" || ((action === "publish" || action === "approve") && breaking > 0);
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <FormSuccess message={message} />
      <div className="flex flex-wrap gap-2">
        {actions.map((action) => (
          <Button key={action} variant={action === "delete" || action === "retire" ? "danger" : action === "publish" || action === "approve" ? "primary" : "secondary"} disabled={pending} onClick={() => (needsForm(action) ? setOpen(action) : run(action))}>
            {LABELS[action]}
          </Button>
        ))}
      </div>
      {open ? (
        <form className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" onSubmit={(event) => { event.preventDefault(); run(open, new FormData(event.currentTarget)); }} aria-label={LABELS[open]}>
          {open === "deprecate" ? (
            <>
              <Field label="Sunset date" htmlFor="sunset" hint={`At least ${minNoticeDays} days ahead. Consumers are told; the gateway retires the version then.`}>
                <Input id="sunset" name="sunsetAt" type="date" min={earliest} defaultValue={earliest} required />
              </Field>
              <Field label="Replacement version" htmlFor="replacement">
                <Select id="replacement" name="replacementVersion" defaultValue={replacements[0] ?? ""}>
                  <option value="">None</option>
                  {replacements.map((v) => <option key={v} value={v}>{v}</option>)}
                </Select>
              </Field>
            </>
          ) : null}
          {open === "reject" ? (
            <Field label="What needs to change" htmlFor="reason">
              <Textarea id="reason" name="reason" rows={3} required />
            </Field>
          ) : null}
          {open === "publish" || open === "approve" ? (
            <>
              <p className="text-sm text-amber-900">This version has {breaking} breaking {breaking === 1 ? "change" : "changes"}. Publishing it without a new major version needs an override by a team ADMIN, with the reason on record.</p>
              <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="overrideBreaking" /> Override the breaking-change check</label>
              <Field label="Reason" htmlFor="reason">
                <Textarea id="reason" name="reason" rows={2} />
              </Field>
            </>
          ) : null}
          <div className="flex gap-2">
            <Button type="submit" disabled={pending}>{pending ? "Working…" : LABELS[open]}</Button>
            <Button variant="ghost" onClick={() => setOpen(null)}>Cancel</Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
