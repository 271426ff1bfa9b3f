"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { requestAccess } from "@/lib/subscriptions/requests";
import { applySubscriptionAction } from "@/lib/subscriptions/decisions";
import type { SubscriptionAction } from "@/lib/subscriptions/transitions";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function requestAccessAction(apiSlug: string, _previous: unknown, form: FormData) {
  const result = await runAction<{ status: string; applicationId: string }>(async (actor) => {
    const subscription = await requestAccess(actor, apiSlug, { applicationId: text(form, "applicationId"), planId: text(form, "planId"), justification: text(form, "justification") });
    return {
      message: subscription.status === "ACTIVE" ? "Access granted: this plan needs no approval. You can create API keys now." : "Request sent. The API's team has been notified; you will be told when they decide.",
      data: { status: subscription.status, applicationId: subscription.application.id },
    };
  });
  if (result?.ok) revalidatePath(`/apis/${apiSlug}/access`);
  return result;
}

/**
 * Approve, reject, cancel or revoke, from whichever page shows the
 * subscription. On success the page reloads with `?decided=<id>`, which shows
 * what happened even when the subscription leaves the list it was in.
 */
export async function subscriptionAction(subscriptionId: string, action: SubscriptionAction, returnPath: string, _previous: unknown, form: FormData | null) {
  const result = await runAction(async (actor) => {
    await applySubscriptionAction(actor, subscriptionId, { action, reason: form ? text(form, "reason") || undefined : undefined });
  });
  if (result?.ok) {
    revalidatePath("/access-requests");
    revalidatePath("/apps", "layout");
    revalidatePath("/apis", "layout");
    // Only Portico's own pages: never an open redirect.
    redirect(`${returnPath.startsWith("/") && !returnPath.startsWith("//") ? returnPath.split("?")[0] : "/access-requests"}?decided=${encodeURIComponent(subscriptionId)}`);
  }
  return result;
}
