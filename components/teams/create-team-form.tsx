"use client";

import { useActionState, useState } from "react";
import { createTeamAction } from "@/app/teams/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Textarea } from "@/components/ui/form";

function slugify(name: string) {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48);
}

export function CreateTeamForm() {
  const [state, action, pending] = useActionState(createTeamAction, null);
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  return (
    <form action={action} className="space-y-4">
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : null} />
      <Field label="Team name" htmlFor="team-name" error={fieldError("name")}>
        <Input id="team-name" name="name" required placeholder="Payments Platform" onChange={(event) => !slugEdited && setSlug(slugify(event.target.value))} />
      </Field>
      <Field label="Slug" htmlFor="team-slug" error={fieldError("slug")} hint="Used in URLs; lowercase letters, digits and dashes.">
        <Input id="team-slug" name="slug" required value={slug} onChange={(event) => { setSlugEdited(true); setSlug(event.target.value); }} />
      </Field>
      <Field label="Description" htmlFor="team-description" error={fieldError("description")}>
        <Textarea id="team-description" name="description" rows={2} placeholder="What the team owns" />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create team"}
      </Button>
    </form>
  );
}
