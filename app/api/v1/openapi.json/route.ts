import { porticoOpenApiDocument } from "@/lib/rest/openapi";
import { apiRoute, jsonResponse } from "@/lib/http/route";

export const GET = apiRoute({ auth: "optional" }, async () => jsonResponse(porticoOpenApiDocument()));
