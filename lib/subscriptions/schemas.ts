import { z } from "zod";
import { SUBSCRIPTION_ACTIONS } from "./transitions";

// Strict: status, reviewer and the like are set by Portico, never by the caller.
export const requestAccessInput = z
  .object({
    applicationId: z.string().min(1, "Choose an application."),
    planId: z.string().min(1, "Choose a plan."),
    justification: z.string().trim().min(10, "Tell the API's team in a sentence or two what you will use it for.").max(2_000),
  })
  .strict();
export type RequestAccessInput = z.input<typeof requestAccessInput>;

export const subscriptionActionInput = z
  .object({
    action: z.enum(SUBSCRIPTION_ACTIONS),
    reason: z.string().trim().max(2_000).optional().describe("Required to reject or revoke"),
  })
  .strict();
export type SubscriptionActionInput = z.input<typeof subscriptionActionInput>;

export const subscriptionListQuery = z.object({
  side: z.enum(["consumer", "provider"]).default("consumer").describe("consumer: your teams' applications' subscriptions; provider: requests for your teams' APIs"),
  status: z.enum(["PENDING", "ACTIVE", "REJECTED", "REVOKED", "CANCELLED"]).optional(),
  api: z.string().optional().describe("An API slug"),
  application: z.string().optional().describe("An application id"),
});

/** The REST body of a request: the API by slug, and the rest as on the page. */
export const createSubscriptionInput = requestAccessInput.extend({ api: z.string().min(1).describe("The API's slug") }).strict();
