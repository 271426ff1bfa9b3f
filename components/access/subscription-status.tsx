import type { SubscriptionStatus } from "@/lib/generated/prisma/enums";
import { Badge } from "@/components/ui/layout";

const TONE = { PENDING: "amber", ACTIVE: "emerald", REJECTED: "red", REVOKED: "red", CANCELLED: "slate" } as const;
const LABEL = { PENDING: "Pending approval", ACTIVE: "Active", REJECTED: "Rejected", REVOKED: "Revoked", CANCELLED: "Cancelled" } as const;

export function SubscriptionStatusBadge({ status }: { status: SubscriptionStatus }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}

export function planLimitsText(plan: { rateLimitPerMinute: number | null; monthlyQuota: bigint | number | null; requiresApproval?: boolean }): string {
  const parts = [
    plan.rateLimitPerMinute ? `${plan.rateLimitPerMinute.toLocaleString("en")} requests/min` : "no per-minute limit",
    plan.monthlyQuota ? `${Number(plan.monthlyQuota).toLocaleString("en")} requests/month` : "no monthly quota",
  ];
  if (plan.requiresApproval !== undefined) parts.push(plan.requiresApproval ? "needs approval" : "instant access");
  return parts.join(" · ");
}
