"use client";

import { useActionState } from "react";
import { acceptInvitationAction } from "@/app/invitations/actions";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";

export function AcceptInvitationButton({ token, teamName }: { token: string; teamName: string }) {
  const [state, action, pending] = useActionState(() => acceptInvitationAction(token), null);
  return (
    <form action={action} className="space-y-3">
      <FormError message={state && !state.ok ? state.error : null} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : `Join ${teamName}`}
      </Button>
    </form>
  );
}
