import { apiRoute, jsonResponse, readJson } from "@/lib/http/route";
import { updateVersionUpstream } from "@/lib/apis/settings";
import { updateUpstreamInput } from "@/lib/apis/schemas";
import { toVersionUpstreamResource } from "@/lib/apis/resource";

export const PUT = apiRoute<{ slug: string; version: string }>({ auth: "required" }, async ({ actor, params, request }) => {
  const { upstreamUrl } = await readJson(request, updateUpstreamInput);
  return jsonResponse(toVersionUpstreamResource(await updateVersionUpstream(actor, params.slug, params.version, upstreamUrl)));
});
