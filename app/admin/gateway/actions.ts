"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { createGatewayCredential, revokeGatewayCredential } from "@/lib/keys/gateway-credentials";

export async function createGatewayCredentialAction(_previous: unknown, form: FormData) {
  const result = await runAction<{ secret: string; name: string }>(async (actor) => {
    const { credential, secret } = await createGatewayCredential(actor, { name: String(form.get("name") ?? "") });
    return { data: { secret, name: credential.name } };
  });
  // Re-render only on success, so a refusal stays visible where it happened.
  if (result?.ok) revalidatePath("/admin/gateway");
  return result;
}

export async function revokeGatewayCredentialAction(credentialId: string) {
  const result = await runAction(async (actor) => {
    await revokeGatewayCredential(actor, credentialId);
  });
  if (result?.ok) revalidatePath("/admin/gateway");
  return result;
}
