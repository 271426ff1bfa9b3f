import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { applyTransition, transitionInput } from "@/lib/lifecycle/apply";

export const POST = apiRoute<{ slug: string; version: string }>({ auth: "required" }, async ({ actor, params, request }) =>
  jsonResponse(await applyTransition(actor, params.slug, params.version, await readJson(request, transitionInput))),
);
