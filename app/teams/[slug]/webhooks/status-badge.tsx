import { Badge } from "@/components/ui/layout";

const TONES = { PENDING: "slate", RETRYING: "amber", DELIVERED: "emerald", FAILED: "red" } as const;
const LABELS = { PENDING: "Pending", RETRYING: "Retrying", DELIVERED: "Delivered", FAILED: "Failed" } as const;

export function DeliveryStatusBadge({ status }: { status: string }) {
  const known = status in TONES ? (status as keyof typeof TONES) : null;
  return <Badge tone={known ? TONES[known] : "slate"}>{known ? LABELS[known] : status}</Badge>;
}
