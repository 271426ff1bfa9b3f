"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { assertSignedIn } from "@/lib/authz/permissions";
import { createPersonalAccessToken, revokePersonalAccessToken } from "@/lib/tokens/personal-access-tokens";

export async function createTokenAction(_previous: unknown, form: FormData) {
  const result = await runAction<{ secret: string; name: string }>(async (actor) => {
    assertSignedIn(actor);
    const expires = String(form.get("expiresInDays") ?? "90");
    const { token, secret } = await createPersonalAccessToken(actor, { name: String(form.get("name") ?? ""), expiresInDays: expires === "never" ? null : Number(expires) });
    return { data: { secret, name: token.name } };
  });
  // Re-render only on success, so a refusal stays visible where it happened.
  if (result?.ok) revalidatePath("/settings/tokens");
  return result;
}

export async function revokeTokenAction(tokenId: string) {
  const result = await runAction(async (actor) => {
    assertSignedIn(actor);
    await revokePersonalAccessToken(actor, tokenId);
  });
  if (result?.ok) revalidatePath("/settings/tokens");
  return result;
}
