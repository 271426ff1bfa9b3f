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

/** Absent: unchanged; null or "": cleared. */
const clearable = <T extends z.ZodType<string>>(schema: T) =>
  z
    .union([schema, z.null()])
    .optional()
    .transform((value) => (value === "" ? null : value));

/**
 * A change to an API's settings (its team's ADMIN and up). Every field is
 * optional, unknown fields are refused: the slug and owner team are not
 * settings. `keyless` is checked against the resulting visibility by
 * updateApiSettings, since it depends on the stored value too.
 */
export const updateApiSettingsInput = z
  .object({
    name: createApiInput.shape.name.optional(),
    summary: z.string().trim().max(300).optional(),
    description: z.string().max(100_000).optional().describe("Markdown"),
    visibility: z.enum(["PUBLIC", "INTERNAL", "PRIVATE"]).optional().describe("Turning an API away from PUBLIC also turns keyless off"),
    tags: createApiInput.shape.tags.unwrap().optional(),
    category: clearable(z.string().trim().max(60)).describe("null or an empty string clears it"),
    contactEmail: clearable(z.union([z.literal(""), z.string().trim().toLowerCase().email()])).describe("null or an empty string clears it"),
    minNoticeDays: z.number().int().min(1).max(365).optional().describe("The least number of days between deprecating a version and its sunset"),
    cacheEnabled: z.boolean().optional().describe("The gateway caches GET responses, per consuming application; upstream Cache-Control no-store and private are respected"),
    cacheTtlSeconds: z.number().int().min(1).max(86_400).optional().describe("How long a cached response is served"),
    keyless: z.boolean().optional().describe("Anyone may call without a key, limited per client address. Only for PUBLIC APIs"),
  })
  .strict();
export type UpdateApiSettingsInput = z.input<typeof updateApiSettingsInput>;

/**
 * Where the gateway forwards a version's calls. The gateway appends the
 * consumer's path and query, so the base has neither query nor fragment; and
 * no user:password, which would be kept in the audit log forever.
 */
export const upstreamUrlSchema = z
  .string()
  .trim()
  .max(2_000)
  .superRefine((text, context) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      context.addIssue({ code: "custom", message: "Enter an absolute URL, e.g. https://orders.internal:8443/v2." });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") context.addIssue({ code: "custom", message: "Use an http:// or https:// URL." });
    else if (url.username || url.password) context.addIssue({ code: "custom", message: "Leave credentials out of the URL: it is shown to the team and kept in the audit log." });
    else if (url.search || url.hash || text.endsWith("?") || text.includes("#")) context.addIssue({ code: "custom", message: "Leave out the query and fragment: the gateway appends the caller's path and query to this base." });
  });

export const updateUpstreamInput = z
  .object({
    upstreamUrl: upstreamUrlSchema.nullable().describe("The base URL the gateway forwards this version's calls to; null removes it (the gateway then answers 502)"),
  })
  .strict();
export type UpdateUpstreamInput = z.input<typeof updateUpstreamInput>;
