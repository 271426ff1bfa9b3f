/** JSON with dates as ISO strings and bigints as strings. */
export function toJsonText(data: unknown): string {
  return JSON.stringify(data, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json; charset=utf-8");
  return new Response(init.status === 204 ? null : toJsonText(data), { ...init, headers });
}
