import { apiRoute } from "@/lib/http/route";
import { documentDownload } from "@/lib/catalog/download";

export const GET = apiRoute<{ slug: string; version: string }>({ auth: "optional" }, ({ actor, params }) => documentDownload(actor, params.slug, params.version, "json"));
