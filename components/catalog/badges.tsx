import { Badge } from "@/components/ui/layout";

const STATE_TONE = { DRAFT: "slate", IN_REVIEW: "amber", PUBLISHED: "emerald", DEPRECATED: "amber", RETIRED: "red" } as const;
const STATE_LABEL = { DRAFT: "draft", IN_REVIEW: "in review", PUBLISHED: "published", DEPRECATED: "deprecated", RETIRED: "retired" } as const;

export function StateBadge({ state }: { state: keyof typeof STATE_TONE }) {
  return <Badge tone={STATE_TONE[state]}>{STATE_LABEL[state]}</Badge>;
}

const VISIBILITY_TONE = { PUBLIC: "indigo", INTERNAL: "slate", PRIVATE: "red" } as const;
export function VisibilityBadge({ visibility }: { visibility: keyof typeof VISIBILITY_TONE }) {
  return <Badge tone={VISIBILITY_TONE[visibility]}>{visibility.toLowerCase()}</Badge>;
}

const METHOD_TONE: Record<string, string> = {
  GET: "bg-sky-100 text-sky-800",
  POST: "bg-emerald-100 text-emerald-800",
  PUT: "bg-amber-100 text-amber-900",
  PATCH: "bg-violet-100 text-violet-800",
  DELETE: "bg-red-100 text-red-800",
};
export function MethodBadge({ method }: { method: string }) {
  return <span className={`inline-block w-14 rounded px-1.5 py-0.5 text-center font-mono text-[11px] font-semibold ${METHOD_TONE[method] ?? "bg-slate-100 text-slate-700"}`}>{method}</span>;
}
