import { z } from "zod";

export const LIFECYCLE_STATES = ["DRAFT", "IN_REVIEW", "PUBLISHED", "DEPRECATED", "RETIRED"] as const;
export const VISIBILITIES = ["PUBLIC", "INTERNAL", "PRIVATE"] as const;
export const SORTS = ["relevance", "name", "updated"] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    // PostgreSQL text cannot hold NUL: drop it rather than fail the query.
    .transform((value) => value?.replace(/\0/g, "") || undefined);

/** The catalog's query, as the page's URL and GET /api/v1/apis both carry it. */
export const catalogQuery = z.object({
  q: optionalText(200).describe("Search words; matches names, summaries, descriptions, tags and operations. Prefixes match as you type."),
  team: optionalText(48).describe("Owner team slug"),
  tag: optionalText(60),
  category: optionalText(60),
  state: z.enum(LIFECYCLE_STATES).optional().describe("Lifecycle state of the version the catalog shows"),
  visibility: z.enum(VISIBILITIES).optional(),
  sort: z.enum(SORTS).optional().describe("relevance (default with a query), name (default without), updated"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type CatalogQuery = z.output<typeof catalogQuery>;
export type CatalogQueryInput = z.input<typeof catalogQuery>;

/** Words of a search as a prefix tsquery ("pay card" → "pay:* & card:*"), or null. */
export function toPrefixTsQuery(text: string | undefined): string | null {
  const words = (text ?? "").toLowerCase().match(/[\p{L}\p{N}]+/gu)?.slice(0, 8) ?? [];
  return words.length ? words.map((word) => `${word}:*`).join(" & ") : null;
}

/** GET /api/v1/apis: the same query, with the API's opaque cursor instead of a page number. */
export const catalogListQuery = catalogQuery.omit({ page: true }).extend({ cursor: z.string().max(100).optional() });
