import { apiRoute, idempotent, jsonResponse, readBytes, readQuery } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { authorizeUpload, uploadFields, uploadVersionBody } from "@/lib/versions/upload";
import { maxSpecBytes } from "@/lib/specs/parse";
import { getApiOverview } from "@/lib/catalog/api-details";
import { toVersionResource } from "@/lib/rest/schemas";

export const GET = apiRoute<{ slug: string }>({ auth: "optional" }, async ({ actor, params }) => {
  const { versions } = await getApiOverview(actor, params.slug);
  return jsonResponse({ items: versions.map(toVersionResource), nextCursor: null });
});

/** Media types of a body that is the document itself (YAML, or JSON as the OpenAPI media type). */
const DOCUMENT_TYPES = new Set(["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/vnd.oai.openapi", "application/vnd.oai.openapi+json"]);

function bodyKind(contentType: string | null): "envelope" | "document" {
  const media = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (DOCUMENT_TYPES.has(media)) return "document";
  // A form upload (curl -F) would otherwise end as "not valid JSON".
  if (media.startsWith("multipart/")) {
    throw new AppError("bad-request", `Send the document as the body with Content-Type: application/yaml or application/vnd.oai.openapi+json (other fields as query parameters), or a JSON body { "source": "…" } with Content-Type: application/json; not ${media}.`, { code: "unsupported-media-type" });
  }
  // Anything else is the JSON body, as before media types were told apart.
  return "envelope";
}

// Who may upload is settled before the body is read; what the body holds is
// read, checked and stored by the upload process, off this event loop.
export const POST = apiRoute<{ slug: string }>({ auth: "required" }, async (context) => {
  const target = await authorizeUpload(context.actor, context.params.slug);
  const kind = bodyKind(context.request.headers.get("content-type"));
  let fields: Record<string, string> | undefined;
  if (kind === "document") {
    readQuery(context.url, uploadFields);
    const query = Object.fromEntries(context.url.searchParams);
    fields = Object.fromEntries(Object.keys(uploadFields.shape).filter((key) => key in query).map((key) => [key, query[key]]));
  }
  // The JSON body escapes the document, which may then take up to twice its size.
  const body = await readBytes(context.request, kind === "document" ? maxSpecBytes() : maxSpecBytes() * 2);
  return idempotent(context, { body: kind, fields, sha256: body.sha256 }, async () => {
    const { summary, answer } = await uploadVersionBody(context.actor, target, { kind, fields, chunks: body.chunks }, "full");
    return new Response(new Uint8Array(answer), {
      status: 201,
      headers: { "content-type": "application/json; charset=utf-8", location: `/api/v1/apis/${summary.api}/versions/${encodeURIComponent(summary.version)}` },
    });
  });
});
