"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import type { WebhookEvent } from "@/lib/webhooks/events";
import { createWebhook, deleteWebhook, pingWebhook, redeliver, revealWebhookSecret, rollWebhookSecret, updateWebhook } from "@/lib/webhooks/webhooks";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");
const events = (form: FormData) => form.getAll("events").map(String) as WebhookEvent[];
const listPath = (slug: string) => `/teams/${slug}/webhooks`;

export async function createWebhookAction(slug: string, _previous: unknown, form: FormData) {
  const result = await runAction<{ id: string; secret: string; url: string }>(async (actor) => {
    const { webhook, secret } = await createWebhook(actor, slug, { url: text(form, "url"), description: text(form, "description"), events: events(form) });
    return { data: { id: webhook.id, secret, url: webhook.url } };
  });
  if (result?.ok) revalidatePath(listPath(slug));
  return result;
}

export async function updateWebhookAction(slug: string, id: string, _previous: unknown, form: FormData) {
  const result = await runAction(async (actor) => {
    await updateWebhook(actor, slug, id, { url: text(form, "url"), description: text(form, "description"), events: events(form) });
    return { message: "Webhook saved." };
  });
  if (result?.ok) revalidatePath(listPath(slug), "layout");
  return result;
}

export async function setWebhookActiveAction(slug: string, id: string, active: boolean) {
  const result = await runAction(async (actor) => {
    await updateWebhook(actor, slug, id, { active });
    return { message: active ? "Resumed: pending events are being sent." : "Paused: events wait until you resume." };
  });
  if (result?.ok) revalidatePath(listPath(slug), "layout");
  return result;
}

export async function deleteWebhookAction(slug: string, id: string) {
  const result = await runAction((actor) => deleteWebhook(actor, slug, id));
  if (result?.ok) {
    revalidatePath(listPath(slug));
    redirect(listPath(slug));
  }
  return result;
}

export async function revealSecretAction(slug: string, id: string) {
  return runAction<{ secret: string }>(async (actor) => ({ data: { secret: await revealWebhookSecret(actor, slug, id) } }));
}

export async function rollSecretAction(slug: string, id: string) {
  return runAction<{ secret: string }>(async (actor) => ({ data: { secret: await rollWebhookSecret(actor, slug, id) } }));
}

export async function pingWebhookAction(slug: string, id: string) {
  const result = await runAction(async (actor) => {
    await pingWebhook(actor, slug, id);
    return { message: "Ping queued: it appears in the deliveries below within seconds." };
  });
  if (result?.ok) revalidatePath(`${listPath(slug)}/${id}`);
  return result;
}

export async function redeliverAction(slug: string, id: string, deliveryId: string) {
  const result = await runAction(async (actor) => {
    await redeliver(actor, slug, id, deliveryId);
    return { message: "Queued again." };
  });
  if (result?.ok) revalidatePath(`${listPath(slug)}/${id}`);
  return result;
}
