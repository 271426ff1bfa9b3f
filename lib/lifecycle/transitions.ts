// The lifecycle of a version (PRODUCT.md), as one table. Pages, REST routes
// and the CLI all move versions through applyTransition (./apply.ts), which
// reads this table; nothing else changes a version's state.
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import type { TeamAction } from "@/lib/authz/permissions";

export const LIFECYCLE_ACTIONS = ["submit", "approve", "reject", "publish", "deprecate", "undeprecate", "retire", "delete"] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export interface Transition {
  from: readonly LifecycleState[];
  /** null: the version is deleted. */
  to: LifecycleState | null;
  permission: TeamAction;
  /** Which team review policy the transition belongs to: only with it on, only with it off, or either. */
  review: "required" | "off" | "any";
  label: string;
}

export const TRANSITIONS: Record<LifecycleAction, Transition> = {
  submit: { from: ["DRAFT"], to: "IN_REVIEW", permission: "version.upload", review: "required", label: "Submit for review" },
  // A review in progress can be finished even if the team has since turned
  // its review policy off: otherwise the version would be stuck IN_REVIEW.
  approve: { from: ["IN_REVIEW"], to: "PUBLISHED", permission: "version.publish", review: "any", label: "Approve and publish" },
  reject: { from: ["IN_REVIEW"], to: "DRAFT", permission: "version.publish", review: "any", label: "Send back" },
  publish: { from: ["DRAFT"], to: "PUBLISHED", permission: "version.publish", review: "off", label: "Publish" },
  deprecate: { from: ["PUBLISHED"], to: "DEPRECATED", permission: "version.deprecate", review: "any", label: "Deprecate" },
  undeprecate: { from: ["DEPRECATED"], to: "PUBLISHED", permission: "version.deprecate", review: "any", label: "Undeprecate" },
  retire: { from: ["DEPRECATED"], to: "RETIRED", permission: "version.retire", review: "any", label: "Retire" },
  delete: { from: ["DRAFT"], to: null, permission: "version.upload", review: "any", label: "Delete draft" },
};

export interface TransitionContext {
  state: LifecycleState;
  requireReview: boolean;
  sunsetAt: Date | null;
  now: Date;
}

/**
 * Why an action is not possible in this state, or null when the table allows
 * it. (Who may do it is asked of the permission module separately.)
 */
export function stateRefusal(action: LifecycleAction, context: TransitionContext): string | null {
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(context.state)) {
    return `A ${context.state.toLowerCase().replace("_", " ")} version cannot be ${pastTense(action)}; that needs a version that is ${transition.from.map((s) => s.toLowerCase().replace("_", " ")).join(" or ")}.`;
  }
  if (transition.review === "required" && !context.requireReview) return "This team publishes without review: publish directly.";
  if (transition.review === "off" && context.requireReview) return "This team reviews new versions: submit it for review, and another ADMIN approves it.";
  if (action === "undeprecate" && context.sunsetAt && context.sunsetAt <= context.now) return "The sunset date has passed: the version can only be retired.";
  if (action === "retire" && context.sunsetAt && context.sunsetAt > context.now) {
    return `The version is announced to stay until its sunset on ${context.sunsetAt.toISOString().slice(0, 10)}; it can be retired from then on.`;
  }
  return null;
}

export function pastTense(action: LifecycleAction): string {
  return { submit: "submitted", approve: "approved", reject: "sent back", publish: "published", deprecate: "deprecated", undeprecate: "undeprecated", retire: "retired", delete: "deleted" }[action];
}

/** The actions the table allows from a state (permission and four-eyes checks come on top). */
export function actionsFrom(context: TransitionContext): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((action) => stateRefusal(action, context) === null);
}
