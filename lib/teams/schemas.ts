import { z } from "zod";
import { emailSchema } from "@/lib/users/schemas";

export const teamRoleSchema = z.enum(["OWNER", "ADMIN", "DEVELOPER", "VIEWER"]);

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(48, "Use at most 48 characters.")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single dashes.");

export const createTeamInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters.").max(80),
  slug: slugSchema,
  description: z.string().trim().max(500).optional(),
});
export type CreateTeamInput = z.input<typeof createTeamInput>;

export const updateTeamInput = z.object({
  name: z.string().trim().min(2).max(80).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  requireReview: z.boolean().optional(),
});
export type UpdateTeamInput = z.input<typeof updateTeamInput>;

export const inviteInput = z.object({
  email: emailSchema,
  role: teamRoleSchema.default("DEVELOPER"),
});
export type InviteInput = z.input<typeof inviteInput>;

export const changeRoleInput = z.object({ role: teamRoleSchema });
