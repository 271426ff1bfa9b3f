"use server";

import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { createApi } from "@/lib/apis/create";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function createApiAction(_previous: unknown, form: FormData) {
  let slug = "";
  const result = await runAction(async (actor) => {
    const api = await createApi(actor, {
      team: text(form, "team"),
      slug: text(form, "slug"),
      name: text(form, "name"),
      summary: text(form, "summary"),
      description: text(form, "description"),
      visibility: text(form, "visibility") as "PUBLIC" | "INTERNAL" | "PRIVATE",
      tags: text(form, "tags"),
      category: text(form, "category"),
      contactEmail: text(form, "contactEmail"),
    });
    slug = api.slug;
  });
  if (result?.ok) redirect(`/apis/${slug}`);
  return result;
}
