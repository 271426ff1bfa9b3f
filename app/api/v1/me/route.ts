import { apiRoute, jsonResponse } from "@/lib/http/route";

export const GET = apiRoute({ auth: "required" }, async ({ actor }) =>
  jsonResponse({ id: actor.userId, email: actor.email, name: actor.name, platformRole: actor.platformRole }),
);
