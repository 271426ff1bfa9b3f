import type { OpenAPIV3, OpenAPIV3_1 } from "openapi-types";

export type OpenApiDocument = OpenAPIV3.Document | OpenAPIV3_1.Document;

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface ExtractedOperation {
  method: string;
  path: string;
  operationId: string | null;
  summary: string;
  tags: string[];
  deprecated: boolean;
  searchText: string;
}

/** "listChargeRefunds" → "list Charge Refunds"; "/v1/charges/{id}" → "v1 charges id". */
function words(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const asString = (value: unknown) => (typeof value === "string" ? value : "");

/** Every operation of a document, with the words the catalog search indexes. */
export function extractOperations(document: OpenApiDocument): ExtractedOperation[] {
  const operations: ExtractedOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!item || typeof item !== "object") continue;
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, unknown>)[method] as OpenAPIV3.OperationObject | undefined;
      if (!operation || typeof operation !== "object") continue;
      const operationId = asString(operation.operationId) || null;
      const summary = asString(operation.summary).slice(0, 500);
      const tags = Array.isArray(operation.tags) ? operation.tags.filter((t): t is string => typeof t === "string").slice(0, 20) : [];
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId,
        summary,
        tags,
        deprecated: operation.deprecated === true,
        searchText: [method, words(path), operationId ? `${operationId} ${words(operationId)}` : "", summary, tags.join(" ")].join(" ").slice(0, 4000),
      });
    }
  }
  return operations;
}

// swagger-ui's deep links write whitespace as %20 and leave the rest as is.
const deepLinkPart = (text: string) => text.trim().replace(/\s/g, "%20");

/**
 * The fragment swagger-ui scrolls to for an operation, in its deep-linking
 * scheme `#/<first tag or "default">/<operation id>`, where the id is the
 * operationId with non-word characters as "_", or method + path likewise.
 */
export function operationAnchor(operation: { method: string; path: string; operationId: string | null; tags: string[] }): string {
  const tag = operation.tags[0] ?? "default";
  const id = operation.operationId?.replace(/\s/g, "") ? operation.operationId.replace(/\W/g, "_") : `${operation.method.toLowerCase()}${operation.path.replace(/\W/g, "_")}`;
  return `/${deepLinkPart(tag)}/${deepLinkPart(id)}`;
}
