import { z } from "zod";

/** `?limit=` (default 20, max 100) and `?cursor=`, as every list in /api/v1 takes them. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
