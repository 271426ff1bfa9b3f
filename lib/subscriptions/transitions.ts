// The access-request state machine of PRODUCT.md, as one table. Pages, REST
// routes and archiving all change a subscription through ./decisions.ts,
// which reads this table.
import type { SubscriptionStatus } from "@/lib/generated/prisma/enums";
import type { TeamAction } from "@/lib/authz/permissions";
import type { WebhookEvent } from "@/lib/webhooks/events";

export const SUBSCRIPTION_ACTIONS = ["approve", "reject", "cancel", "revoke"] as const;
export type SubscriptionAction = (typeof SUBSCRIPTION_ACTIONS)[number];

export interface SubscriptionTransition {
  from: readonly SubscriptionStatus[];
  to: SubscriptionStatus;
  /** Who acts: the API's team (provider) or the application's team (consumer). */
  side: "provider" | "consumer";
  permission: TeamAction;
  /** Four eyes: the person who asked may not decide. */
  notByRequester: boolean;
  reason: "required" | "optional";
  event: WebhookEvent;
  label: string;
  pastTense: string;
}

export const SUBSCRIPTION_TRANSITIONS: Record<SubscriptionAction, SubscriptionTransition> = {
  approve: { from: ["PENDING"], to: "ACTIVE", side: "provider", permission: "access.review", notByRequester: true, reason: "optional", event: "access.approved", label: "Approve", pastTense: "approved" },
  reject: { from: ["PENDING"], to: "REJECTED", side: "provider", permission: "access.review", notByRequester: true, reason: "required", event: "access.rejected", label: "Reject", pastTense: "rejected" },
  cancel: { from: ["PENDING", "ACTIVE"], to: "CANCELLED", side: "consumer", permission: "access.request", notByRequester: false, reason: "optional", event: "access.cancelled", label: "Cancel", pastTense: "cancelled" },
  revoke: { from: ["ACTIVE"], to: "REVOKED", side: "provider", permission: "access.review", notByRequester: false, reason: "required", event: "access.revoked", label: "Revoke", pastTense: "revoked" },
};

/** Why the table refuses the action in this status, or null when it allows it. */
export function statusRefusal(action: SubscriptionAction, status: SubscriptionStatus): string | null {
  const transition = SUBSCRIPTION_TRANSITIONS[action];
  if (transition.from.includes(status)) return null;
  return `This subscription is ${status.toLowerCase()}: it cannot be ${transition.pastTense} (only a ${transition.from.map((s) => s.toLowerCase()).join(" or ")} one can).`;
}
