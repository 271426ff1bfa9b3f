"use client";

import { useState, useTransition } from "react";
import { setPlatformRoleAction } from "@/app/admin/actions";
import { Button } from "@/components/ui/button";

export function PlatformRoleButton({ userId, email, role }: { userId: string; email: string; role: "ADMIN" | "MEMBER" }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const next = role === "ADMIN" ? "MEMBER" : "ADMIN";
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={`${next === "ADMIN" ? "Make" : "Remove"} platform admin: ${email}`}
        onClick={() =>
          startTransition(async () => {
            const result = await setPlatformRoleAction(userId, next);
            setError(result && !result.ok ? result.error : null);
          })
        }
      >
        {next === "ADMIN" ? "Make admin" : "Remove admin"}
      </Button>
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
    </span>
  );
}
