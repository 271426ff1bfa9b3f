import { z } from "zod";
import { slugSchema } from "@/lib/teams/schemas";

const name = z.string().trim().min(2, "Use at least 2 characters.").max(80);
const description = z.string().trim().max(1_000);
const environment = z.enum(["SANDBOX", "PRODUCTION"]);

// Strict: a client may not set fields it does not own (archivedAt, teamId…).
export const createApplicationInput = z
  .object({
    team: slugSchema.describe("The slug of the team that owns the application"),
    name,
    description: description.default(""),
    environment: environment.default("SANDBOX"),
  })
  .strict();
export type CreateApplicationInput = z.input<typeof createApplicationInput>;

export const updateApplicationInput = z
  .object({ name: name.optional(), description: description.optional(), environment: environment.optional() })
  .strict();
export type UpdateApplicationInput = z.input<typeof updateApplicationInput>;

export const applicationListQuery = z.object({
  team: slugSchema.optional().describe("Only this team's applications"),
  archived: z.enum(["true", "false"]).optional().transform((value) => value === "true").describe("Include archived applications"),
});
