"use server";

import { revalidatePath } from "next/cache";
import { runAction, type ActionState } from "@/lib/actions/run";
import { updateApiSettings, updateVersionUpstream } from "@/lib/apis/settings";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");
// An empty number field becomes NaN, which the schema refuses with a message on that field.
const number = (form: FormData, name: string) => (text(form, name).trim() === "" ? Number.NaN : Number(text(form, name)));

function saved<T>(apiSlug: string, result: ActionState<T>) {
  if (result?.ok) revalidatePath(`/apis/${apiSlug}`, "layout");
  return result;
}

export async function saveApiDetailsAction(apiSlug: string, _previous: unknown, form: FormData) {
  return saved(
    apiSlug,
    await runAction(async (actor) => {
      await updateApiSettings(actor, apiSlug, {
        name: text(form, "name"),
        summary: text(form, "summary"),
        description: text(form, "description"),
        visibility: text(form, "visibility") as "PUBLIC" | "INTERNAL" | "PRIVATE",
        tags: text(form, "tags"),
        category: text(form, "category"),
        contactEmail: text(form, "contactEmail"),
        minNoticeDays: number(form, "minNoticeDays"),
      });
      return { message: "Details saved." };
    }),
  );
}

export async function saveGatewaySettingsAction(apiSlug: string, _previous: unknown, form: FormData) {
  return saved(
    apiSlug,
    await runAction(async (actor) => {
      await updateApiSettings(actor, apiSlug, {
        keyless: form.get("keyless") === "on",
        cacheEnabled: form.get("cacheEnabled") === "on",
        cacheTtlSeconds: number(form, "cacheTtlSeconds"),
      });
      return { message: "Gateway settings saved. Every gateway applies them within a second." };
    }),
  );
}

export async function saveUpstreamAction(apiSlug: string, version: string, _previous: unknown, form: FormData) {
  return saved(
    apiSlug,
    await runAction(async (actor) => {
      const url = text(form, "upstreamUrl").trim();
      await updateVersionUpstream(actor, apiSlug, version, url || null);
      return { message: url ? `Calls to ${version} now go to ${url}.` : `${version} has no upstream now: the gateway answers 502.` };
    }),
  );
}
