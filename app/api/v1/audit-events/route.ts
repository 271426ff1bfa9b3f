import { apiRoute, jsonResponse, readQuery } from "@/lib/http/route";
import { auditFilterInput, listAuditEvents } from "@/lib/audit/list";
import { toAuditEventResource } from "@/lib/rest/schemas";

export const GET = apiRoute({ auth: "required" }, async ({ actor, url }) => {
  const page = await listAuditEvents(actor, readQuery(url, auditFilterInput));
  return jsonResponse({ items: page.items.map(toAuditEventResource), nextCursor: page.nextCursor });
});
