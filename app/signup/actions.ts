"use server";

import { runAction } from "@/lib/actions/run";
import { requestIdFromHeaders } from "@/lib/auth/session";
import { signUp } from "@/lib/users/sign-up";

export async function signUpAction(_previous: unknown, form: FormData) {
  return runAction(async () => {
    await signUp(
      { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") },
      await requestIdFromHeaders(),
    );
  });
}
