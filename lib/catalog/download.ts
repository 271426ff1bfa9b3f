import YAML from "yaml";
import type { MaybeActor } from "@/lib/authz/actor";
import { getVersionDocument } from "./api-details";

/** A version's OpenAPI document as a download, in JSON or YAML. */
export async function documentDownload(actor: MaybeActor, slug: string, version: string, format: "json" | "yaml"): Promise<Response> {
  const { api, version: found } = await getVersionDocument(actor, slug, version);
  const body = format === "json" ? JSON.stringify(found.openapiDocument, null, 2) : YAML.stringify(found.openapiDocument, { aliasDuplicateObjects: false });
  return new Response(body, {
    headers: {
      "content-type": format === "json" ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8",
      "content-disposition": `attachment; filename="${api.slug}-${found.version}.${format}"`,
      etag: `"${found.specHash}-${format}"`,
    },
  });
}
