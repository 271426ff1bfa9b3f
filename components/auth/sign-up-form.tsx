"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { signUpAction } from "@/app/signup/actions";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/form";

export function SignUpForm({ callbackUrl, defaultEmail }: { callbackUrl: string; defaultEmail?: string }) {
  const router = useRouter();
  const [state, action, pending] = useActionState(signUpAction, null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const credentials = useRef<{ email: string; password: string } | null>(null);

  useEffect(() => {
    if (!state?.ok || !credentials.current) return;
    const { email, password } = credentials.current;
    credentials.current = null;
    void signIn("credentials", { email, password, redirect: false }).then((result) => {
      if (result?.ok) {
        router.push(callbackUrl);
        router.refresh();
      } else {
        setSignInError("Your account was created, but signing in failed. Please sign in.");
      }
    });
  }, [state, callbackUrl, router]);

  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  return (
    <form
      action={(form) => {
        credentials.current = { email: String(form.get("email")), password: String(form.get("password")) };
        action(form);
      }}
      className="space-y-4"
      noValidate
    >
      <FormError message={state && !state.ok && !state.fieldErrors ? state.error : signInError} />
      <Field label="Name" htmlFor="name" error={fieldError("name")}>
        <Input id="name" name="name" autoComplete="name" required aria-invalid={Boolean(fieldError("name"))} />
      </Field>
      <Field label="Work email" htmlFor="email" error={fieldError("email")}>
        <Input id="email" name="email" type="email" autoComplete="email" defaultValue={defaultEmail} required aria-invalid={Boolean(fieldError("email"))} />
      </Field>
      <Field label="Password" htmlFor="password" error={fieldError("password")} hint="At least 10 characters.">
        <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={10} aria-invalid={Boolean(fieldError("password"))} />
      </Field>
      <Button type="submit" className="w-full" disabled={pending || state?.ok === true}>
        {pending || state?.ok ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
