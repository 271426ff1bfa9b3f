"use client";

import Link from "next/link";
import { useActionState } from "react";
import { createWebhookAction, updateWebhookAction } from "./actions";
import { SecretBox } from "@/components/ui/secret-box";
import { WEBHOOK_SECRET_NOTE } from "./secret-note";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input } from "@/components/ui/form";

export interface EventOption {
  value: string;
  label: string;
}

/** Add a webhook (no `webhook`), or edit one. */
export function WebhookForm({ slug, events, webhook }: { slug: string; events: EventOption[]; webhook?: { id: string; url: string; description: string; events: string[] } }) {
  const action = webhook ? updateWebhookAction.bind(null, slug, webhook.id) : createWebhookAction.bind(null, slug);
  const [state, formAction, pending] = useActionState(action, null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const prefix = webhook ? `webhook-${webhook.id}` : "new-webhook";
  const created = !webhook && state?.ok ? (state.data as { id: string; secret: string; url: string } | undefined) : undefined;
  return (
    <div className="space-y-4">
      {/* A new key per success clears the form for the next one. */}
      <form key={created?.id ?? "form"} action={formAction} className="space-y-4">
        <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
        <FormSuccess message={webhook && state?.ok ? state.message : null} />
        <Field label="Payload URL" htmlFor={`${prefix}-url`} error={fieldError("url")} hint="Portico POSTs JSON here. Use https in production.">
          <Input id={`${prefix}-url`} name="url" type="url" required defaultValue={webhook?.url} placeholder="https://ci.example.com/hooks/portico" aria-invalid={Boolean(fieldError("url"))} />
        </Field>
        <Field label="Description" htmlFor={`${prefix}-description`} error={fieldError("description")}>
          <Input id={`${prefix}-description`} name="description" defaultValue={webhook?.description} placeholder="Deploy bot" maxLength={500} />
        </Field>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Events</legend>
          {fieldError("events") ? <p className="text-sm text-red-700">{fieldError("events")}</p> : null}
          <div className="grid gap-1.5 sm:grid-cols-2">
            {events.map((event) => (
              <label key={event.value} className="flex items-start gap-2 text-sm text-slate-700">
                <input type="checkbox" name="events" value={event.value} defaultChecked={webhook ? webhook.events.includes(event.value) : true} className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600" />
                <span>
                  {event.label} <code className="text-xs text-slate-500">{event.value}</code>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : webhook ? "Save webhook" : "Add webhook"}
        </Button>
      </form>
      {created ? (
        <div className="space-y-2">
          <SecretBox id="new-webhook-secret" title={`Signing secret for ${created.url}`} secret={created.secret} note={WEBHOOK_SECRET_NOTE} />
          <p className="text-sm">
            <Link href={`/teams/${slug}/webhooks/${created.id}`} className="font-medium text-indigo-700 hover:underline">
              Open the webhook
            </Link>{" "}
            to send a test ping.
          </p>
        </div>
      ) : null}
    </div>
  );
}
