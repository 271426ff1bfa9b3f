import type { MaybeActor } from "@/lib/authz/actor";
import { getSubscription } from "@/lib/subscriptions/decisions";
import { FormSuccess } from "@/components/ui/form";

const DONE = { PENDING: "is pending", ACTIVE: "is now active", REJECTED: "was rejected", REVOKED: "was revoked", CANCELLED: "was cancelled" } as const;

/** After a decision (`?decided=<id>`): says what happened, as the subscription may have left the list on the page. */
export async function DecisionBanner({ actor, subscriptionId }: { actor: MaybeActor; subscriptionId?: string }) {
  if (!subscriptionId) return null;
  const found = await getSubscription(actor, subscriptionId).catch(() => null);
  if (!found) return null;
  const { subscription } = found;
  return (
    <div className="mb-4">
      <FormSuccess message={`Subscription of ${subscription.application.name} (${subscription.application.team.name}) to ${subscription.api.name} ${DONE[subscription.status]}.`} />
    </div>
  );
}
