import { z } from "zod";
import { slugSchema } from "@/lib/teams/schemas";

const optionalLimit = (max: number) =>
  z.preprocess((value) => (value === "" || value === undefined ? null : value), z.coerce.number().int().min(1).max(max).nullable());

const planFields = {
  name: z.string().trim().min(2, "Use at least 2 characters.").max(60),
  description: z.string().trim().max(1_000),
  rateLimitPerMinute: optionalLimit(1_000_000).describe("Requests per minute; null for no per-minute limit"),
  monthlyQuota: optionalLimit(1_000_000_000_000).describe("Requests per calendar month; null for no quota"),
  requiresApproval: z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean()).describe("Requests need an approver of the API's team"),
  visibility: z.enum(["PUBLIC", "RESTRICTED"]).describe("RESTRICTED: only the listed teams (and the API's own) are offered the plan"),
  allowedTeams: z
    .union([z.array(slugSchema), z.string().transform((text) => text.split(",").map((t) => t.trim()).filter(Boolean))])
    .pipe(z.array(slugSchema).max(100))
    .describe("Team slugs a RESTRICTED plan is offered to"),
};

export const createPlanInput = z
  .object({
    ...planFields,
    description: planFields.description.default(""),
    rateLimitPerMinute: planFields.rateLimitPerMinute.default(null),
    monthlyQuota: planFields.monthlyQuota.default(null),
    requiresApproval: planFields.requiresApproval.default(true),
    visibility: planFields.visibility.default("PUBLIC"),
    allowedTeams: planFields.allowedTeams.default([]),
  })
  .strict();
export type CreatePlanInput = z.input<typeof createPlanInput>;

export const updatePlanInput = z
  .object({
    name: planFields.name.optional(),
    description: planFields.description.optional(),
    rateLimitPerMinute: planFields.rateLimitPerMinute.optional(),
    monthlyQuota: planFields.monthlyQuota.optional(),
    requiresApproval: planFields.requiresApproval.optional(),
    visibility: planFields.visibility.optional(),
    allowedTeams: planFields.allowedTeams.optional(),
    deprecated: z.boolean().optional().describe("A deprecated plan takes no new subscriptions; existing ones keep working"),
  })
  .strict();
export type UpdatePlanInput = z.input<typeof updatePlanInput>;
