"use client";

import { useState, useTransition } from "react";
import { setPlanDeprecatedAction } from "@/app/apis/[slug]/plans/actions";
import { Button } from "@/components/ui/button";

export function PlanDeprecation({ apiSlug, planId, planName, deprecated }: { apiSlug: string; planId: string; planName: string; deprecated: boolean }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-3">
      <Button
        variant={deprecated ? "secondary" : "danger"}
        disabled={pending}
        aria-label={`${deprecated ? "Offer again" : "Deprecate"} plan ${planName}`}
        onClick={() =>
          start(async () => {
            const result = await setPlanDeprecatedAction(apiSlug, planId, !deprecated);
            setError(result && !result.ok ? result.error : null);
          })
        }
      >
        {deprecated ? "Offer again" : "Deprecate plan"}
      </Button>
      <span className="text-xs text-slate-500">{deprecated ? "Takes no new subscriptions." : "Existing subscriptions keep working after deprecation."}</span>
      {error ? <span role="alert" className="text-xs text-red-700">{error}</span> : null}
    </span>
  );
}
