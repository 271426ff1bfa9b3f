"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { createKey, revokeKey, rotateKey } from "@/lib/keys/keys";

// Re-render only on success, so a refusal stays visible where it happened.
const refresh = (applicationId: string) => revalidatePath(`/apps/${encodeURIComponent(applicationId)}`);

export async function createKeyAction(applicationId: string, _previous: unknown, form: FormData) {
  const result = await runAction<{ secret: string; name: string }>(async (actor) => {
    const expires = String(form.get("expiresInDays") ?? "90");
    const { key, secret } = await createKey(actor, applicationId, { name: String(form.get("name") ?? ""), expiresInDays: expires === "never" ? null : Number(expires) });
    return { data: { secret, name: key.name } };
  });
  if (result?.ok) refresh(applicationId);
  return result;
}

export async function rotateKeyAction(applicationId: string, keyId: string, _previous: unknown, form: FormData) {
  const result = await runAction<{ secret: string; name: string }>(async (actor) => {
    const { key, secret } = await rotateKey(actor, applicationId, keyId, { graceSeconds: form.get("graceSeconds") ?? undefined });
    return { data: { secret, name: key.name } };
  });
  if (result?.ok) refresh(applicationId);
  return result;
}

export async function revokeKeyAction(applicationId: string, keyId: string) {
  const result = await runAction(async (actor) => {
    await revokeKey(actor, applicationId, keyId);
  });
  if (result?.ok) refresh(applicationId);
  return result;
}
