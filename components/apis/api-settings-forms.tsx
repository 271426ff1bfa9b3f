"use client";

import { useActionState, useState } from "react";
import { saveApiDetailsAction, saveGatewaySettingsAction, saveUpstreamAction } from "@/app/apis/[slug]/settings/actions";
import type { ActionState } from "@/lib/actions/run";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Select, Textarea } from "@/components/ui/form";

type Visibility = "PUBLIC" | "INTERNAL" | "PRIVATE";

export interface ApiDetailsValues {
  slug: string;
  name: string;
  summary: string;
  description: string;
  visibility: Visibility;
  tags: string[];
  category: string | null;
  contactEmail: string | null;
  minNoticeDays: number;
  keyless: boolean;
}

function useFieldErrors(state: ActionState<unknown>) {
  return (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
}

function Outcome({ state }: { state: ActionState<unknown> }) {
  return (
    <>
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      {state?.ok ? <FormSuccess message={state.message} /> : null}
    </>
  );
}

export function ApiDetailsForm({ api }: { api: ApiDetailsValues }) {
  const [state, action, pending] = useActionState(saveApiDetailsAction.bind(null, api.slug), null);
  const [visibility, setVisibility] = useState<Visibility>(api.visibility);
  const fieldError = useFieldErrors(state);
  return (
    <form action={action} className="space-y-4" aria-label="Details">
      <Outcome state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="settings-name" error={fieldError("name")}>
          <Input id="settings-name" name="name" required minLength={2} maxLength={100} defaultValue={api.name} />
        </Field>
        <Field label="Slug" htmlFor="settings-slug" hint="Fixed: it is in every consumer's gateway URL.">
          <Input id="settings-slug" value={api.slug} readOnly disabled />
        </Field>
      </div>
      <Field label="Summary" htmlFor="settings-summary" error={fieldError("summary")} hint="One sentence, shown in the catalog.">
        <Input id="settings-summary" name="summary" maxLength={300} defaultValue={api.summary} />
      </Field>
      <Field label="Description (markdown)" htmlFor="settings-description" error={fieldError("description")}>
        <Textarea id="settings-description" name="description" rows={8} defaultValue={api.description} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Visibility" htmlFor="settings-visibility" error={fieldError("visibility")}>
          <Select id="settings-visibility" name="visibility" value={visibility} onChange={(event) => setVisibility(event.target.value as Visibility)}>
            <option value="PUBLIC">Public: anyone</option>
            <option value="INTERNAL">Internal: signed-in users</option>
            <option value="PRIVATE">Private: the team only</option>
          </Select>
        </Field>
        <Field label="Tags" htmlFor="settings-tags" error={fieldError("tags")} hint="Comma-separated.">
          <Input id="settings-tags" name="tags" defaultValue={api.tags.join(", ")} />
        </Field>
        <Field label="Category" htmlFor="settings-category" error={fieldError("category")}>
          <Input id="settings-category" name="category" maxLength={60} defaultValue={api.category ?? ""} />
        </Field>
      </div>
      {api.keyless && visibility !== "PUBLIC" ? (
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This API is keyless. Saving it as {visibility.toLowerCase()} turns keyless access off: callers will need a key again.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Contact email" htmlFor="settings-contact" error={fieldError("contactEmail")}>
          <Input id="settings-contact" name="contactEmail" type="email" defaultValue={api.contactEmail ?? ""} />
        </Field>
        <Field label="Deprecation notice (days)" htmlFor="settings-notice" error={fieldError("minNoticeDays")} hint="The least time between deprecating a version and its sunset, 1 to 365 days.">
          <Input id="settings-notice" name="minNoticeDays" type="number" required min={1} max={365} defaultValue={api.minNoticeDays} />
        </Field>
      </div>
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save details"}</Button>
    </form>
  );
}

export function GatewaySettingsForm({ api }: { api: { slug: string; visibility: Visibility; keyless: boolean; cacheEnabled: boolean; cacheTtlSeconds: number } }) {
  const [state, action, pending] = useActionState(saveGatewaySettingsAction.bind(null, api.slug), null);
  const fieldError = useFieldErrors(state);
  const mayBeKeyless = api.visibility === "PUBLIC";
  return (
    <form action={action} className="space-y-5" aria-label="Gateway">
      <Outcome state={state} />
      <div className="space-y-1">
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input type="checkbox" name="keyless" defaultChecked={api.keyless && mayBeKeyless} disabled={!mayBeKeyless} aria-describedby="settings-keyless-hint" className="accent-indigo-600" />
          Keyless access
        </label>
        <p id="settings-keyless-hint" className="text-xs text-slate-500">
          Anyone may call without a key; calls are limited per client address. Keys keep working and are counted against their plans.
          {mayBeKeyless ? null : <> Only a PUBLIC API can be keyless: this one is {api.visibility.toLowerCase()}.</>}
        </p>
        {fieldError("keyless") ? <p className="text-sm text-red-700">{fieldError("keyless")}</p> : null}
      </div>
      <div className="space-y-3">
        <div className="space-y-1">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input type="checkbox" name="cacheEnabled" defaultChecked={api.cacheEnabled} aria-describedby="settings-cache-hint" className="accent-indigo-600" />
            Cache GET responses
          </label>
          <p id="settings-cache-hint" className="text-xs text-slate-500">
            Responses are cached per consumer, so one application never receives another&apos;s; upstream Cache-Control no-store/private is respected, and a shorter max-age wins over the time below.
          </p>
        </div>
        <div className="max-w-xs">
          <Field label="Cache time (seconds)" htmlFor="settings-ttl" error={fieldError("cacheTtlSeconds")} hint="1 to 86400 (a day).">
            <Input id="settings-ttl" name="cacheTtlSeconds" type="number" required min={1} max={86_400} defaultValue={api.cacheTtlSeconds} />
          </Field>
        </div>
      </div>
      <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save gateway settings"}</Button>
    </form>
  );
}

export function UpstreamForm({ apiSlug, version, upstreamUrl }: { apiSlug: string; version: string; upstreamUrl: string | null }) {
  const [state, action, pending] = useActionState(saveUpstreamAction.bind(null, apiSlug, version), null);
  const fieldError = useFieldErrors(state);
  const id = `upstream-${version.replace(/[^\w-]/g, "-")}`;
  return (
    <form action={action} className="space-y-2" aria-label={`Upstream of ${version}`}>
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-64 flex-1">
          <label htmlFor={id} className="sr-only">Upstream URL of {version}</label>
          <Input id={id} name="upstreamUrl" type="url" defaultValue={upstreamUrl ?? ""} placeholder="https://orders.internal:8443" aria-invalid={fieldError("upstreamUrl") ? true : undefined} />
        </div>
        <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Saving…" : "Save"}</Button>
      </div>
      {fieldError("upstreamUrl") ? <p className="text-sm text-red-700">{fieldError("upstreamUrl")}</p> : null}
      <Outcome state={state} />
    </form>
  );
}
