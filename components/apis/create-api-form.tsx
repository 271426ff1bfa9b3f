"use client";

import { useActionState, useState } from "react";
import { createApiAction } from "@/app/apis/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/form";

const slugify = (name: string) => name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48);

export function CreateApiForm({ teams }: { teams: { slug: string; name: string }[] }) {
  const [state, action, pending] = useActionState(createApiAction, null);
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  return (
    <form action={action} className="max-w-2xl space-y-4">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      <Field label="Owner team" htmlFor="api-team" error={fieldError("team")}>
        <Select id="api-team" name="team" required>
          {teams.map((team) => (
            <option key={team.slug} value={team.slug}>{team.name}</option>
          ))}
        </Select>
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="api-name" error={fieldError("name")}>
          <Input id="api-name" name="name" required placeholder="Payments" onChange={(event) => !slugEdited && setSlug(slugify(event.target.value))} />
        </Field>
        <Field label="Slug" htmlFor="api-slug" error={fieldError("slug")} hint="In URLs and the gateway path.">
          <Input id="api-slug" name="slug" required value={slug} onChange={(event) => { setSlugEdited(true); setSlug(event.target.value); }} />
        </Field>
      </div>
      <Field label="Summary" htmlFor="api-summary" error={fieldError("summary")} hint="One sentence, shown in the catalog.">
        <Input id="api-summary" name="summary" maxLength={300} />
      </Field>
      <Field label="Description (markdown)" htmlFor="api-description" error={fieldError("description")}>
        <Textarea id="api-description" name="description" rows={6} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Visibility" htmlFor="api-visibility" error={fieldError("visibility")}>
          <Select id="api-visibility" name="visibility" defaultValue="INTERNAL">
            <option value="PUBLIC">Public: anyone</option>
            <option value="INTERNAL">Internal: signed-in users</option>
            <option value="PRIVATE">Private: the team only</option>
          </Select>
        </Field>
        <Field label="Tags" htmlFor="api-tags" error={fieldError("tags")} hint="Comma-separated.">
          <Input id="api-tags" name="tags" placeholder="payments, cards" />
        </Field>
        <Field label="Category" htmlFor="api-category" error={fieldError("category")}>
          <Input id="api-category" name="category" placeholder="Payments" />
        </Field>
      </div>
      <Field label="Contact email" htmlFor="api-contact" error={fieldError("contactEmail")}>
        <Input id="api-contact" name="contactEmail" type="email" placeholder="team@example.com" />
      </Field>
      <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create API"}</Button>
    </form>
  );
}
