import { apiRoute, idempotent, jsonResponse, readJson } from "@/lib/http/route";
import { uploadInput, uploadVersion } from "@/lib/versions/upload";
import { maxSpecBytes } from "@/lib/specs/parse";
import { getApiOverview } from "@/lib/catalog/api-details";
import { toVersionResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "optional" }, async ({ actor, params }) => {
  const { versions } = await getApiOverview(actor, params.slug);
  return jsonResponse({ items: versions.map(toVersionResource), nextCursor: null });
});

export const POST = apiRoute<{ slug: string }>({ auth: "required" }, async (context) => {
  const body = await readJson(context.request, uploadInput, { maxBytes: maxSpecBytes() * 2 });
  return idempotent(context, body, async () => {
    const uploaded = await uploadVersion(context.actor, context.params.slug, body);
    return jsonResponse(uploaded, { status: 201, headers: { location: `/api/v1/apis/${uploaded.api}/versions/${encodeURIComponent(uploaded.version)}` } });
  });
});
