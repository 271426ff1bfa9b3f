"use client";

import { useActionState } from "react";
import { updateChangelogAction } from "@/app/apis/[slug]/versions/actions";
import { Button } from "@/components/ui/button";
import { FormError, FormSuccess, Textarea } from "@/components/ui/form";

export function ChangelogForm({ slug, version, changelog }: { slug: string; version: string; changelog: string }) {
  const [state, action, pending] = useActionState(updateChangelogAction.bind(null, slug, version), null);
  return (
    <form action={action} className="space-y-3">
      <FormError message={state && !state.ok ? state.error : null} />
      <FormSuccess message={state?.ok ? state.message : null} />
      <label htmlFor="changelog" className="block text-sm text-slate-600">Generated from the changes; edit it before publishing (markdown).</label>
      <Textarea id="changelog" name="changelog" rows={10} defaultValue={changelog} className="font-mono text-xs" />
      <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Saving…" : "Save changelog"}</Button>
    </form>
  );
}
