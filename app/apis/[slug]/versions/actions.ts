"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { uploadVersion } from "@/lib/versions/upload";
import { applyTransition, type TransitionInput } from "@/lib/lifecycle/apply";

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
