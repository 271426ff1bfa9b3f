"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { uploadVersion } from "@/lib/versions/upload";
import { applyTransition, type TransitionInput } from "@/lib/lifecycle/apply";
import { updateChangelog } from "@/lib/versions/changelog";

export async function uploadVersionAction(slug: string, _previous: unknown, form: FormData) {
  let version = "";
  const result = await runAction(async (actor) => {
    const uploaded = await uploadVersion(actor, slug, {
      source: String(form.get("source") ?? ""),
      version: String(form.get("version") ?? ""),
      upstreamUrl: String(form.get("upstreamUrl") ?? ""),
    });
    version = uploaded.version;
  });
  if (result?.ok) redirect(`/apis/${slug}/versions/${encodeURIComponent(version)}`);
  return result;
}

export async function transitionAction(slug: string, version: string, input: TransitionInput) {
  const result = await runAction(async (actor) => {
    const moved = await applyTransition(actor, slug, version, input);
    return { message: moved.state === "DELETED" ? "Draft deleted." : `Version ${moved.version} is now ${moved.state.toLowerCase().replace("_", " ")}.` };
  });
  if (result?.ok) {
    revalidatePath(`/apis/${slug}`, "layout");
    if (input.action === "delete") redirect(`/apis/${slug}`);
  }
  return result;
}

export async function updateChangelogAction(slug: string, version: string, _previous: unknown, form: FormData) {
  const result = await runAction(async (actor) => {
    await updateChangelog(actor, slug, version, { changelog: String(form.get("changelog") ?? "") });
    return { message: "Changelog saved." };
  });
  if (result?.ok) revalidatePath(`/apis/${slug}/versions/${encodeURIComponent(version)}`);
  return result;
}
