"use server";

import { revalidatePath } from "next/cache";
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

/** Approve, reject, cancel or revoke, from whichever page shows the subscription. */
export async function subscriptionAction(subscriptionId: string, action: SubscriptionAction, _previous: unknown, form: FormData | null) {
  const result = await runAction(async (actor) => {
    const updated = await applySubscriptionAction(actor, subscriptionId, { action, reason: form ? text(form, "reason") || undefined : undefined });
    return { message: `Subscription ${updated.status.toLowerCase()}.` };
  });
  if (result?.ok) {
    revalidatePath("/access-requests");
    revalidatePath("/apps", "layout");
    revalidatePath("/apis", "layout");
  }
  return result;
}
