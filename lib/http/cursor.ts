import { AppError } from "@/lib/errors";

// Page-numbered lists (ranked search) still speak the API's opaque cursors.
export function encodePageCursor(page: number): string {
  return Buffer.from(`page:${page}`).toString("base64url");
}

export function decodePageCursor(cursor: string | undefined): number {
  if (!cursor) return 1;
  const match = /^page:(\d{1,5})$/.exec(Buffer.from(cursor, "base64url").toString());
  const page = match ? Number(match[1]) : 0;
  if (page < 1 || page > 10_000) throw new AppError("validation", "The cursor is not one this API issued.", { errors: [{ pointer: "/cursor", detail: "invalid cursor" }] });
  return page;
}
