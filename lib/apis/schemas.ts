import { z } from "zod";
import { slugSchema } from "@/lib/teams/schemas";

const tag = z.string().trim().toLowerCase().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, "Tags use lowercase letters, digits and dashes.");

export const createApiInput = z.object({
  team: slugSchema.describe("The owner team's slug"),
  slug: slugSchema,
  name: z.string().trim().min(2, "Use at least 2 characters.").max(100),
  summary: z.string().trim().max(300).default(""),
  description: z.string().max(100_000).default("").describe("Markdown"),
  visibility: z.enum(["PUBLIC", "INTERNAL", "PRIVATE"]).default("INTERNAL"),
  tags: z
    .union([z.array(tag), z.string().transform((text) => text.split(",").map((t) => t.trim()).filter(Boolean))])
    .pipe(z.array(tag).max(20))
    .default([]),
  category: z.string().trim().max(60).nullish().transform((value) => value || null),
  contactEmail: z.string().trim().toLowerCase().email().optional().or(z.literal("").transform(() => undefined)),
});
export type CreateApiInput = z.input<typeof createApiInput>;
